// The entries table, virtualized: the rows stay in the worker (compact, in WASM memory) and the table asks
// for the few dozen it shows, a page at a time, so 100k entries scroll as fast as 100. Only visible rows
// exist in the DOM; a spacer gives the scrollbar its full height.
import { el, clock } from './dom.js';

export const ROW_H = 26;
const PAGE = 100;
const OVERSCAN = 10;

export class VirtualGrid {
  /**
   * @param {HTMLElement} grid the focusable grid element
   * @param {HTMLElement} body the scrolling body
   * @param {HTMLElement} spacer the full-height spacer inside body
   * @param {(start: number, count: number) => Promise<object[]>} fetchRows
   * @param {(row: object) => void} onOpen
   */
  constructor(grid, body, spacer, fetchRows, onOpen) {
    Object.assign(this, { grid, body, spacer, fetchRows, onOpen });
    this.count = 0;
    this.pages = new Map();
    this.generation = 0;
    this.selected = -1;
    this.nodes = new Map();
    this.scheduled = false;
    body.addEventListener('scroll', () => this.schedule());
    grid.addEventListener('keydown', (e) => this.key(e));
    body.addEventListener('click', (e) => {
      const rowEl = e.target.closest('.grid-row');
      if (!rowEl) return;
      this.select(Number(rowEl.dataset.pos), true);
    });
  }

  /** New data (after an analysis or a filter): `count` rows. */
  reset(count) {
    this.count = count;
    this.generation += 1;
    this.pages.clear();
    this.selected = -1;
    this.grid.setAttribute('aria-rowcount', String(count + 1));
    this.spacer.style.height = `${count * ROW_H}px`;
    for (const n of this.nodes.values()) n.remove();
    this.nodes.clear();
    this.body.scrollTop = 0;
    this.render();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.render(); });
  }

  page(p) {
    if (!this.pages.has(p)) {
      const generation = this.generation;
      const promise = this.fetchRows(p * PAGE, PAGE).then((rows) => {
        if (generation === this.generation) { this.pages.set(p, rows); this.schedule(); }
        return rows;
      });
      this.pages.set(p, promise);
    }
    return this.pages.get(p);
  }

  rowAt(pos) {
    const page = this.pages.get(Math.floor(pos / PAGE));
    return Array.isArray(page) ? page[pos % PAGE] : undefined;
  }

  render() {
    const top = this.body.scrollTop;
    const height = this.body.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(this.count, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.max(first, last - 1) / PAGE) && p * PAGE < this.count; p++) this.page(p);
    for (const [pos, node] of this.nodes) {
      if (pos < first || pos >= last) { node.remove(); this.nodes.delete(pos); }
    }
    for (let pos = first; pos < last; pos++) {
      const row = this.rowAt(pos);
      let node = this.nodes.get(pos);
      if (node && node.dataset.loaded === 'no' && row) { node.remove(); node = undefined; }
      if (!node) {
        node = row ? rowNode(row, pos) : placeholder(pos);
        node.style.top = `${pos * ROW_H}px`;
        this.body.append(node);
        this.nodes.set(pos, node);
      }
      node.classList.toggle('selected', pos === this.selected);
      node.setAttribute('aria-selected', String(pos === this.selected));
    }
  }

  /** Selects row `pos`, scrolls it into view, and opens it when `open`. */
  async select(pos, open = false) {
    if (pos < 0 || pos >= this.count) return;
    this.selected = pos;
    const top = pos * ROW_H;
    const view = this.body.clientHeight || 400;
    if (top < this.body.scrollTop) this.body.scrollTop = top;
    else if (top + ROW_H > this.body.scrollTop + view) this.body.scrollTop = top - view + ROW_H * 2;
    const rows = await this.page(Math.floor(pos / PAGE));
    this.render();
    this.grid.setAttribute('aria-activedescendant', `row-${pos}`);
    if (open) this.onOpen(rows[pos % PAGE]);
  }

  key(e) {
    const view = Math.max(1, Math.floor((this.body.clientHeight || 400) / ROW_H) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: view, PageUp: -view };
    if (e.key in moves) {
      e.preventDefault();
      this.select(Math.max(0, Math.min(this.count - 1, (this.selected < 0 ? -1 : this.selected) + moves[e.key])));
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      this.select(e.key === 'Home' ? 0 : this.count - 1);
    } else if (e.key === 'Enter' && this.selected >= 0) {
      e.preventDefault();
      this.select(this.selected, true);
    }
  }
}

function placeholder(pos) {
  return el('div', { className: 'grid-row loading', dataset: { pos: String(pos), loaded: 'no' }, attrs: { role: 'row', id: `row-${pos}` } },
    el('span', { text: '…' }));
}

function statusClass(status) {
  if (!status) return 'st-none';
  return `st-${Math.floor(status / 100)}xx`;
}

function rowNode(r, pos) {
  const flags = [];
  if (r.flags & (1 << 9)) flags.push('token sent');
  const user = r.user ?? (r.anonymous ? 'anonymous' : '');
  const node = el('div', {
    className: `grid-row${r.flags & 1 ? ' auth' : ''}${r.anonymous ? ' anon' : ''}`,
    dataset: { pos: String(pos), input: String(r.input), entry: String(r.entry) },
    attrs: { role: 'row', id: `row-${pos}`, 'aria-rowindex': pos + 2 },
  },
  el('span', { className: 'num', text: r.input > 0 ? `${r.input}:${r.entry}` : String(r.entry), attrs: { role: 'gridcell' } }),
  el('span', { className: 'num', text: clock(r.time_ms), attrs: { role: 'gridcell' } }),
  el('span', { text: r.method, attrs: { role: 'gridcell' } }),
  el('span', { className: `num ${statusClass(r.status)}`, text: r.status || '—', attrs: { role: 'gridcell' } }),
  el('span', { className: 'url', text: r.url, title: r.url, attrs: { role: 'gridcell' } }),
  el('span', { className: r.anonymous ? 'anon-text' : '', text: user, attrs: { role: 'gridcell' } }),
  el('span', { text: r.asession ?? '', attrs: { role: 'gridcell' } }),
  el('span', { text: r.node ?? '', attrs: { role: 'gridcell' } }),
  el('span', { text: r.server_ip ?? '', attrs: { role: 'gridcell' } }));
  return node;
}
