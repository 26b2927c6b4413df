// --target NAME (repeatable): the targets a command works on. An unknown name is an error with
// a did-you-mean, never silently "nothing to do".
import { suggest } from '../desired/did-you-mean.js';
import type { AppConfig } from './app-config.js';
import type { TargetSettings } from './target-settings.js';

export class UnknownTargetError extends Error {
  readonly code = 'config.unknown-target';
}

export function selectTargets(config: AppConfig, names: readonly string[] | undefined): readonly TargetSettings[] {
  if (names === undefined || names.length === 0) return config.targets;
  const known = config.targets.map((t) => t.name);
  for (const name of names) {
    if (known.includes(name)) continue;
    const hint = suggest(name, known);
    const where = config.file ? ` in ${config.file}` : ' (no targets are configured: the one implicit target is "default")';
    throw new UnknownTargetError(`unknown target '${name}'${hint ? `; did you mean '${hint}'?` : ''} (targets${where}: ${known.join(', ')})`);
  }
  return config.targets.filter((t) => names.includes(t.name));
}
