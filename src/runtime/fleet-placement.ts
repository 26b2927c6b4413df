// Files that no declared target takes are never reconciled: `validate`, `plan` and `apply` call
// that an error. The daemon cannot fail for it (every target still converges), so it says so
// instead: a warning in /status and one log line each time the set of such files changes.
import type { AppConfig } from '../config/app-config.js';
import { placementDiagnostics } from '../config/placement.js';
import type { TargetSettings } from '../config/target-settings.js';
import { formatDiagnostic } from '../desired/diagnostics.js';
import { discoverProfileFiles } from '../desired/discover-files.js';
import { withDirectory } from '../desired/validation-report.js';

/** One line per file in no target (and per selected target that takes no file), as `validate` prints them. */
export async function placementWarnings(profilesDir: string, config: AppConfig, selected: readonly TargetSettings[], excludeFiles: readonly string[] = []): Promise<string[]> {
  const discovery = await discoverProfileFiles(profilesDir, excludeFiles);
  // A missing or unreadable directory has its own warning (ProfilesDirectory).
  if (discovery.directory !== 'ok') return [];
  const files = discovery.files.map((f) => f.relativePath);
  return placementDiagnostics(config, files, selected).map((d) => formatDiagnostic(withDirectory(profilesDir, d)));
}
