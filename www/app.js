// The analyzer page: takes files (drop, picker, paste, the bundled example), hands them to the worker, and
// shows the report: the verdict with its fix, the session timeline per origin, the findings with evidence
// that jumps to entries, the entries table with an entry's detail, exports, and the rules. Everything from a
// HAR is untrusted and only ever reaches the DOM as text (see js/dom.js).
import { el, $, bytes, clock, copyButton, download, shown } from './js/dom.js';
import { renderPlots } from './js/plot.js';
import { VirtualGrid } from './js/table.js';
import { renderDetail, setVocabulary } from './js/detail.js';
import { chosenLimits, showLimitDefaults } from './js/limits.js';

const state = {
  inputs: [], // [{file, kind}] of the current analysis
  report: null,
  markdown: '',
  running: false,
};

// ---- the worker: requests with ids, answers as promises ----

let worker = null;
let seq = 0;
const pending = new Map();

function startWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'progress') return showProgress(data);
    if (data.type === 'kinds') return showKinds(data.kinds);
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.type === 'error') {
      p.reject(new Error(data.message));
      if (data.fatal) { worker.terminate(); failAll(new Error('the analyzer restarted')); startWorker(); }
    }
    else p.resolve(data);
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    failAll(new Error(`the analyzer stopped: ${e.message || 'unknown error'}`));
  };
}

function failAll(err) {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

function ask(type, payload = {}) {
  return new Promise((resolve, reject) => {
    const id = ++seq;
    pending.set(id, { resolve, reject });
    worker.postMessage({ type, id, ...payload });
  });
}

// ---- input ----

function setInputs(files) {
  state.inputs = [...files].map((file) => ({ file, kind: 'auto' }));
  showKinds(state.inputs.map(() => 'auto'));
  $('analyze').disabled = state.inputs.length === 0;
  $('clear').disabled = state.inputs.length === 0;
}

function showKinds(kinds) {
  const list = $('chosen');
  list.replaceChildren();
  state.inputs.forEach((input, i) => {
    const kind = kinds[i] ?? 'auto';
    const label = { auto: '…', har: 'HAR', log: 'log', binary: 'binary', gzip: 'gzip', zip: 'zip' }[kind] ?? kind;
    list.append(el('li', {}, el('span', { className: `kind kind-${kind}`, text: label }), ' ',
      el('span', { text: input.file.name }), el('span', { className: 'muted', text: ` ${bytes(input.file.size)}` })));
  });
}

async function analyze() {
  if (!state.inputs.length || state.running) return;
  state.running = true;
  $('error').hidden = true;
  $('report').hidden = true;
  $('report').dataset.state = 'running';
  $('progress').hidden = false;
  $('bar').value = 0;
  $('bar').removeAttribute('value');
  $('progress-text').textContent = 'starting…';
  try {
    const result = await ask('analyze', { inputs: state.inputs, proxies: $('proxies').value, ssoCookie: $('sso-cookie').value.trim(), limits: chosenLimits() });
    showReport(result);
  } catch (err) {
    showError(err.message);
  } finally {
    state.running = false;
    $('progress').hidden = true;
  }
}

function showProgress({ bytes: done, total, entries, file, ms, finishing }) {
  $('bar').value = total ? done / total : 0;
  const rate = ms > 0 ? ` · ${(done / 1e3 / ms).toFixed(0)} MB/s` : '';
  $('progress-text').textContent = finishing
    ? `read ${bytes(done)}, ${entries.toLocaleString('en')} entries; diagnosing…`
    : `${file}: ${bytes(done)} of ${bytes(total)} · ${entries.toLocaleString('en')} entries${rate}`;
  $('progress').dataset.bytes = String(done);
  $('progress').dataset.entries = String(entries);
}

function showError(raw) {
  const message = shown(raw);
  $('progress').hidden = true;
  $('error').replaceChildren(el('strong', { text: 'Could not analyze: ' }), message);
  $('error').dataset.message = message;
  $('error').hidden = false;
  if ($('report').dataset.state === 'running') $('report').dataset.state = 'error';
}

async function runExample() {
  // The example ships with the page (same origin): nothing leaves the machine.
  const name = 'proxy-address-change.har';
  try {
    const [res, settingsRes] = await Promise.all(
      [name, name.replace(/\.har$/, '.json')].map((f) => fetch(new URL(`./examples/${f}`, import.meta.url))),
    );
    if (!res.ok || !settingsRes.ok) throw new Error(`the example is missing (${res.ok ? settingsRes.status : res.status}); run npm run build`);
    setInputs([new File([await res.blob()], name, { type: 'application/json' })]);
    // The example's settings live beside it (tests/fixtures/testbed/example.json); the user's own win.
    const settings = await settingsRes.json();
    if (!$('proxies').value.trim() && settings.trustedProxies) {
      $('proxies').value = settings.trustedProxies;
      checkProxies();
    }
    if (!$('crowd-remote').value.trim() && settings.crowd) {
      $('crowd-remote').value = settings.crowd.remote;
      $('crowd-xff').value = settings.crowd.xff;
    }
    await analyze();
    await resolveCrowd();
  } catch (err) {
    showError(err.message);
  }
}

function analyzePaste() {
  const text = $('paste').value;
  if (!text.trim()) return;
  // What the text is (a HAR or a log) the core tells, as for a dropped file.
  setInputs([new File([text], 'pasted text', { type: 'text/plain' })]);
  analyze();
}

// Per-entry validation of the trusted-proxy list as the user types (the core's parser, in the worker).
let proxyTimer = 0;
function checkProxies() {
  clearTimeout(proxyTimer);
  proxyTimer = setTimeout(async () => {
    const text = $('proxies').value;
    const list = $('proxies-check');
    if (!text.trim()) { list.replaceChildren(); $('proxies').removeAttribute('aria-invalid'); return; }
    try {
      const { entries } = await ask('check-proxies', { text });
      list.replaceChildren(...entries.map((e) => el('li', { className: e.ok ? (e.warnings.length ? 'warn' : 'ok') : 'bad' },
        el('code', { text: e.text }), ' ',
        el('span', { text: e.ok ? `${e.covers}${e.warnings.length ? ` (${e.warnings.join('; ')})` : ''}` : `line ${e.at.line}, column ${e.at.column}: ${e.problem}` }))));
      const bad = entries.some((e) => !e.ok);
      if (bad) $('proxies').setAttribute('aria-invalid', 'true');
      else $('proxies').removeAttribute('aria-invalid');
    } catch (err) {
      list.replaceChildren(el('li', { className: 'bad', text: err.message }));
    }
  }, 150);
}

// ---- the report ----

let grid = null;

function showReport({ json, markdown, notes, origins, plot, rows, dropped, ms, memory, timing }) {
  // For scripts/bench-browser.mjs: where the time from the file to the verdict goes (worker vs this thread).
  performance.mark('harlens:report-received');
  const report = JSON.parse(json);
  state.report = report;
  state.markdown = markdown;
  const { summary } = report;
  const cause = summary.primary_cause ?? 'none';
  const section = $('report');
  section.dataset.primaryCause = cause;
  $('verdict-card').dataset.primaryCause = cause;
  $('verdict-card').className = `verdict ${summary.session_losses ? 'lost' : 'ok'}`;
  showVerdict(report);
  const allNotes = [...notes];
  if (dropped > 0) allNotes.push(`The entries table holds the first ${rows.toLocaleString('en')} entries; ${dropped.toLocaleString('en')} more were analysed but are not listed.`);
  $('notes').hidden = !allNotes.length;
  $('notes').textContent = allNotes.join(' ');
  renderPlots($('plots'), plot, report.losses, jumpTo, $('tip'));
  showLosses(report);
  showFindings(report.findings);
  showInputs(report);
  $('json').textContent = JSON.stringify(report, null, 2);
  section.dataset.ms = String(Math.round(ms));
  section.dataset.pushMs = String(Math.round(timing.push));
  section.dataset.finishMs = String(Math.round(timing.finish));
  section.dataset.wasmPeak = String(memory.peak);
  section.hidden = false;
  section.dataset.state = 'done';
  setupTable(rows, origins);
  renderDetail($('detail'), { row: null, message: 'Select an entry (click, or arrows and Enter) to see its headers, cookies, Atlassian signals and timings.' });
}

function showVerdict(report) {
  const { summary, findings } = report;
  const primary = findings.find((f) => f.cause === summary.primary_cause);
  const lost = summary.session_losses;
  $('verdict').textContent = lost
    ? `Session lost ${lost}×${primary ? '' : ': no known cause matched'}`
    : `No session loss in ${summary.entries.toLocaleString('en')} entries from ${summary.origins} origin${summary.origins === 1 ? '' : 's'}`;
  // Without a loss there is no primary cause (the report's contract), but the first finding is still what
  // the engineer should read first (a user's own logout, remember-me churn hiding a proxy problem).
  const shown = primary ?? (lost ? null : findings[0]);
  $('verdict-card').dataset.topFinding = findings[0]?.cause ?? 'none';
  $('confidence').hidden = !shown;
  $('confidence').textContent = shown ? `${shown.confidence} confidence` : '';
  $('confidence').className = `badge ${shown?.confidence ?? ''}`;
  $('verdict-cause').replaceChildren();
  $('verdict-explanation').textContent = '';
  const fix = $('verdict-fix');
  fix.replaceChildren();
  if (!shown) {
    $('verdict-cause').textContent = lost
      ? 'The recording shows the server forgetting the user, but none of the known causes fits; see each loss below for what to collect.'
      : 'The server knew the user throughout (or never did): nothing to fix in this recording.';
    return;
  }
  $('verdict-cause').append(el('span', { className: 'muted', text: primary ? 'Most likely cause: ' : shown.severity === 'info' ? 'What happened: ' : 'Worth checking: ' }), el('strong', { text: shown.title }), ' ', el('code', { text: shown.cause }));
  $('verdict-explanation').textContent = shown.explanation;
  if (shown.fix.length) fix.append(el('h3', { text: 'Fix' }), ...fixList(shown));
  const first = shown.evidence[0];
  if (first) {
    fix.append(el('p', {}, el('button', { className: 'link', text: `Show the loss: entry ${report.losses[0]?.entry ?? first.entry}`, attrs: { type: 'button' }, on: { click: () => jumpTo(report.losses[0]?.input ?? first.input, report.losses[0]?.entry ?? first.entry) } })));
  }
}

/** Each loss with its own explanation (or, when no cause fits, what to collect to explain it). */
function showLosses(report) {
  const { losses, findings, sso_cookie: sso } = report;
  $('losses-panel').hidden = !losses.length;
  $('sso-cookie-note').textContent = sso ? `SSO cookie: ${sso.detail}.` : '';
  const list = $('losses');
  list.replaceChildren();
  for (const loss of losses) {
    const finding = loss.finding === null ? null : findings[loss.finding];
    const li = el('li', { className: `loss ${loss.cause ? 'explained' : 'unexplained'}`, dataset: { cause: loss.cause ?? 'none', entry: String(loss.entry) } });
    li.append(el('p', {},
      el('button', { className: 'link entry-link', text: `entry ${loss.entry}${loss.input ? ` of input ${loss.input}` : ''}`, attrs: { type: 'button' }, on: { click: () => jumpTo(loss.input, loss.entry) } }),
      el('span', { className: 'muted', text: loss.at ? ` ${clock(Date.parse(loss.at))} ` : ' ' }),
      el('span', { text: `${loss.method} ${loss.url} → ${loss.status ?? 'no response'} on ${loss.origin}: ${loss.user} no longer known` })));
    if (loss.cause) {
      const behind = loss.underlying_cause ? el('span', {}, ', behind it ', el('code', { text: loss.underlying_cause })) : '';
      li.append(el('p', {}, el('span', { className: 'muted', text: 'Explained by ' }), el('strong', { text: finding?.title ?? loss.cause }), ' ',
        el('code', { text: loss.cause }), behind, el('span', { className: 'meta', text: ` (${loss.basis}, ${loss.confidence} confidence)` })));
      if (loss.alternatives.length) li.append(el('p', { className: 'muted', text: `Also possible: ${loss.alternatives.join(', ')}` }));
    } else {
      li.append(el('p', {}, el('strong', { text: 'Unexplained: ' }), `no cause fits what the recording shows (signals: ${loss.signals.join(', ')}; last known at entry ${loss.last_known_entry}).`));
      if (loss.collect.length) li.append(el('h5', { text: 'To explain it, collect' }), el('ul', {}, ...loss.collect.map((c) => el('li', { text: c }))));
    }
    list.append(li);
  }
}

/**
 * A finding's fix, step by step, each step with its copy button; then the trusted-proxy entries the fix adds,
 * as the report lists them (`trusted_proxies_to_add`), with their own copy button.
 */
function fixList(finding) {
  const ol = el('ol', { className: 'fix' });
  finding.fix.forEach((step, i) => {
    ol.append(el('li', {}, el('span', { className: 'step', text: step }),
      el('span', { className: 'tools' }, copyButton(step, 'Copy', `step ${i + 1}`))));
  });
  const entries = (finding.trusted_proxies_to_add ?? []).join(', ');
  if (!entries) return [ol];
  return [ol, el('p', { className: 'entries-to-add' }, el('span', { className: 'muted', text: 'Entries to add to the trusted proxies: ' }),
    el('code', { text: entries }), ' ', copyButton(entries, 'Copy entries', 'the entries to add'))];
}

function showFindings(findings) {
  const root = $('findings');
  root.replaceChildren();
  if (!findings.length) root.append(el('li', { className: 'muted', text: 'No finding.' }));
  for (const f of findings) {
    const li = el('li', { className: `finding ${f.severity}`, dataset: { cause: f.cause } });
    li.append(el('h4', { className: 'finding-title' }, el('span', { text: f.title }), el('code', { text: f.cause }),
      el('span', { className: `badge ${f.severity}`, text: f.severity }), el('span', { className: 'meta', text: `${f.confidence} confidence` })));
    li.append(el('p', { text: f.explanation }));
    if (f.evidence.length) {
      const ul = el('ul', { className: 'evidence' });
      for (const e of f.evidence) {
        ul.append(el('li', {},
          el('button', { className: 'link entry-link', text: `entry ${e.entry}${e.input ? ` of input ${e.input}` : ''}`, dataset: { input: String(e.input), entry: String(e.entry) }, attrs: { type: 'button' }, on: { click: () => jumpTo(e.input, e.entry) } }),
          el('span', { className: 'muted', text: e.at ? ` ${clock(Date.parse(e.at))} ` : ' ' }),
          el('span', { text: e.detail })));
      }
      li.append(el('h5', { text: 'Evidence' }), ul);
    }
    if (f.fix.length) li.append(el('h5', { text: 'Fix' }), ...fixList(f));
    if (f.confirm.length) li.append(el('h5', { text: 'To confirm' }), el('ul', {}, ...f.confirm.map((c) => el('li', { text: c }))));
    if (f.references.length) {
      li.append(el('h5', { text: 'References' }), el('ul', {}, ...f.references.map((r) => el('li', {},
        // Only an https address becomes a link; anything else is shown as text.
        r.startsWith('https://') ? el('a', { text: r, attrs: { href: r, rel: 'noreferrer noopener', target: '_blank' } }) : r))));
    }
    root.append(li);
  }
}

function showInputs(report) {
  const body = $('inputs').tBodies[0];
  body.replaceChildren();
  const warnings = $('warnings');
  warnings.replaceChildren();
  for (const input of report.inputs) {
    const row = body.insertRow();
    const cell = (text, numeric) => { const td = row.insertCell(); td.textContent = text ?? ''; if (numeric) td.className = 'num'; };
    // An archive member says where it came from, and whether it was read (used) or why not.
    row.dataset.status = input.error ? 'error' : input.skipped ? 'skipped' : 'used';
    cell(`${input.archive ? `${input.archive}: ` : ''}${input.name}${input.compression ? ` (${input.compression})` : ''}`);
    cell(bytes(input.bytes), true);
    cell(String(input.entries), true);
    cell(String(input.origins ?? ''), true);
    cell(input.har_version);
    cell(input.creator);
    cell(input.error ? `error: ${input.error}` : input.skipped ? `skipped: ${input.skipped}`
      : input.members?.length > 1 ? `read: ${input.members.map((m) => m.name).join(', ')}` : 'read');
    for (const w of input.warnings ?? []) warnings.append(el('li', { text: `${input.name}: ${w.message}${w.count > 1 ? ` (${w.count} times)` : ''}` }));
  }
}

// ---- entries table ----

function currentFilter() {
  return { origin: Number($('f-origin').value), status: $('f-status').value, text: $('f-text').value, auth: $('f-auth').checked };
}

function setupTable(rows, origins) {
  const select = $('f-origin');
  select.replaceChildren(el('option', { text: 'all origins', attrs: { value: '0' } }));
  $('f-text').value = '';
  $('f-status').value = '';
  $('f-auth').checked = false;
  for (const o of origins) select.append(el('option', { text: `${o.origin} (${o.entries})`, attrs: { value: String(o.id) } }));
  grid.reset(rows);
  $('entries-count').textContent = `${rows.toLocaleString('en')} entries`;
}

let filterTimer = 0;
function refilter() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(async () => {
    const { shown } = await ask('filter', { filter: currentFilter() });
    grid.reset(shown);
    $('entries-count').textContent = `${shown.toLocaleString('en')} shown`;
  }, 120);
}

async function openEntry(row) {
  if (!row) return;
  const result = await ask('detail', { input: row.input, entry: row.entry });
  renderDetail($('detail'), result);
}

/** Shows entry `entry` of input `input`: in the table (clearing filters that hide it) and in the detail pane. */
async function jumpTo(input, entry) {
  let { position } = await ask('position', { input, entry });
  if (position < 0) {
    $('f-origin').value = '0'; $('f-status').value = ''; $('f-text').value = ''; $('f-auth').checked = false;
    const { shown } = await ask('filter', { filter: currentFilter() });
    grid.reset(shown);
    $('entries-count').textContent = `${shown.toLocaleString('en')} shown`;
    ({ position } = await ask('position', { input, entry }));
  }
  if (position >= 0) {
    $('grid').scrollIntoView({ block: 'center', behavior: 'smooth' });
    await grid.select(position, true);
    $('grid').focus({ preventScroll: true });
  } else {
    renderDetail($('detail'), { row: null, message: `entry ${entry} is not in the entries table` });
  }
}

// ---- Crowd resolution of one validation ----

async function resolveCrowd(e) {
  e?.preventDefault();
  const out = $('crowd-result');
  try {
    const { simulation } = await ask('simulate', { trusted: $('proxies').value, remote: $('crowd-remote').value, xff: $('crowd-xff').value });
    out.replaceChildren(...crowdView(simulation));
  } catch (err) {
    out.replaceChildren(el('p', { className: 'error-text', text: shown(err.message) }));
  }
}

function crowdView(sim) {
  const r = sim.resolution;
  const table = el('table', { className: 'chain' },
    el('caption', { text: 'The chain as Crowd sees it: X-Forwarded-For left to right, then remote_address' }),
    el('thead', {}, el('tr', {}, ...['#', 'role', 'address', 'trusted?'].map((h) => el('th', { text: h })))));
  const body = el('tbody');
  for (const hop of r.hops) {
    const resolvedBy = [hop.position === r.documented.position && 'documented rule', hop.position === r.all_or_nothing.position && 'all-or-nothing rule'].filter(Boolean);
    // The leftmost entry is the user: not being trusted is normal for it, so it is not shown as a problem.
    body.append(el('tr', { className: hop.role === 'client' ? 'client' : hop.trusted_by ? 'trusted' : 'untrusted' },
      el('td', { className: 'num', text: String(hop.position) }),
      el('td', { text: hop.role.replace('-', '_') }),
      el('td', {}, el('code', { text: hop.raw }), resolvedBy.length ? el('span', { className: 'badge medium', text: ` client under the ${resolvedBy.join(' and ')}` }) : null),
      el('td', { text: hop.trusted_by ? `trusted by entry ${hop.trusted_by.index} \`${hop.trusted_by.text}\`` : `not trusted: ${hop.untrusted_because}` })));
  }
  table.append(body);
  const nodes = [table, el('dl', { className: 'kv resolved' },
    el('dt', { text: 'documented rule (Crowd 2.4+ docs)' }), el('dd', { text: `${r.documented.address}: ${r.documented.why}` }),
    el('dt', { text: 'all-or-nothing rule (shipped code)' }), el('dd', { text: `${r.all_or_nothing.address}: ${r.all_or_nothing.why}` }))];
  if (r.disagree) nodes.push(el('p', { className: 'notes', text: 'The two rules disagree.' }));
  if (r.ignored_xff_hops.length) nodes.push(el('p', { className: 'muted', text: `Crowd never sees the later X-Forwarded-For lines: ${r.ignored_xff_hops.join(', ')}` }));
  if (sim.suggestion.add.length) {
    const entries = sim.suggestion.add.map((a) => a.entry).join(', ');
    nodes.push(el('p', {}, el('strong', { text: 'Add to the trusted proxies: ' }), el('code', { text: entries }), ' ', copyButton(entries, 'Copy entries', 'the entries to add')));
  }
  if (r.crowd_log) nodes.push(el('p', { className: 'muted' }, 'Crowd logs: ', el('code', { text: r.crowd_log })));
  nodes.push(el('ul', {}, ...r.explanation.map((x) => el('li', { text: x }))));
  for (const w of sim.warnings) nodes.push(el('p', { className: 'notes', text: w }));
  return nodes;
}

// ---- wiring ----

function setTheme(mode) {
  const root = document.documentElement;
  if (mode === 'auto') root.removeAttribute('data-theme');
  else root.dataset.theme = mode;
  $('theme').textContent = `Theme: ${mode}`;
  $('theme').setAttribute('aria-pressed', String(mode !== 'auto'));
  try { localStorage.setItem('harlens.theme', mode); } catch { /* private mode */ }
}

async function main() {
  startWorker();
  grid = new VirtualGrid($('grid'), $('grid-body'), $('grid-spacer'),
    async (start, count) => (await ask('rows', { start, count })).rows, openEntry);
  let theme = 'auto';
  try { theme = localStorage.getItem('harlens.theme') ?? 'auto'; } catch { /* private mode */ }
  setTheme(theme);
  $('theme').addEventListener('click', () => {
    const order = ['auto', 'light', 'dark'];
    setTheme(order[(order.indexOf(document.documentElement.dataset.theme ?? 'auto') + 1) % order.length]);
  });

  $('files').addEventListener('change', (e) => { setInputs(e.target.files); analyze(); });
  $('example').addEventListener('click', runExample);
  $('paste-go').addEventListener('click', analyzePaste);
  $('analyze').addEventListener('click', analyze);
  $('clear').addEventListener('click', () => { setInputs([]); $('files').value = ''; });
  $('proxies').addEventListener('input', checkProxies);
  $('cancel').addEventListener('click', () => {
    worker.terminate();
    failAll(new Error('cancelled'));
    startWorker();
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    setInputs(e.dataTransfer.files);
    analyze();
  });
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('files').click(); }
  });
  // A drop anywhere on the page must not navigate away to the file.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('crowd-form').addEventListener('submit', resolveCrowd);
  for (const id of ['f-origin', 'f-status', 'f-auth']) $(id).addEventListener('change', refilter);
  $('f-text').addEventListener('input', refilter);

  $('export-md').addEventListener('click', () => download('harlens-report.md', state.markdown, 'text/markdown'));
  $('copy-md').addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(state.markdown); $('copy-md').textContent = 'Copied'; } catch { $('copy-md').textContent = 'Copy failed'; }
    setTimeout(() => { $('copy-md').textContent = 'Copy Markdown'; }, 1500);
  });
  $('export-json').addEventListener('click', () => download('harlens-report.json', JSON.stringify(state.report, null, 2), 'application/json'));
  $('export-redacted').addEventListener('click', async () => {
    $('redact-summary').textContent = 'Sanitizing…';
    try {
      const { files } = await ask('redact');
      const said = [];
      for (const { name, blob, type, described, warnings } of files) {
        download(name, blob, type);
        const noted = warnings.length ? ` (read despite: ${warnings.map((w) => w.message).join('; ')})` : '';
        said.push(`${name}: ${described}${noted}`);
      }
      $('redact-summary').textContent = said.length ? said.join('. ') : 'No HAR to sanitize: analyze one first.';
    } catch (err) {
      $('redact-summary').textContent = `Sanitizing failed: ${shown(err.message ?? err)}`;
    }
  });

  try {
    const hello = await ask('hello');
    $('version').textContent = hello.version;
    setVocabulary({ flags: hello.entryFlags, signalHeaders: hello.signalHeaders });
    showLimitDefaults(hello.limits);
    $('rules').replaceChildren(...hello.rules.map((r) => el('li', { dataset: { rule: r.id } },
      el('strong', { text: r.title }), ' ', el('code', { text: r.id }), el('p', { className: 'muted', text: r.summary }))));
  } catch (err) {
    $('version').textContent = 'failed to load';
    showError(`the analyzer did not start: ${err.message}`);
  }
}

main();
