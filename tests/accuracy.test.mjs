// The diagnosis on the test bed's scenario matrix (scripts/accuracy.mjs, issue 11 part 9): the committed
// snapshot tests/accuracy/matrix.snap is what the current core and matrix give, and the figures meet the
// issue's thresholds. Generates the matrix into target/accuracy/ when its sources changed (about a minute
// on 2 cores) and builds the release CLI.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { accuracy, SNAPSHOT, THRESHOLDS } from '../scripts/accuracy.mjs';

let run;
before(async () => {
  run = await accuracy({ jobs: 2 });
});

const pct = (x) => `${(100 * x).toFixed(1)} %`;

test('the committed accuracy snapshot is current', () => {
  const committed = existsSync(SNAPSHOT) ? readFileSync(SNAPSHOT, 'utf8') : '';
  assert.equal(run.text, committed, 'tests/accuracy/matrix.snap is stale: read `npm run accuracy`, then `npm run accuracy -- --update`');
});

test(`the matrix has at least ${THRESHOLDS.variants} variants`, () => {
  assert.ok(run.figures.variants >= THRESHOLDS.variants, `${run.figures.variants} variants`);
});

test(`primary cause right on at least ${pct(THRESHOLDS.primary)} of the identifiable variants`, () => {
  assert.ok(run.figures.primary >= THRESHOLDS.primary, `${run.figures.primaryRight}/${run.figures.identifiable} (${pct(run.figures.primary)})`);
});

test(`first loss entry right on at least ${pct(THRESHOLDS.firstLoss)} of the variants`, () => {
  assert.ok(run.figures.firstLoss >= THRESHOLDS.firstLoss, `${run.figures.firstLossRight}/${run.figures.variants} (${pct(run.figures.firstLoss)})`);
});

test('no alarm on a healthy variant', () => {
  assert.equal(run.figures.healthyAlarms, THRESHOLDS.healthyAlarms, `${run.figures.healthyAlarms} of ${run.figures.healthy} healthy variants alarm`);
});
