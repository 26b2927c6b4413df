// The SHA-256 of JSON.stringify(value), computed without building that string. A pass tells
// whether it changed the state by comparing the state's JSON before and after; at 10,000
// profiles the state's JSON is about 4 MB, and keeping it for the whole pass and serialising it
// again at the end put two 4 MB strings on the heap at the pass's peak. Here a container whose
// members include containers is fed to the hash member by member, and everything else (a
// profile's record, a primitive) as JSON.stringify of itself, so the largest string built is one
// record's JSON. The bytes hashed are exactly JSON.stringify's, so two digests are equal exactly
// when the two JSON texts are.
import { createHash, type Hash } from 'node:crypto';

/** Text gathered before it goes to the hash: fewer, larger updates (each call has a fixed cost). */
const FLUSH_AT_LENGTH = 64 * 1024;

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
function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isOmitted(value: unknown): boolean {
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
