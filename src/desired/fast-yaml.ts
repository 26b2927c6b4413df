// The values of a plain profile file, without the `yaml` library's document tree: js-yaml's event
// parser (offsets into the text, no tree) and a small builder. Parsing 1,000 profiles this way
// costs about a third of a positioned parse (parse-documents.ts), which was the largest part of a
// fresh `apply`. It only takes what it is sure of and declines everything else (returns
// undefined): the positioned parse then decides, so a file's value, verdict and diagnostics are
// the same either way (test/desired/fast-yaml.test.ts compares the two on every profile of the
// repository and on hostile cases).
//
// Declined: several documents, directives, `---`/`...`, anchors, aliases and tags (so no alias
// expansion at all), block scalars and scalars over several lines (folding rules), escapes in
// double quotes, tabs and lone carriage returns, keys that are not strings (null, numbers,
// collections), a repeated key, keys `<<` and `__proto__`, keys of 1,024 characters or more
// (an error for the `yaml` library), nesting beyond MAX_NESTING_DEPTH, and anything js-yaml
// throws for. Plain scalars resolve by the core schema's rules (core-scalars.ts), the positioned
// parse's, without loading the `yaml` library.
//
// The commonest file shape goes to line-yaml.ts first, which is several times cheaper; js-yaml
// (its CommonJS build, kept out of the bundle) is loaded only when a file needs the event parse.
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type { Event, ScalarEvent } from 'js-yaml';
import { resolvePlainScalar } from './core-scalars.js';
import { parseLineYaml } from './line-yaml.js';
import { ownString } from './own-string.js';
import { MAX_NESTING_DEPTH } from './yaml-limits.js';

export interface FastDocument {
  /** The plain value, as the positioned parse's toJS gives it. */
  value: unknown;
  /** Offset where the document's content starts (the positioned parse's contents.range[0]). */
  startOffset: number;
  /** Offset of the string scalar at `segments`, when that path leads to one; else undefined. */
  scalarOffset(segments: readonly string[]): number | undefined;
}

/** Longest implicit key the `yaml` library accepts is 1,024 characters including the indicator; stay below. */
const MAX_KEY_LENGTH = 1000;

/** Characters that make the text go to the positioned parse: tags, anchors, aliases, tabs, CR not before LF, directives. */
const DECLINE_TEXT = /[!&*\t]|\r(?!\n)|^(?:%|---|\.\.\.)/m;

class Declined extends Error {}

function decline(): never {
  throw new Declined();
}

// js-yaml, loaded on the event parse's first use: a pass whose files all take the line parse
// (line-yaml.ts) never compiles or runs its 85 KB. Set by loadJsYaml before anything below reads them.
let parseEvents: typeof JsYaml.parseEvents;
let getScalarValue: typeof JsYaml.getScalarValue;
let EVENT_ID: typeof JsYaml.EVENT_ID;
let SCALAR_STYLE: typeof JsYaml.SCALAR_STYLE;

function loadJsYaml(): void {
  if (parseEvents !== undefined) return;
  ({ parseEvents, getScalarValue, EVENT_ID, SCALAR_STYLE } = createRequire(import.meta.url)('js-yaml') as typeof JsYaml);
}

/** The values of `text` when it is one simple document, or undefined to let the positioned parse decide. */
export function parseFastYaml(text: string): FastDocument | undefined {
  if (DECLINE_TEXT.test(text)) return undefined;
  // The commonest shape first, line by line (line-yaml.ts); the event parser for the rest.
  return parseLineYaml(text) ?? eventYaml(text);
}

/** parseFastYaml's second way, through js-yaml's events (exported for the differential test). */
export function parseEventYaml(text: string): FastDocument | undefined {
  return DECLINE_TEXT.test(text) ? undefined : eventYaml(text);
}

/** The event parse of a text DECLINE_TEXT has already passed (parseFastYaml checked it once for both ways). */
function eventYaml(text: string): FastDocument | undefined {
  loadJsYaml();
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_NESTING_DEPTH });
  } catch {
    return undefined;
  }
  const document = events[0];
  if (events.length < 2 || document?.type !== EVENT_ID.DOCUMENT) return undefined;
  if (document.explicitStart || document.explicitEnd || document.directives.length > 0) return undefined;
  try {
    const built = new Builder(text, events);
    const value = built.node(1, 0);
    if (built.position !== events.length - 1 || events[built.position]!.type !== EVENT_ID.POP) return undefined;
    return { value, startOffset: startOf(events[1]!), scalarOffset: (segments) => scalarOffset(text, events, segments) };
  } catch (err) {
    if (err instanceof Declined || err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Builds the value from events[1 ...] (events[0] is the document), declining what it is not sure of. */
class Builder {
  position = 1;

  constructor(
    private readonly text: string,
    private readonly events: Event[],
  ) {}

  node(index: number, depth: number): unknown {
    const event = this.events[index]!;
    this.position = index + 1;
    switch (event.type) {
      case EVENT_ID.SCALAR:
        return this.scalar(event).value;
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart !== -1 || event.tagStart !== -1 || depth >= MAX_NESTING_DEPTH) decline();
        const items: unknown[] = [];
        while (this.events[this.position]!.type !== EVENT_ID.POP) items.push(this.node(this.position, depth + 1));
        this.position++;
        return items;
      }
      case EVENT_ID.MAPPING: {
        if (event.anchorStart !== -1 || event.tagStart !== -1 || depth >= MAX_NESTING_DEPTH) decline();
        const map: Record<string, unknown> = {};
        while (this.events[this.position]!.type !== EVENT_ID.POP) {
          const keyEvent = this.events[this.position]!;
          if (keyEvent.type !== EVENT_ID.SCALAR) decline();
          const key = this.scalar(keyEvent);
          this.position++;
          if (typeof key.value !== 'string' || key.value === '<<' || key.value === '__proto__' || key.value.length >= MAX_KEY_LENGTH || Object.hasOwn(map, key.value)) decline();
          map[key.value] = this.node(this.position, depth + 1);
        }
        this.position++;
        return map;
      }
      default:
        return decline();
    }
  }

  private scalar(event: ScalarEvent): { value: unknown } {
    if (event.anchorStart !== -1 || event.tagStart !== -1) decline();
    if (event.valueStart === -1) {
      // An empty node (`key:`): the core schema's null, as a plain empty scalar.
      if (event.style !== SCALAR_STYLE.PLAIN) decline();
      return { value: null };
    }
    const raw = this.text.slice(event.valueStart, event.valueEnd);
    if (raw.includes('\n') || raw.includes('\r')) decline();
    switch (event.style) {
      case SCALAR_STYLE.PLAIN:
        return { value: resolvePlainScalar(ownString(getScalarValue(this.text, event))) };
      case SCALAR_STYLE.SINGLE_QUOTED:
        return { value: ownString(getScalarValue(this.text, event)) };
      case SCALAR_STYLE.DOUBLE_QUOTED:
        if (raw.includes('\\')) decline();
        return { value: ownString(getScalarValue(this.text, event)) };
      default:
        return decline();
    }
  }
}

function startOf(event: Event): number {
  if (event.type === EVENT_ID.SCALAR) return quotedStart(event);
  if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) return event.start;
  return decline();
}

/** Where a scalar starts in the text: its opening quote for quoted scalars. */
function quotedStart(event: ScalarEvent): number {
  if (event.valueStart === -1) return decline();
  return event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED ? event.valueStart - 1 : event.valueStart;
}

/** Index just after the node starting at events[index]. */
function skip(events: Event[], index: number): number {
  let depth = 0;
  do {
    const type = events[index]!.type;
    if (type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE) depth++;
    else if (type === EVENT_ID.POP) depth--;
    index++;
  } while (depth > 0);
  return index;
}

/** Offset of the non-empty scalar at `segments` (mapping keys by value, list items by index). */
function scalarOffset(text: string, events: Event[], segments: readonly string[]): number | undefined {
  let index = 1;
  for (const segment of segments) {
    const event = events[index]!;
    let found: number | undefined;
    if (event.type === EVENT_ID.MAPPING) {
      for (let at = index + 1; events[at]!.type !== EVENT_ID.POP; at = skip(events, at + 1)) {
        if (getScalarValue(text, events[at] as ScalarEvent) === segment) {
          found = at + 1;
          break;
        }
      }
    } else if (event.type === EVENT_ID.SEQUENCE && /^\d+$/.test(segment)) {
      let at = index + 1;
      for (let i = Number(segment); i > 0 && events[at]!.type !== EVENT_ID.POP; i--) at = skip(events, at);
      if (events[at]!.type !== EVENT_ID.POP) found = at;
    }
    if (found === undefined) return undefined;
    index = found;
  }
  const event = events[index]!;
  return event.type === EVENT_ID.SCALAR && event.valueStart !== -1 ? quotedStart(event) : undefined;
}
