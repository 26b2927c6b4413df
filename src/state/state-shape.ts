// Pure structural check of a state file before anything trusts it. A file that is not a state
// snapshot at all (bad JSON, wrong formatVersion, wrong top-level shape) is rejected as a whole;
// a single malformed record inside an otherwise good file is dropped with a warning, because
// losing one inventory entry or one intent is safe (nothing is deleted for a profile the
// inventory does not list, and a lost intent only means a fresh clientToken after a Describe).
import { findJsonSyntaxError } from '../json/json-syntax.js';
import {
  STATE_FORMAT_VERSION,
  type ManagedProfileRecord,
  type StateSnapshot,
  type TargetState,
  type WriteIntent,
} from '../model/types.js';
import { clonePlain } from '../model/clone-plain.js';
import { nameKeyed } from '../model/name-keyed.js';

export type ParsedState =
  | { ok: true; snapshot: StateSnapshot; warnings: string[] }
  | { ok: false; reason: string };

const ORIGINS = new Set(['created', 'adopted', 'imported']);
const OPERATIONS = new Set(['create', 'update', 'delete']);

export function emptySnapshot(): StateSnapshot {
  return { formatVersion: STATE_FORMAT_VERSION, targets: {} };
}

export function emptyTargetState(): TargetState {
  return { profiles: nameKeyed(), intents: nameKeyed() };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function checkProfileRecord(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'not an object';
  if (typeof value.name !== 'string' || value.name === '') return 'name is missing';
  if (typeof value.origin !== 'string' || !ORIGINS.has(value.origin)) return 'origin is not created|adopted|imported';
  if (typeof value.connectorType !== 'string') return 'connectorType is missing';
  for (const key of ['connectorLabel', 'kmsArn', 'credentialsFingerprint', 'sourceFile', 'lastAppliedAt', 'documentDigest']) {
    if (!optionalString(value[key])) return `${key} is not a string`;
  }
  if (value.lifecycle !== undefined && !isPlainObject(value.lifecycle)) return 'lifecycle is not an object';
  return undefined;
}

function checkIntent(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'not an object';
  if (typeof value.operation !== 'string' || !OPERATIONS.has(value.operation)) return 'operation is not create|update|delete';
  for (const key of ['name', 'clientToken', 'requestDigest', 'createdAt']) {
    if (typeof value[key] !== 'string') return `${key} is missing`;
  }
  return undefined;
}

function parseTarget(key: string, value: unknown, warnings: string[]): TargetState | string {
  if (!isPlainObject(value)) return `target ${JSON.stringify(key)} is not an object`;
  const target = emptyTargetState();
  const profiles = value.profiles ?? {};
  const intents = value.intents ?? {};
  if (!isPlainObject(profiles)) return `target ${JSON.stringify(key)}: profiles is not an object`;
  if (!isPlainObject(intents)) return `target ${JSON.stringify(key)}: intents is not an object`;
  for (const [name, record] of Object.entries(profiles)) {
    const problem = checkProfileRecord(record);
    if (problem) {
      warnings.push(`state: dropped inventory record ${JSON.stringify(name)} of target ${key}: ${problem}`);
      continue;
    }
    const typed = record as ManagedProfileRecord;
    // The map key is authoritative only if it agrees with the record; otherwise trust the record.
    target.profiles[typed.name] = typed;
  }
  for (const [name, intent] of Object.entries(intents)) {
    const problem = checkIntent(intent);
    if (problem) {
      warnings.push(`state: dropped pending write intent ${JSON.stringify(name)} of target ${key}: ${problem}`);
      continue;
    }
    const typed = intent as WriteIntent;
    target.intents[typed.name] = typed;
  }
  return target;
}

/** Parses and validates the text of a state file. Never throws. */
export function parseStateText(text: string): ParsedState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON${jsonErrorLocation(text, err)}` };
  }
  if (!isPlainObject(raw)) return { ok: false, reason: 'not a JSON object' };
  if (raw.formatVersion !== STATE_FORMAT_VERSION) {
    return {
      ok: false,
      reason: `unsupported formatVersion ${JSON.stringify(raw.formatVersion)} (this version reads ${STATE_FORMAT_VERSION})`,
    };
  }
  if (!isPlainObject(raw.targets)) return { ok: false, reason: 'targets is missing or not an object' };
  const warnings: string[] = [];
  const snapshot = emptySnapshot();
  for (const [key, value] of Object.entries(raw.targets)) {
    const target = parseTarget(key, value, warnings);
    if (typeof target === 'string') return { ok: false, reason: target };
    snapshot.targets[key] = target;
  }
  return { ok: true, snapshot, warnings };
}

/**
 * Where the parser stopped, as " at line L, column C" (or " (ends early)"). Never the parser's
 * own message: V8 quotes an excerpt of the input there, which may span lines and could contain
 * anything that ended up in the file; the warning must stay one line and quote nothing. Node 20's
 * messages mostly carry no position either, so the offset comes from the profile loader's JSON
 * scanner, which reports one without quoting the text.
 */
function jsonErrorLocation(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const position = /position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : findJsonSyntaxError(text)?.offset;
  if (offset === undefined) return /end of JSON input/i.test(message) ? ' (ends early)' : '';
  if (offset >= text.length) return ' (ends early)';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

/** The canonical text of a snapshot on disk (stable key order as given, 2-space indent, final newline). */
export function serializeSnapshot(snapshot: StateSnapshot): string {
  return `${JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, targets: snapshot.targets }, null, 2)}\n`;
}

/**
 * A deep copy of a snapshot as parseStateText builds it (targets of inventory and intent records,
 * by name without a prototype), for a caller that may change it: the same JSON, no object shared.
 * Several times cheaper than parsing the file's text again. Undefined for a snapshot whose targets
 * object is not a plain object (a target key `__proto__` set its prototype): not worth a copy.
 */
export function copySnapshot(snapshot: StateSnapshot): StateSnapshot | undefined {
  if (Object.getPrototypeOf(snapshot.targets) !== Object.prototype) return undefined;
  const copy = emptySnapshot();
  for (const key of Object.keys(snapshot.targets)) {
    const target = snapshot.targets[key]!;
    copy.targets[key] = { profiles: copyRecords(target.profiles), intents: copyRecords(target.intents) };
  }
  return copy;
}

function copyRecords<T extends object>(records: Record<string, T>): Record<string, T> {
  const copy = nameKeyed<T>();
  for (const name of Object.keys(records)) copy[name] = copyRecord(records[name]!);
  return copy;
}

/**
 * A record is a flat JSON object (strings, and `lifecycle`'s small object): a spread copies it in
 * one step (an own `__proto__` key stays an own key), and only nested values are walked. Cheaper
 * than walking every record, above all in a fresh process where the walk is not yet optimised.
 */
function copyRecord<T extends object>(record: T): T {
  const copy = { ...record } as Record<string, unknown>;
  for (const key in copy) {
    const value = copy[key];
    // An own `__proto__` key (copied by the spread) shadows the prototype's setter: this sets the key.
    if (typeof value === 'object' && value !== null) copy[key] = clonePlain(value);
  }
  return copy as T;
}
