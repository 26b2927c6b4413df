// Whether two values have the same JSON text, without writing either text. A pass tells whether
// it changed its state by comparing the state's JSON after the pass with its JSON as loaded
// (src/reconcile/pass-state.ts). When the store still holds the snapshot as it loaded it, the two
// are walked side by side here, which stops at the first difference and allocates only key
// lists; the other way, hashing the snapshot's JSON (json-digest.ts), writes about 430 KB of text
// and hashes it at 1,000 profiles.
//
// Exact, not approximate: sameJson(a, b) is JSON.stringify(a) === JSON.stringify(b). Plain objects
// and arrays are walked as JSON.stringify walks them (own enumerable string keys in their order,
// members it leaves out skipped, array items it leaves out written as null); anything else (a
// primitive, a Date, an object with toJSON, a boxed primitive) is compared by its JSON.stringify.
import { isContainer, isOmitted } from './json-digest.js';

export function sameJson(a: unknown, b: unknown): boolean {
  // An identical value has the same JSON (NaN is never === itself: its text, null, is compared below).
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b)) return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && sameItems(a, b);
  return sameMembers(a, b);
}

/** An array item JSON.stringify leaves out is written as null. */
function sameItems(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    const x: unknown = a[index];
    const y: unknown = b[index];
    if (!sameJson(isOmitted(x) ? null : x, isOmitted(y) ? null : y)) return false;
  }
  return true;
}

/** The members JSON.stringify writes, pair by pair in order: same names, same JSON. */
function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  // The common case first (a state record the pass left alone): the same names in the same order
  // and the very same values. Then the texts are equal, whichever members JSON leaves out.
  if (aKeys.length === bKeys.length) {
    let k = 0;
    while (k < aKeys.length && aKeys[k] === bKeys[k] && a[aKeys[k]!] === b[aKeys[k]!]) k++;
    if (k === aKeys.length) return true;
  }
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < aKeys.length && isOmitted(a[aKeys[i]!])) i++;
    while (j < bKeys.length && isOmitted(b[bKeys[j]!])) j++;
    if (i === aKeys.length || j === bKeys.length) return i === aKeys.length && j === bKeys.length;
    const key = aKeys[i]!;
    if (key !== bKeys[j]) return false;
    if (!sameJson(a[key], b[key])) return false;
    i++;
    j++;
  }
}
