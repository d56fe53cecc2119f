// The session timeline plot: one SVG per application, from the core's plot of its timelines (the same
// applications, losses and idle threshold as the report; only changes are listed, so 100k entries draw as a
// few dozen shapes). A lane shows when the server knew the user
// (authenticated) or not (anonymous); marks show session, node and edge changes, SSO token events, login
// redirects and logouts; red lines mark the report's session losses. Long pauses are compressed to a fixed
// width so that a 6-hour idle does not squash the minutes that matter.
import { el, svg, clock } from './dom.js';

const W = 1000;
const H = 132;
const LEFT = 8;
const RIGHT = 8;
const BAND_Y = 30;
const BAND_H = 22;
const MARK_Y = 70;
const TOKEN_Y = 92;
const MIN_ANON = 10;
/** Marks about the connection (lane 1) and about login state (lane 2), so they do not cover each other. */
const LANE = { session: MARK_Y, node: MARK_Y, edge: MARK_Y, 'token-set': TOKEN_Y, 'token-deleted': TOKEN_Y, 'login-redirect': TOKEN_Y, login: TOKEN_Y, logout: TOKEN_Y };
const GAP_W = 26;

const MARKS = {
  session: { label: 'session change', shape: 'circle' },
  node: { label: 'node change', shape: 'diamond' },
  edge: { label: 'edge change', shape: 'triangle' },
  'token-set': { label: 'SSO token set', shape: 'up' },
  'token-deleted': { label: 'SSO token deleted', shape: 'down' },
  'login-redirect': { label: 'login redirect', shape: 'square' },
  login: { label: 'login', shape: 'up' },
  logout: { label: 'logout', shape: 'square' },
};

/** A time scale from [start, end] to [LEFT, W-RIGHT] where each gap takes GAP_W. */
function scale(start, end, gaps) {
  const span = Math.max(1, end - start);
  const gapTotal = gaps.reduce((n, [a, b]) => n + (b - a), 0);
  const active = Math.max(1, span - gapTotal);
  const width = W - LEFT - RIGHT - GAP_W * gaps.length;
  return (t) => {
    let x = LEFT;
    let cursor = start;
    for (const [a, b] of gaps) {
      if (t <= a) break;
      if (t < b) return x + ((a - cursor) / active) * width + GAP_W * ((t - a) / (b - a));
      x += ((a - cursor) / active) * width + GAP_W;
      cursor = b;
    }
    return x + ((Math.min(t, end) - cursor) / active) * width;
  };
}

/** Round times (1, 2, 5, 10, 15, 30 minutes, 1, 2, 6 hours apart) between start and end, outside the gaps. */
function ticks(start, end, gaps) {
  const active = (end - start) - gaps.reduce((n, [a, b]) => n + (b - a), 0);
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 360].map((m) => m * 60_000);
  const step = steps.find((s) => active / s <= 6) ?? steps.at(-1);
  const out = [];
  for (let t = Math.ceil(start / step) * step; t < end && out.length < 50; t += step) {
    if (!gaps.some(([a, b]) => t > a && t < b)) out.push(t);
  }
  return out;
}

function shape(kind, x, y) {
  const s = 6;
  switch (MARKS[kind]?.shape) {
    case 'circle': return svg('circle', { cx: x, cy: y, r: s });
    case 'diamond': return svg('polygon', { points: `${x},${y - s - 1} ${x + s + 1},${y} ${x},${y + s + 1} ${x - s - 1},${y}` });
    case 'triangle': return svg('polygon', { points: `${x},${y - s} ${x + s},${y + s} ${x - s},${y + s}` });
    case 'up': return svg('polygon', { points: `${x},${y - s - 2} ${x + s},${y + s - 2} ${x - s},${y + s - 2}` });
    case 'down': return svg('polygon', { points: `${x},${y + s + 2} ${x + s},${y - s + 2} ${x - s},${y - s + 2}` });
    default: return svg('rect', { x: x - s + 1, y: y - s + 1, width: 2 * s - 2, height: 2 * s - 2 });
  }
}

/**
 * Renders the plots into `root`. `losses` are the report's losses; `onPick(input, entry)` opens an entry;
 * `tip` is the shared tooltip element.
 */
export function renderPlots(root, plots, losses, onPick, tip) {
  root.replaceChildren();
  const withLoss = (p) => losses.some((l) => matches(p, l));
  // Origins with session signals first (losses first of all); the rest are listed, not drawn.
  const drawn = plots.filter((p) => p.bands.length || p.events.some((e) => e.kind !== 'gap' && e.kind !== 'gap-end') || withLoss(p));
  drawn.sort((a, b) => Number(withLoss(b)) - Number(withLoss(a)) || b.entries - a.entries);
  for (const p of drawn) root.append(plotOf(p, losses.filter((l) => matches(p, l)), onPick, tip));
  const others = plots.length - drawn.length;
  if (!drawn.length) root.append(el('p', { className: 'muted', text: 'No origin in these inputs carries session signals (no Atlassian headers or session cookies).' }));
  if (others > 0) root.append(el('p', { className: 'muted', text: `${others} other origin${others > 1 ? 's' : ''} without session signals (static files, other sites) are not drawn.` }));
}

/** A loss belongs to the lane of its application: the core names both the same way. */
function matches(plot, loss) {
  return plot.input === loss.input && loss.origin === plot.origin;
}

function plotOf(p, losses, onPick, tip) {
  const gaps = [];
  for (let i = 0; i < p.events.length; i++) {
    const e = p.events[i];
    if (e.kind === 'gap' && p.events[i + 1]?.kind === 'gap-end') gaps.push([e.t, p.events[i + 1].t, e]);
  }
  gaps.sort((a, b) => a[0] - b[0]);
  // A little room after the last request, so that a loss at the very end still shows its anonymous stretch.
  const x = scale(p.start_ms, p.end_ms + Math.max(1000, (p.end_ms - p.start_ms) * 0.03), gaps);
  const lossTimes = losses.map((l) => ({ ...l, t: l.at ? Date.parse(l.at) : null })).filter((l) => l.t !== null);
  const title = `${p.origin}${p.input > 0 ? ` (input ${p.input})` : ''}`;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot', role: 'group', 'aria-label': `Session timeline of ${title}` });

  // Hover and keyboard focus show the same tooltip; click and Enter open the entry.
  const interactive = (node, text, input, entry) => {
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
    node.setAttribute('aria-label', text);
    node.append(svg('title', {}, text));
    const show = (ev) => showTip(tip, text, ev, node);
    node.addEventListener('mouseenter', show);
    node.addEventListener('mousemove', show);
    node.addEventListener('focus', show);
    node.addEventListener('mouseleave', () => { tip.hidden = true; });
    node.addEventListener('blur', () => { tip.hidden = true; });
    if (entry !== undefined) {
      node.addEventListener('click', () => onPick(input, entry));
      node.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onPick(input, entry); } });
    }
    return node;
  };

  root.append(svg('text', { x: LEFT, y: 14, class: 'plot-label' }, 'server knew the user'));
  root.append(svg('text', { x: W - RIGHT, y: 14, class: 'plot-label end' }, 'marks: session, node, edge changes · token and login events'));
  root.append(svg('rect', { x: LEFT, y: BAND_Y, width: W - LEFT - RIGHT, height: BAND_H, class: 'band unknown' }));
  // Authenticated stretches first, anonymous ones on top with a minimum width: a loss the user recovered
  // from within a second must still show.
  const bandNodes = p.bands.map((b, i) => {
    const next = p.bands[i + 1];
    const x0 = x(b.start_ms);
    const anon = b.state !== 'authenticated';
    const x1 = Math.min(W - RIGHT, Math.max(x0 + (anon ? MIN_ANON : 3), next ? x(next.start_ms) : x(b.end_ms) + 3));
    const text = `${anon ? 'anonymous' : `authenticated as ${b.user}`}: ${clock(b.start_ms, false)}–${clock(b.end_ms, false)} UTC, entries ${b.first_entry}–${b.last_entry}`;
    return [anon, interactive(svg('rect', { x: x0, y: BAND_Y, width: Math.max(1, x1 - x0), height: BAND_H, class: `band ${anon ? 'anon' : 'auth'}` }), text, p.input, b.first_entry)];
  });
  for (const [anon, node] of bandNodes) if (!anon) root.append(node);
  for (const [anon, node] of bandNodes) if (anon) root.append(node);
  for (const t of ticks(p.start_ms, p.end_ms, gaps)) {
    const tx = x(t);
    if (tx < LEFT + 60 || tx > W - RIGHT - 60) continue;
    root.append(svg('line', { x1: tx, x2: tx, y1: BAND_Y + BAND_H, y2: TOKEN_Y + 10, class: 'grid-line' }));
    root.append(svg('text', { x: tx, y: H - 6, class: 'tick mid' }, clock(t, false).slice(0, 5)));
  }
  for (const [a, b, e] of gaps) {
    const xa = x(a);
    const g = svg('g', { class: 'gap' },
      svg('rect', { x: xa + 2, y: BAND_Y - 4, width: GAP_W - 4, height: MARK_Y - BAND_Y + 14 }),
      svg('path', { d: `M${xa + 8},${BAND_Y - 4} l6,8 l-6,8 l6,8 l-6,8 l6,8 l-6,8 M${xa + 14},${BAND_Y - 4} l6,8 l-6,8 l6,8 l-6,8 l6,8 l-6,8` }));
    root.append(interactive(g, `gap: ${e.detail} (${clock(a, false)}–${clock(b, false)} UTC)`, e.input, e.entry));
  }
  root.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: MARK_Y, y2: MARK_Y, class: 'axis' }));
  root.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: TOKEN_Y, y2: TOKEN_Y, class: 'axis' }));
  for (const e of p.events) {
    if (!MARKS[e.kind]) continue;
    const mark = shape(e.kind, x(e.t), LANE[e.kind]);
    mark.setAttribute('class', `mark ${e.kind}`);
    root.append(interactive(mark, `${MARKS[e.kind].label} at ${clock(e.t)} UTC, entry ${e.entry}: ${e.detail}`, e.input, e.entry));
  }
  for (const l of lossTimes) {
    const lx = x(l.t);
    const g = svg('g', { class: 'loss' },
      svg('line', { x1: lx, x2: lx, y1: 20, y2: TOKEN_Y + 10 }),
      svg('polygon', { points: `${lx - 6},18 ${lx + 6},18 ${lx},26` }));
    root.append(interactive(g, `session lost at ${clock(l.t)} UTC, entry ${l.entry}: ${l.status ?? 'no response'} ${l.url} (${l.signals.join(', ')})`, l.input, l.entry));
  }
  root.append(svg('text', { x: LEFT, y: H - 6, class: 'tick' }, `${clock(p.start_ms, false)} UTC`));
  root.append(svg('text', { x: W - RIGHT, y: H - 6, class: 'tick end' }, `${clock(p.end_ms, false)} UTC`));
  for (const [a, b] of gaps) {
    root.append(svg('text', { x: x(a) + GAP_W / 2, y: BAND_Y - 8, class: 'tick mid' }, `${Math.round((b - a) / 60000)} min`));
  }

  const figure = el('figure', { className: 'plot-figure', dataset: { origin: p.origin, losses: String(losses.length) } });
  const caption = el('figcaption', {},
    el('strong', { text: title }),
    el('span', { className: 'muted', text: ` · ${p.entries} entries · ${p.bands.filter((b) => b.state === 'anonymous').length} anonymous stretch(es) · ${losses.length} loss(es)` }));
  figure.append(caption, root);
  return figure;
}

function showTip(tip, text, ev, node) {
  tip.textContent = text;
  tip.hidden = false;
  const host = tip.offsetParent ?? document.body;
  const hostBox = host.getBoundingClientRect();
  const box = ev && ev.clientX !== undefined ? { left: ev.clientX, top: ev.clientY } : node.getBoundingClientRect();
  tip.style.left = `${Math.max(0, Math.min(box.left - hostBox.left + 12, hostBox.width - 320))}px`;
  tip.style.top = `${box.top - hostBox.top + 16}px`;
}
