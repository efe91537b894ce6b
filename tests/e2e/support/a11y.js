// A cheap accessibility check run on every page the journey visits: each form control has
// an accessible name (a <label>, aria-label or aria-labelledby), and each button has text
// or a label. Returns descriptions of the offenders.
export async function unlabelledControls(page) {
  return page.evaluate(() => {
    const named = (el) =>
      (el.labels && el.labels.length > 0 && [...el.labels].some((l) => l.textContent.trim())) ||
      (el.getAttribute('aria-label') || '').trim() ||
      el.getAttribute('aria-labelledby');
    const offenders = [];
    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, meter, progress')) {
      if (!named(el)) offenders.push(el.outerHTML.slice(0, 120));
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (!el.textContent.trim() && !named(el) && !el.querySelector('img[alt]:not([alt=""])')) offenders.push(el.outerHTML.slice(0, 120));
    }
    return offenders;
  });
}
