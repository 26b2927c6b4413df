// The daemon's reads, remembered by their exact answer. A warm pass of a daemon whose account
// did not change gets, for each DescribeConnectorProfiles page and each BatchGetSecretValue
// batch, the very bytes it got on the pass before. Deserialising those bytes again (the SDK
// walks every field of 1,000 profiles against the model) gives an equal object; so when an
// answer's body is byte for byte one it has deserialised before, the protocol hands out that
// output again (frozen) instead. Nothing is skipped on the wire: every call is still made,
// signed, retried and observed, and any change in the account changes the bytes, so a changed
// answer is always deserialised afresh. It is exact, not a cache with a lifetime.
//
// Only successful answers of the operations named by the caller are remembered (the reads whose
// outputs have no members bound to HTTP headers); errors, and every other operation, take the
// SDK's own path unchanged. The remembered outputs hold secret values in memory only, like the
// passes' own answers (src/aws/secrets-adapter.ts); nothing here logs or stores them.
import { freezePlainParts } from '../model/deep-frozen.js';

/** What the SDK's protocol classes give a subclass to work with (@smithy/core's HttpProtocol). */
interface ProtocolLike {
  deserializeResponse(operationSchema: { name?: string }, context: SerdeContextLike, response: HttpResponseLike): Promise<unknown>;
}

interface SerdeContextLike {
  streamCollector?: (body: unknown) => Promise<Uint8Array>;
}

interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body?: unknown;
}

// A mixin's base must take `any[]` (TypeScript's rule for class mixins).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProtocolClass = new (...args: any[]) => ProtocolLike;

/**
 * Bounds what is remembered, counted as the answers' text (one character per byte). A 1,000-profile
 * daemon keeps about 1 MB of it; the outputs made from it are held beside it.
 */
export const DEFAULT_REMEMBERED_BYTES = 16 * 1024 * 1024;

/**
 * A remembered output: handed out as a fresh top-level object (the SDK's retry middleware writes
 * its attempt count into `$metadata`) over the shared, frozen members (src/model/deep-frozen.ts,
 * freezePlainParts: Dates and binary values are left as they are).
 */
interface Remembered {
  members: Readonly<Record<string, unknown>>;
  bytes: number;
}

/** Least recently used first, by the answer's text; bounded by the answers' total length. */
export class AnswerMemo {
  private readonly byText = new Map<string, Remembered>();
  private total = 0;

  constructor(private readonly budget: number) {}

  take(text: string): Remembered | undefined {
    const hit = this.byText.get(text);
    if (hit === undefined) return undefined;
    // Most recently used last: a daemon's steady pass keeps its own answers.
    this.byText.delete(text);
    this.byText.set(text, hit);
    return hit;
  }

  keep(text: string, members: Readonly<Record<string, unknown>>): void {
    if (text.length > this.budget) return;
    // Two calls in flight with the same answer both deserialise it; the later one is kept.
    const replaced = this.byText.get(text);
    if (replaced !== undefined) {
      this.byText.delete(text);
      this.total -= replaced.bytes;
    }
    this.byText.set(text, { members, bytes: text.length });
    this.total += text.length;
    for (const [oldest, entry] of this.byText) {
      if (this.total <= this.budget) break;
      this.byText.delete(oldest);
      this.total -= entry.bytes;
    }
  }
}

/**
 * `Base` (an SDK protocol class, e.g. AwsRestJsonProtocol) with its successful answers to
 * `operations` remembered by their exact body. Given to a client as its `protocol`.
 */
export function rememberingProtocol<T extends ProtocolClass>(Base: T, operations: ReadonlySet<string>, budget = DEFAULT_REMEMBERED_BYTES): T {
  class RememberingProtocol extends Base {
    /**
     * One memo per operation (two operations may answer alike), sharing the budget equally. The
     * text is the answer's alone: a key made by prefixing the operation's name would be a second
     * string, which V8 copies whole into a flat one the first time it is hashed (1 MB a pass).
     */
    private readonly memos = new Map([...operations].map((name) => [name, new AnswerMemo(Math.floor(budget / operations.size))]));

    override async deserializeResponse(operationSchema: { name?: string }, context: SerdeContextLike, response: HttpResponseLike): Promise<unknown> {
      const memo = this.memos.get(operationSchema.name ?? '');
      if (response.statusCode !== 200 || memo === undefined || context.streamCollector === undefined) {
        return super.deserializeResponse(operationSchema, context, response);
      }
      const bytes = response.body instanceof Uint8Array ? response.body : await context.streamCollector(response.body);
      // latin1: one character per byte, the cheapest exact text of the bytes for a Map key.
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
      const hit = memo.take(text);
      if (hit !== undefined) return { ...hit.members, $metadata: this.metadataOf(response) };
      response.body = bytes;
      const output = (await super.deserializeResponse(operationSchema, context, response)) as Record<string, unknown>;
      const { $metadata: _metadata, ...members } = output;
      freezePlainParts(members);
      memo.keep(text, members);
      return { ...members, $metadata: output.$metadata };
    }

    /** The `$metadata` the SDK's own path gives an answer (request id, status), made by the SDK's HttpProtocol. */
    private metadataOf(response: HttpResponseLike): unknown {
      return (this as unknown as { deserializeMetadata(response: HttpResponseLike): unknown }).deserializeMetadata(response);
    }
  }
  return RememberingProtocol;
}
