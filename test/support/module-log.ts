// Reading Node's module debug log (NODE_DEBUG=module,esm on a spawned CLI): every file it loads
// is named, so a package's absence from the log means the run did not load it.

/** The packages among `names` of which the log names a file. */
export function loadedPackages(log: string, names: readonly string[]): string[] {
  return names.filter((name) => log.includes(`node_modules/${name}/`));
}
