// A tiny element builder: h('p', {class: 'x', 'aria-live': 'polite'}, 'text', child).
// Text is always set as text (never HTML), so nothing a person or the
// service types can become markup.

export function h(tag, attrs, ...children) {
  // "svg:path" and the like: SVG elements.
  const el = tag.startsWith('svg:') ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'hidden') el.hidden = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let counter = 0;
/** A document-unique id prefix per widget instance (ids live in one shadow root, but stay readable). */
export function uid(prefix) { counter += 1; return `${prefix}-${counter}`; }
