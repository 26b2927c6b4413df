// Reads one profile file as text, refusing what cannot be a profile: oversized files (checked
// before reading, so a stray multi-gigabyte file costs nothing) and binary content.
//
// The reads are synchronous on purpose: a profile file is a few hundred bytes, and the async API
// costs four thread-pool round trips per file (open, fstat, read, close). Measured on 1,000 files,
// that made the loader several times slower than reading them in place; loadProfiles yields to
// the event loop between files every so often, so a large directory does not starve the daemon.
//
// A file that fits the reader's shared buffer is read with three system calls (open, one read,
// close), not the four of `readFileSync` (which first asks fstat for the size): a read that
// comes back short has reached the end of the file. Only a file that fills the buffer is measured
// with fstat, so the too-large check still happens before reading it.
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Diagnostic } from '../model/types.js';
import { makeDiagnostic } from './diagnostics.js';

/** 1 MiB: a connector profile is a few hundred bytes; hundreds of them still fit. */
export const MAX_PROFILE_FILE_BYTES = 1024 * 1024;

/**
 * The shared read buffer: 64 KiB holds any plausible profile file in one read. Reused by every
 * read (the text is decoded out of it before the next one); a file that fills it takes the
 * measured path.
 */
export const SHARED_READ_BUFFER_BYTES = 64 * 1024;

export type ReadOutcome = { text: string } | { diagnostic: Diagnostic };

let sharedBuffer: Buffer | undefined;

export async function readProfileFile(absolutePath: string, relativePath: string, maxBytes = MAX_PROFILE_FILE_BYTES): Promise<ReadOutcome> {
  const at = { file: relativePath, line: 1, column: 1 };
  let bytes: Buffer;
  try {
    const fd = openSync(absolutePath, 'r');
    try {
      sharedBuffer ??= Buffer.allocUnsafe(SHARED_READ_BUFFER_BYTES);
      // One byte more than the limit allows, so a file just over it fills the read.
      const want = Math.min(sharedBuffer.length, maxBytes + 1);
      const got = readSync(fd, sharedBuffer, 0, want, 0);
      if (got < want) {
        bytes = sharedBuffer.subarray(0, got);
      } else {
        const { size } = fstatSync(fd);
        if (size > maxBytes) {
          return { diagnostic: makeDiagnostic(at, 'file.too-large', `file is ${size} bytes, larger than the ${maxBytes}-byte limit for a profile file; split it or move it out of the profiles directory`) };
        }
        // readSync above read at position 0 without moving the file's offset: this reads it all.
        bytes = readFileSync(fd);
      }
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { diagnostic: makeDiagnostic(at, 'file.unreadable', `file cannot be read (${code})`) };
  }
  if (bytes.length > maxBytes) {
    return { diagnostic: makeDiagnostic(at, 'file.too-large', `file is larger than the ${maxBytes}-byte limit for a profile file`) };
  }
  if (bytes.includes(0)) {
    return { diagnostic: makeDiagnostic(at, 'file.binary', 'file looks binary (it contains NUL bytes); profile files are UTF-8 YAML or JSON text') };
  }
  if (!isUtf8(bytes)) {
    return { diagnostic: makeDiagnostic(at, 'file.binary', 'file is not valid UTF-8 text; profile files are UTF-8 YAML or JSON') };
  }
  // A leading byte order mark is dropped (as TextDecoder does), so offsets match the text.
  const start = hasByteOrderMark(bytes) ? 3 : 0;
  return { text: bytes.toString('utf8', start) };
}

function hasByteOrderMark(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
