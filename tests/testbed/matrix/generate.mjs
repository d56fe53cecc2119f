// Writes the matrix's variants into a folder, one subfolder per variant (variants.mjs).
// Usage: node tests/testbed/matrix/generate.mjs OUT_DIR [--shard I/N] [--only SUBSTRING ...]
// Prints one JSON line per variant written ({id, ms}); exits 1 if a variant failed to show its cause.
import { listVariants, runVariant } from './variants.mjs';

const args = process.argv.slice(2);
const out = args.shift();
let shard = [0, 1];
const only = [];
while (args.length) {
  const a = args.shift();
  if (a === '--shard') shard = args.shift().split('/').map(Number);
  else if (a === '--only') only.push(args.shift());
  else throw new Error(`unknown argument ${a}`);
}
if (!out) {
  console.error('usage: generate.mjs OUT_DIR [--shard I/N] [--only SUBSTRING ...]');
  process.exit(2);
}
const list = listVariants()
  .filter((v, i) => i % shard[1] === shard[0])
  .filter((v) => !only.length || only.some((o) => v.id.includes(o)));
let failed = 0;
for (const v of list) {
  const t0 = Date.now();
  try {
    await runVariant(v, out);
    console.log(JSON.stringify({ id: v.id, ms: Date.now() - t0 }));
  } catch (err) {
    failed++;
    console.log(JSON.stringify({ id: v.id, error: String(err.stack || err) }));
  }
}
process.exit(failed ? 1 : 0);
