// Reads one profile file as text, refusing what cannot be a profile: oversized files (checked
// before reading, so a stray multi-gigabyte file costs nothing) and binary content.
//
// The reads are synchronous on purpose: a profile file is a few hundred bytes, and the async API
// costs four thread-pool round trips per file (open, fstat, read, close). Measured on 1,000 files,
// that made the loader several times slower than reading them in place; loadProfiles yields to
// the event loop between files every so often, so a large directory does not starve the daemon.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { Diagnostic } from '../model/types.js';
import { makeDiagnostic } from './diagnostics.js';

/** 1 MiB: a connector profile is a few hundred bytes; hundreds of them still fit. */
export const MAX_PROFILE_FILE_BYTES = 1024 * 1024;

export type ReadOutcome = { text: string } | { diagnostic: Diagnostic };

export async function readProfileFile(absolutePath: string, relativePath: string, maxBytes = MAX_PROFILE_FILE_BYTES): Promise<ReadOutcome> {
  const at = { file: relativePath, line: 1, column: 1 };
  let buffer: Buffer;
  try {
    const fd = openSync(absolutePath, 'r');
    try {
      const { size } = fstatSync(fd);
      if (size > maxBytes) {
        return { diagnostic: makeDiagnostic(at, 'file.too-large', `file is ${size} bytes, larger than the ${maxBytes}-byte limit for a profile file; split it or move it out of the profiles directory`) };
      }
      buffer = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { diagnostic: makeDiagnostic(at, 'file.unreadable', `file cannot be read (${code})`) };
  }
  if (buffer.length > maxBytes) {
    return { diagnostic: makeDiagnostic(at, 'file.too-large', `file is larger than the ${maxBytes}-byte limit for a profile file`) };
  }
  if (buffer.includes(0)) {
    return { diagnostic: makeDiagnostic(at, 'file.binary', 'file looks binary (it contains NUL bytes); profile files are UTF-8 YAML or JSON text') };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return { diagnostic: makeDiagnostic(at, 'file.binary', 'file is not valid UTF-8 text; profile files are UTF-8 YAML or JSON') };
  }
  // TextDecoder drops a leading BOM by default (ignoreBOM: false), so offsets match the text.
  return { text };
}
