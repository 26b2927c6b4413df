// Defaults shared by `plan`, `apply` and `run`, so that the three commands agree.

/** More deletes than this in one pass blocks every delete (a guard against a mass prune). */
export const DEFAULT_MAX_DELETES = 5;
