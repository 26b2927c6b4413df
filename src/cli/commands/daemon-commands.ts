// Commands for a running daemon, like `flux get` / `kubectl get`: `status [NAME]`, `reconcile
// [--wait]`, `suspend` and `resume`. They speak HTTP to `appflow-gitops run` (--server) and share
// its /status types, so a field added there is one the CLI can show.
import { Option, type Command } from 'commander';
import type { DaemonStatus } from '../../runtime/daemon-status.js';
import type { ProfileStatus } from '../../runtime/profile-status.js';
import type { PauseState } from '../../runtime/write-pause.js';
import { callDaemon, httpTokenFileOption, serverOption, type ClientFlags } from '../daemon-client.js';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../user-error.js';

type Output = 'table' | 'json' | 'wide';

interface StatusFlags extends ClientFlags {
  output?: 'json' | 'wide';
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status [name]')
    .description("show the running daemon's view of each profile: name, target, condition, reason, last applied, message (exit 1 when any profile is Failed)")
    .addOption(new Option('-o, --output <format>', 'json (the /status document) or wide (more columns)').choices(['json', 'wide']))
    .addOption(serverOption())
    .addOption(httpTokenFileOption())
    .action(async (name: string | undefined, flags: StatusFlags) => {
      process.exitCode = await runStatus(name, flags);
    });
}

async function runStatus(name: string | undefined, flags: StatusFlags): Promise<number> {
  const status = await callDaemon<DaemonStatus>(flags, 'GET', '/status');
  const profiles = name === undefined ? status.profiles : status.profiles.filter((p) => p.name === name);
  if (name !== undefined && profiles.length === 0) throw new UserError(`no profile named ${JSON.stringify(name)} in the daemon's status (${status.profiles.length} profiles known)`);
  const output: Output = flags.output ?? 'table';
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(name === undefined ? status : profiles[0], null, 2)}\n`);
  } else {
    for (const line of daemonLines(status)) process.stderr.write(`${line}\n`);
    process.stdout.write(renderTable(profiles, output === 'wide'));
  }
  return profiles.some((p) => p.condition === 'Failed') ? ExitCode.Error : ExitCode.Ok;
}

/** What is true of the daemon as a whole: suspended, a false condition, a failed target, not ready. */
function daemonLines(status: DaemonStatus): string[] {
  const lines: string[] = [];
  if (status.suspended?.suspended) lines.push(`SUSPENDED since ${status.suspended.since ?? '?'}: no writes (appflow-gitops resume lifts it)`);
  for (const condition of status.conditions ?? []) if (condition.status === 'False') lines.push(`${condition.type}: ${condition.reason}: ${condition.message}`);
  // A target whose pass failed as a whole (role denied, wrong account, AWS unreachable) has no
  // profile rows to show it: one line each.
  for (const { name, error } of status.targets ?? []) {
    if (error !== undefined) lines.push(error.startsWith(`target ${name}: `) ? error : `target ${name}: ${error}`);
  }
  if (!status.ready) lines.push(`not ready: ${Object.entries(status.checks).filter(([, ok]) => !ok).map(([check]) => check).join(', ')}`);
  return lines;
}

function renderTable(profiles: readonly ProfileStatus[], wide: boolean): string {
  const header = ['NAME', 'TARGET', 'CONDITION', 'REASON', 'LAST APPLIED', ...(wide ? ['FILE', 'LAST ERROR'] : []), 'MESSAGE'];
  const rows = profiles.map((p) => [
    p.name,
    p.target ?? '-',
    p.condition,
    p.reason,
    p.lastAppliedAt ?? '-',
    ...(wide ? [p.sourceFile ?? '-', p.lastError ? `${p.lastError.code} at ${p.lastError.at}` : '-'] : []),
    // One line per row: a multi-line message (one line per secret) shows its first line.
    p.message.split('\n')[0] ?? '',
  ]);
  if (rows.length === 0) return 'No profiles.\n';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  return `${[format(header), ...rows.map(format)].join('\n')}\n`;
}

interface ReconcileFlags extends ClientFlags {
  wait?: boolean;
  timeout: string;
}

export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description('ask the running daemon for a pass now (POST /reconcile); --wait until a pass that started after the request has finished')
    .option('--wait', 'wait for the pass to finish and exit 1 when it did not converge')
    .addOption(new Option('--timeout <seconds>', 'with --wait: give up after this many seconds').default('300'))
    .addOption(serverOption())
    .addOption(httpTokenFileOption())
    .action(async (flags: ReconcileFlags) => {
      process.exitCode = await runReconcile(flags);
    });
}

async function runReconcile(flags: ReconcileFlags): Promise<number> {
  const before = await callDaemon<DaemonStatus>(flags, 'GET', '/status');
  const asked = Date.now();
  const answer = await callDaemon<{ accepted: boolean; error?: string }>(flags, 'POST', '/reconcile');
  if (!answer.accepted) throw new UserError(`the daemon did not accept the request: ${answer.error ?? 'unknown reason'}`);
  if (!flags.wait) {
    process.stdout.write('reconcile requested\n');
    return ExitCode.Ok;
  }
  const deadline = asked + Number(flags.timeout) * 1000;
  for (;;) {
    const status = await callDaemon<DaemonStatus>(flags, 'GET', '/status');
    const last = status.lastReconcile;
    // A pass that started after the request, and has finished (not the one that may have been running).
    if (last && last.id !== before.lastReconcile?.id && Date.parse(last.startedAt) >= asked - 1000 && !status.reconciling) {
      const summary = last.summary ? Object.entries(last.summary).filter(([, n]) => n > 0).map(([a, n]) => `${a} ${n}`).join(', ') : '';
      process.stdout.write(`reconcile ${last.id}: ${last.result}${summary ? ` (${summary})` : ''}${last.error ? `: ${last.error}` : ''}\n`);
      return last.result === 'success' ? ExitCode.Ok : ExitCode.Error;
    }
    if (Date.now() > deadline) throw new UserError(`no pass finished within ${flags.timeout} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function registerSuspendCommand(program: Command): void {
  registerPauseCommand(program, 'suspend', 'pause every write of the running daemon (it keeps reading and reports drift; survives a restart)');
}

export function registerResumeCommand(program: Command): void {
  registerPauseCommand(program, 'resume', 'lift a suspend and start a pass');
}

function registerPauseCommand(program: Command, name: 'suspend' | 'resume', description: string): void {
  program
    .command(name)
    .description(description)
    .addOption(serverOption())
    .addOption(httpTokenFileOption())
    .action(async (flags: ClientFlags) => {
      const state = await callDaemon<PauseState>(flags, 'POST', `/${name}`);
      process.stdout.write(state.suspended ? `writes suspended since ${state.since ?? '?'}\n` : 'writes resumed; a pass was requested\n');
    });
}
