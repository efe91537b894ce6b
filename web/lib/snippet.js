// Search snippets arrive as server-escaped HTML with <mark> around matches. We never hand
// that string to innerHTML: it is parsed into an inert document and rebuilt from its text
// nodes, keeping <mark> and nothing else.

export function snippetNodes(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const out = document.createDocumentFragment();
  const walk = (node, target) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        target.append(document.createTextNode(child.textContent));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === 'MARK') {
          const mark = document.createElement('mark');
          mark.textContent = child.textContent;
          target.append(mark);
        } else {
          walk(child, target);
        }
      }
    }
  };
  walk(doc.body, out);
  return out;
}
