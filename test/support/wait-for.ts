// Polling for a condition in tests that watch a running daemon or emulator from outside.

/**
 * Resolves with the probe's first value that is neither undefined nor false, polling every 20 ms;
 * rejects once `timeoutMs` has passed without one.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as Exclude<T, false>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
