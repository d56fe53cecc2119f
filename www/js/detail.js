// The entry detail pane: one entry as the HAR wrote it (re-read from the file by the worker), with the
// Atlassian signals the core decoded from it. Every value is HAR text and is shown as text. What a row's flag
// bits mean and which headers the core reads come from the core (`setVocabulary`), never from a copy here.
import { el, clock, bytes } from './dom.js';

const BODY_PREVIEW = 4000;

/** The core's row flags (`[{bit, name}]`) and the headers it reads (lower case), once the worker has them. */
let vocabulary = { flags: [], signalHeaders: new Set() };

/** Takes the core's vocabulary: `flags` from `entryFlags()`, `signalHeaders` from `signalHeaders()`. */
export function setVocabulary({ flags, signalHeaders }) {
  vocabulary = { flags: flags ?? [], signalHeaders: new Set(signalHeaders ?? []) };
}

function kv(pairs) {
  const dl = el('dl', { className: 'kv' });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '') continue;
    dl.append(el('dt', { text: k }), el('dd', { text: String(v) }));
  }
  return dl;
}

function headerTable(caption, headers) {
  const list = Array.isArray(headers) ? headers : [];
  const table = el('table', { className: 'headers' }, el('caption', { text: `${caption} (${list.length})` }));
  const body = el('tbody');
  for (const h of list) {
    const name = h && typeof h === 'object' ? String(h.name ?? '') : String(h);
    const value = h && typeof h === 'object' ? String(h.value ?? '') : '';
    body.append(el('tr', { className: vocabulary.signalHeaders.has(name.toLowerCase()) ? 'signal' : '' }, el('th', { text: name, attrs: { scope: 'row' } }), el('td', { text: value })));
  }
  table.append(body);
  return table;
}

function cookieTable(caption, cookies) {
  const list = Array.isArray(cookies) ? cookies : cookies && typeof cookies === 'object' ? [cookies] : [];
  if (!list.length) return null;
  const table = el('table', { className: 'headers' }, el('caption', { text: `${caption} (${list.length})` }));
  const body = el('tbody');
  for (const c of list) {
    const attrs = ['path', 'domain', 'expires', 'httpOnly', 'secure', 'sameSite']
      .filter((k) => c?.[k] !== undefined && c?.[k] !== null && c?.[k] !== '' && c?.[k] !== false)
      .map((k) => (c[k] === true ? k : `${k}=${c[k]}`)).join('; ');
    body.append(el('tr', {}, el('th', { text: String(c?.name ?? ''), attrs: { scope: 'row' } }), el('td', { text: `${String(c?.value ?? '')}${attrs ? `  (${attrs})` : ''}` })));
  }
  table.append(body);
  return table;
}

function timings(t, total) {
  if (!t || typeof t !== 'object') return null;
  const parts = ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive'].map((k) => [k, Number(t[k])]).filter(([, v]) => Number.isFinite(v) && v >= 0);
  if (!parts.length) return null;
  const sum = parts.reduce((n, [, v]) => n + v, 0) || 1;
  const bar = el('div', { className: 'timing-bar', attrs: { 'aria-hidden': 'true' } });
  for (const [k, v] of parts) {
    const seg = el('span', { className: `t-${k}`, title: `${k} ${v.toFixed(1)} ms` });
    seg.style.width = `${(v / sum) * 100}%`;
    bar.append(seg);
  }
  return el('div', {}, el('h4', { text: `Timings (${Number(total ?? sum).toFixed(1)} ms)` }), bar, kv(parts.map(([k, v]) => [k, `${v.toFixed(1)} ms`])));
}

/** Renders `{row, entry, message}` from the worker into `root`. */
export function renderDetail(root, { row, entry, message }) {
  root.replaceChildren();
  if (!row) {
    root.append(el('p', { className: 'muted', text: message ?? 'No entry selected.' }));
    return;
  }
  const head = el('h4', { className: 'detail-title' }, el('span', { className: 'method', text: row.method }), ' ', el('span', { className: 'detail-url', text: row.url }));
  root.append(el('p', { className: 'muted', text: `input ${row.input}, entry ${row.entry} · ${row.time ?? 'no time'}` }), head);
  const flags = vocabulary.flags.filter(({ bit }) => row.flags & bit).map(({ name }) => name);
  root.append(el('h4', { text: 'Atlassian signals' }), kv([
    ['user (X-AUSERNAME)', row.user ?? (row.anonymous ? 'anonymous' : '')],
    ['session (X-ASESSIONID)', row.asession],
    ['node (X-ANODEID)', row.node],
    ['Seraph login reason', row.login_reason],
    ['server address', row.server_ip],
    ['also', flags.join('; ')],
  ]));
  if (!entry) {
    root.append(el('p', { className: 'muted', text: message ?? '' }));
    return;
  }
  const req = entry.request ?? {};
  const res = entry.response ?? {};
  root.append(el('h4', { text: 'General' }), kv([
    ['URL', req.url],
    ['status', `${res.status ?? ''} ${res.statusText ?? ''}`.trim()],
    ['started', entry.startedDateTime],
    ['HTTP', req.httpVersion],
    ['server address', entry.serverIPAddress],
    ['connection', entry.connection],
    ['redirect', res.redirectURL],
    ['from cache', entry._fromCache],
    ['error', res._error],
    ['response size', Number.isFinite(res.content?.size) && res.content.size >= 0 ? bytes(res.content.size) : ''],
    ['type', res.content?.mimeType],
  ]));
  root.append(headerTable('Request headers', req.headers), headerTable('Response headers', res.headers));
  const rc = cookieTable('Request cookies', req.cookies);
  const sc = cookieTable('Response cookies', res.cookies);
  if (rc) root.append(rc);
  if (sc) root.append(sc);
  const t = timings(entry.timings, entry.time);
  if (t) root.append(t);
  const text = typeof res.content?.text === 'string' ? res.content.text : null;
  if (text) {
    const shown = text.length > BODY_PREVIEW ? `${text.slice(0, BODY_PREVIEW)}\n… (${text.length - BODY_PREVIEW} more characters)` : text;
    root.append(el('details', {}, el('summary', { text: `Response body${res.content.encoding ? ` (${res.content.encoding})` : ''}` }), el('pre', { className: 'body', text: shown })));
  }
  if (typeof req.postData?.text === 'string') {
    root.append(el('details', {}, el('summary', { text: 'Request body' }), el('pre', { className: 'body', text: req.postData.text.slice(0, BODY_PREVIEW) })));
  }
  root.dataset.entry = `${row.input}:${row.entry}`;
}

export { clock };
