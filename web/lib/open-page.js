// Opening another page of the app without reloading the document. At the end of a
// recording the share page is drawn in place, from a module loaded while recording: that
// skips the navigation, the page's HTML, its module graph and the sign-in check, which were
// most of the time between "stop" and the share page playing (BENCHMARKS.md). The app has
// no client-side router, so going back or forward from there loads the page afresh.

/** Show `page` (drawn by `module.render(root, context)`) at `path` in this document. */
export async function openInPlace(path, page, module, context) {
  history.pushState({ openedInPlace: true }, '', path);
  window.addEventListener('popstate', () => location.reload(), { once: true });
  document.body.dataset.page = page;
  const root = document.getElementById('main');
  window.scrollTo(0, 0);
  // Where a navigation would have left the keyboard: at the start of the new page.
  root.focus({ preventScroll: true });
  await module.render(root, context);
}
