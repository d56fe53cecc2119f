// Runs the analysis off the main thread: files stream straight from File.stream() into the WASM analyzer,
// chunk by chunk, so a 1 GB HAR never becomes one JS string and the page never freezes.
import init, { StreamingAnalyzer, version } from './pkg/harlens.js';

const ready = init({ module_or_path: new URL('./pkg/harlens_bg.wasm', import.meta.url) });
const PROGRESS_EVERY_MS = 100;

self.onmessage = async ({ data }) => {
  try {
    await ready;
    if (data.type === 'version') {
      self.postMessage({ type: 'version', version: version() });
    } else if (data.type === 'analyze') {
      self.postMessage({ type: 'report', json: await analyze(data.files) });
    }
  } catch (err) {
    self.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};

async function analyze(files) {
  const analyzer = new StreamingAnalyzer();
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  let last = 0;
  try {
    for (const file of files) {
      analyzer.beginInput(file.name);
      const reader = file.stream().getReader();
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        analyzer.push(value);
        done += value.byteLength;
        const now = performance.now();
        if (now - last > PROGRESS_EVERY_MS) {
          last = now;
          self.postMessage({ type: 'progress', bytes: done, total, entries: analyzer.entries, file: file.name });
        }
      }
      analyzer.endInput();
    }
    return analyzer.finish();
  } finally {
    analyzer.free();
  }
}
