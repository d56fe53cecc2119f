// DOM helpers for the page. Everything from a HAR is untrusted: it only ever reaches the page as text nodes
// (textContent, append of strings) or attribute values, never parsed as HTML.

/**
 * Creates an element. `props`: className, text, title, attrs (attributes), dataset, on (event listeners).
 * Children may be nodes or strings (strings become text nodes).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  applyProps(node, props);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  node.append(...children.filter(Boolean));
  return node;
}

function applyProps(node, { className, text, title, attrs, dataset, on } = {}) {
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (title) node.title = title;
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  Object.assign(node.dataset, dataset ?? {});
  for (const [k, f] of Object.entries(on ?? {})) node.addEventListener(k, f);
}

export const $ = (id) => document.getElementById(id);

/**
 * A message for the page: at most `max` characters, and the characters that would hide or reorder text
 * (controls, bidirectional overrides, zero-width ones) shown escaped, as the core shows them (`\x1b`,
 * `\u{202e}`). Messages quote input; input can hold anything.
 */
export function shown(message, max = 2000) {
  const text = String(message).replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => {
    const code = c.codePointAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** "850 KB", "1.2 GB". */
export function bytes(n) {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u += 1; }
  return u === 0 ? `${n} bytes` : `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[u]}`;
}

/** "14:07:02.060" in UTC (HAR times are UTC instants; the report shows UTC too). */
export function clock(ms, withMs = true) {
  if (ms === null || ms === undefined) return '';
  const iso = new Date(ms).toISOString();
  return withMs ? iso.slice(11, 23) : iso.slice(11, 19);
}

/** A copy-to-clipboard button for `text`. */
export function copyButton(text, label = 'Copy', what = 'text') {
  const button = el('button', { className: 'copy', text: label, attrs: { type: 'button', 'aria-label': `${label} ${what}` } });
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed';
    }
    setTimeout(() => { button.textContent = label; }, 1500);
  });
  return button;
}

/** Saves `text` as a file, locally (a blob URL: nothing is uploaded). */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { attrs: { href: url, download: name } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
