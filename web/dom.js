// dom.js: building the page from data without ever parsing data as markup.
// Every view uses h(); nothing assigns innerHTML, so a name like
// "<img onerror=...>" typed into a case is shown as text, never run.

// h('a', {href: '/x', class: 'btn'}, 'text', child, [more children])
// Attributes: "class", "text", "on<event>" (a function), boolean true/false,
// anything else set with setAttribute.  Children may be strings, numbers,
// nodes, arrays or null/undefined/false (skipped).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else if (k === 'value' && 'value' in el) el.value = v;
      else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'multiple' || k === 'required') el[k] = !!v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Text that must stay left-to-right inside Arabic text (case references,
// user names, codes): isolated so the surrounding direction is not upset.
export function ltr(text) {
  return h('bdi', { dir: 'ltr' }, text);
}

let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix || 'id'}-${idCounter}`;
}
