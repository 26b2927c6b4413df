// The settings read from appflow-gitops.yaml, immutable once loaded.
import type { ConfigSection } from './config-section.js';
import { implicitTarget, type TargetSettings } from './target-settings.js';

export interface AppConfig {
  /** The config file as shown in messages (relative to the profiles directory), when one was read. */
  readonly file?: string;
  /** Never empty: the configured targets, or the one implicit target of the SDK chain. */
  readonly targets: readonly TargetSettings[];
  /** Built value of every section present in the file, by key (see configSection()). */
  readonly sections: ReadonlyMap<string, unknown>;
}

/** No config file (or one without `targets:`): one implicit target, exactly the behaviour before targets. */
export function defaultConfig(): AppConfig {
  return Object.freeze({ targets: Object.freeze([implicitTarget()]), sections: new Map() });
}

/** A section's settings, typed by the section; undefined when the file does not have the key. */
export function configSection<T>(config: AppConfig, section: ConfigSection<T>): T | undefined {
  return config.sections.get(section.key) as T | undefined;
}
