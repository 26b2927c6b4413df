// The points between a pass's phases (the files loaded; AWS read) where most of what the
// previous phase allocated has just become garbage: parsed files, the SDK's responses, the
// secret lookups. A one-shot command (src/cli/heap-settings.ts) collects it there, so V8 sizes
// the heap for the planning that follows from what is alive instead of letting that garbage
// pile up to the pass's peak. Nothing happens unless a collector was set: the daemon and the
// tests run without one.
let collector: (() => void) | undefined;

/** Sets (or clears, with undefined) what runs at each phase boundary of this process's passes. */
export function setPhaseBoundaryCollector(collect: (() => void) | undefined): void {
  collector = collect;
}

/** A phase of a pass has ended; what it allocated and no longer needs may be collected now. */
export function phaseEnded(): void {
  collector?.();
}
