// Which version of a profile file a path names, from one stat: what lets the daemon's parse cache
// skip reading a file that has not changed since it was last read (src/desired/parse-cache.ts).
// The rule (git's index check, trusted only once the file has settled for 2 s) is the state
// file's too, so it lives in src/model/file-identity.ts; the loader uses it from here.
//
// Numbers, not BigInts: a stat with `bigint: true` builds 14 BigInts and four Dates per file, and
// the identity kept five more (1,000 files per warm pass). An inode number past 2^53, on a file
// system that has them, is rounded: the times and size still have to match as well.
export { RACY_WINDOW_MS, sameIdentity, settled, statFile, type FileIdentity, type FileStat } from '../model/file-identity.js';
