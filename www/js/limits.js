// The page's settings for archives: how far a compressed input may expand (ratio) and how much may be inflated
// in one analysis (GiB). Empty fields mean the core's defaults, which the worker reports and the fields show as
// placeholders; a larger value lets a genuine, very repetitive or very large archive through.
import { $ } from './dom.js';

const GIB = 1024 ** 3;

/** Shows the core's defaults (`{ maxRatio, maxTotal }` from the worker's hello) as the fields' placeholders. */
export function showLimitDefaults(limits) {
  if (!limits) return;
  $('limit-ratio').placeholder = String(limits.maxRatio);
  $('limit-total').placeholder = String(limits.maxTotal / GIB);
}

/** The limits set in the page (`0` for a field left empty: the core's default). */
export function chosenLimits() {
  const number = (id) => {
    const value = Number($(id).value);
    return Number.isFinite(value) && value > 0 ? value : 0;
  };
  return { maxRatio: Math.round(number('limit-ratio')), maxTotal: Math.round(number('limit-total') * GIB) };
}
