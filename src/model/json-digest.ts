// The SHA-256 of JSON.stringify(value), computed without building that string. A pass tells
// whether it changed the state by comparing the state's JSON before and after; at 10,000
// profiles the state's JSON is about 4 MB, and keeping it for the whole pass and serialising it
// again at the end put two 4 MB strings on the heap at the pass's peak. Here a container whose
// members include containers is fed to the hash member by member, and everything else (a
// profile's record, a primitive) as JSON.stringify of itself, so the largest string built is one
// record's JSON. The bytes hashed are exactly JSON.stringify's, so two digests are equal exactly
// when the two JSON texts are.
import { createHash, type Hash } from 'node:crypto';
import type { StateSnapshot } from './types.js';

/** Text gathered before it goes to the hash: fewer, larger updates (each call has a fixed cost). */
const FLUSH_AT_LENGTH = 64 * 1024;

/**
 * A snapshot with at most this many records (profiles and intents over all targets) is hashed as
 * one JSON.stringify: its JSON is at most about 1 MB (a record is about 430 bytes), gone as soon as
 * it is hashed. At 1,000 profiles that is about 1.3 ms against 2.3 ms walked (steady; 4.6 ms
 * against 2.3 the second time, when a daemon's second pass still runs the walk unoptimized), and a
 * pass takes two digests. Larger states are walked, as before, so the 10,000-profile pass never
 * builds its 4 MB JSON.
 */
export const WHOLE_STATE_MAX_RECORDS = 2_000;

/** jsonDigest of a state snapshot (the same digest, computed the cheaper way for its size). */
export function stateDigest(snapshot: StateSnapshot): string {
  let records = 0;
  for (const key of Object.keys(snapshot.targets)) {
    const target = snapshot.targets[key]!;
    records += Object.keys(target.profiles).length + Object.keys(target.intents).length;
    if (records > WHOLE_STATE_MAX_RECORDS) return jsonDigest(snapshot);
  }
  return createHash('sha256').update(JSON.stringify(snapshot)).digest('base64');
}

export function jsonDigest(value: unknown): string {
  const sink = new HashSink(createHash('sha256'));
  feed(sink, value);
  return sink.digest();
}

class HashSink {
  private pending = '';

  constructor(private readonly hash: Hash) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT_LENGTH) this.flush();
  }

  digest(): string {
    this.flush();
    return this.hash.digest('base64');
  }

  private flush(): void {
    if (this.pending.length > 0) this.hash.update(this.pending);
    this.pending = '';
  }
}

/** A plain object or array that JSON.stringify would walk itself (no toJSON, no boxed primitive). */
export function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
export function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Does the container hold a container (then it is fed member by member)? */
function holdsContainer(value: Record<string, unknown> | unknown[]): boolean {
  for (const key of Object.keys(value)) if (isContainer((value as Record<string, unknown>)[key])) return true;
  return false;
}

function feed(sink: HashSink, value: unknown): void {
  if (!isContainer(value) || !holdsContainer(value)) {
    // Undefined at the top only (members are filtered below): JSON.stringify returns undefined.
    sink.write(JSON.stringify(value) ?? 'undefined');
    return;
  }
  if (Array.isArray(value)) {
    sink.write('[');
    for (let index = 0; index < value.length; index++) {
      if (index > 0) sink.write(',');
      const item: unknown = value[index]; // a hole reads as undefined: null, as JSON.stringify writes it
      if (isOmitted(item)) sink.write('null');
      else feed(sink, item);
    }
    sink.write(']');
    return;
  }
  sink.write('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (isOmitted(item)) continue;
    sink.write(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    feed(sink, item);
  }
  sink.write('}');
}
