// How the daemon turns a thrown value into a log field: message and code only, never a stack.

/** Message and code only: stack traces stay out of the logs users read. */
export function errorSummary(err: unknown): { message: string; code?: string; name?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { message: err.message, name: err.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(err) };
}

/** A pass that failed as a whole (reconcileOnce's report.error), thrown so it takes the error path. */
export class PassError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PassError';
  }
}
