// Added to the bundled analyzer page (report.html) by the build: with `#recording` in the address,
// it hands the stored recording to the page's own file input, so the full report is the page's, unchanged.
import { recordingHar } from './export.js';

if (location.hash === '#recording') {
  const { text } = await recordingHar();
  const input = document.getElementById('files');
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], 'recording.har', { type: 'application/json' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
}
