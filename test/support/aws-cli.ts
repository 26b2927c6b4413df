// The AWS CLI v2, an independent client for emulator contract tests (an older v1 may come first
// on PATH; tests skip with the reason when no v2 is installed).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The AWS CLI v2 binary, or undefined with the reason. An older v1 may come first on PATH. */
export function findAwsCliV2(): { path?: string; reason: string } {
  const candidates = ['/usr/bin/aws', '/usr/local/bin/aws'];
  try {
    candidates.push(...execFileSync('which', ['-a', 'aws'], { encoding: 'utf8' }).split('\n').filter(Boolean));
  } catch {
    // `which` found nothing.
  }
  const seen: string[] = [];
  for (const candidate of [...new Set(candidates)]) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    const text = `${version.stdout ?? ''}${version.stderr ?? ''}`.trim();
    seen.push(`${candidate}: ${text.split(' ')[0] || 'no version output'}`);
    if (text.startsWith('aws-cli/2')) return { path: candidate, reason: '' };
  }
  return { reason: seen.length ? `no AWS CLI v2 found (${seen.join('; ')})` : 'no aws binary installed (Debian package awscli)' };
}

