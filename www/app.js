// The analyzer page: hands files to the worker and shows the report. Everything from a HAR is untrusted and
// is only ever set as textContent, never parsed as HTML.
const $ = (id) => document.getElementById(id);
let worker = null;

function startWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'version') $('version').textContent = data.version;
    else if (data.type === 'progress') showProgress(data);
    else if (data.type === 'report') showReport(JSON.parse(data.json));
    else if (data.type === 'error') showError(data.message);
  };
  worker.onerror = (e) => showError(`the analyzer failed to start: ${e.message || 'unknown error'}`);
  worker.postMessage({ type: 'version' });
}

function analyze(files) {
  if (!files.length) return;
  $('error').hidden = true;
  $('report').hidden = true;
  $('progress').hidden = false;
  $('bar').value = 0;
  $('progress-text').textContent = 'starting…';
  worker.postMessage({ type: 'analyze', files: [...files] });
}

function showProgress({ bytes, total, entries, file }) {
  $('bar').value = total ? bytes / total : 0;
  $('progress-text').textContent = `${file}: ${(bytes / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB, ${entries} entries`;
}

function showError(message) {
  $('progress').hidden = true;
  $('error').textContent = message;
  $('error').hidden = false;
}

/** Creates an element with text content (never HTML: report text comes from untrusted HARs). */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function list(tag, items, render) {
  const node = document.createElement(tag);
  for (const item of items) node.append(render(item));
  return node;
}

function showFindings(findings) {
  const root = $('findings');
  root.replaceChildren();
  for (const f of findings) {
    const li = el('li', undefined, `finding ${f.severity}`);
    li.dataset.cause = f.cause;
    const head = el('h3');
    head.append(el('span', f.title), el('code', f.cause), el('span', `${f.severity}, ${f.confidence} confidence`, 'meta'));
    li.append(head, el('p', f.explanation));
    if (f.evidence.length) {
      li.append(el('h4', 'Evidence'), list('ul', f.evidence, (e) => el('li', `input ${e.input}, entry ${e.entry}${e.at ? ` (${e.at})` : ''}: ${e.detail}`)));
    }
    if (f.fix.length) li.append(el('h4', 'Fix'), list('ol', f.fix, (step) => el('li', step)));
    if (f.confirm.length) li.append(el('h4', 'To confirm'), list('ul', f.confirm, (c) => el('li', c)));
    if (f.references.length) li.append(el('h4', 'References'), list('ul', f.references, (r) => el('li', r)));
    root.append(li);
  }
}

function cell(row, text, numeric = false) {
  const td = row.insertCell();
  td.textContent = text ?? '';
  if (numeric) td.className = 'num';
}

function showReport(report) {
  $('progress').hidden = true;
  const { summary } = report;
  const section = $('report');
  section.dataset.state = 'done';
  section.dataset.primaryCause = summary.primary_cause ?? 'none';
  const primary = report.findings.find((f) => f.cause === summary.primary_cause);
  $('verdict').textContent = primary
    ? `Session lost ${summary.session_losses}×. Most likely: ${primary.title} (${primary.confidence} confidence)`
    : summary.session_losses
      ? `Session lost ${summary.session_losses}×; no known cause matched`
      : `No session loss in ${summary.entries} entries from ${summary.origins} origins`;
  showFindings(report.findings);
  const body = $('inputs').tBodies[0];
  body.replaceChildren();
  const warnings = $('warnings');
  warnings.replaceChildren();
  for (const input of report.inputs) {
    const row = body.insertRow();
    cell(row, input.name);
    cell(row, `${(input.bytes / 1e3).toFixed(0)} KB`, true);
    cell(row, String(input.entries), true);
    cell(row, String(input.origins), true);
    cell(row, input.har_version);
    cell(row, input.creator);
    for (const w of input.warnings) {
      const li = document.createElement('li');
      li.textContent = `${input.name}: ${w.message}${w.count > 1 ? ` (${w.count} times)` : ''}`;
      warnings.append(li);
    }
  }
  $('json').textContent = JSON.stringify(report, null, 2);
  section.hidden = false;
}

$('files').addEventListener('change', (e) => analyze(e.target.files));
$('example').addEventListener('click', async () => {
  // The example ships with the page (same origin): nothing leaves the machine.
  const name = 'proxy-address-change.har';
  try {
    const res = await fetch(new URL(`./examples/${name}`, import.meta.url));
    if (!res.ok) throw new Error(`the example is missing (${res.status}); run npm run build`);
    analyze([new File([await res.blob()], name, { type: 'application/json' })]);
  } catch (err) {
    showError(err.message);
  }
});
$('cancel').addEventListener('click', () => {
  worker.terminate();
  startWorker();
  showError('cancelled');
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  analyze(e.dataTransfer.files);
});
drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('files').click(); }
});
startWorker();
