// What one apply pass runs with, the same with or without declared targets: its logger, its
// notifier, and the reconcile options its flags ask for (including Terraform's confirmation on a
// terminal, or the check of a saved plan instead).
import { createInterface } from 'node:readline/promises';
import type { LogFormat, Logger } from '../logging/logger.js';
import { createSilentLogger } from '../logging/silent-logger.js';
import type { CredentialsOnUpdate, Plan } from '../model/types.js';
import type { Notifier } from '../notify/notifier.js';
import type { ReconcileOptions } from '../reconcile/types.js';
import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanText } from '../render/plan-text.js';
import { printWarning, useColor, type OutputFormat } from './command-output.js';
import { createConfiguredNotifier, type ConfigFeatures } from './config-features.js';
import { resolveCredentialsOnUpdate } from './credentials-on-update.js';

/** How long apply waits at exit for notifications still being delivered (then they are dropped). */
export const NOTIFY_GRACE_MS = 10_000;

export interface ApplyFlags {
  names?: string[];
  strict?: boolean;
  autoApprove?: boolean;
  credentialsOnUpdate?: CredentialsOnUpdate;
  profiles: string;
  state: string;
  prune?: boolean;
  allowReplace?: boolean;
  maxDeletes: number;
  allowEmpty?: boolean;
  json?: boolean;
  format?: OutputFormat;
  color: boolean;
  allowPlaintextCredentials?: boolean;
  logFormat?: LogFormat;
  config?: string;
  target?: string[];
  revision?: string;
  notifyRepeat: number;
}

export type VerifyPlans = ReconcileOptions['verifyPlans'];

/**
 * Logs go to stderr, and only when asked for (LOG_LEVEL): stdout carries the report. pino is
 * loaded only then (silent-logger.ts). An unset notification secret fails here, before any AWS call.
 */
export async function applyLoggerAndNotifier(flags: ApplyFlags, features: ConfigFeatures): Promise<{ logger: Logger; notifier: Notifier }> {
  const logger = process.env.LOG_LEVEL ? (await import('../logging/logger.js')).createLogger({ destination: process.stderr, format: flags.logFormat }) : createSilentLogger();
  const notifier = createConfiguredNotifier(features, { repeatMs: flags.notifyRepeat, logger, warn: printWarning });
  return { logger, notifier };
}

/** The reconcile options of apply's flags; `signal` stops the pass (stop-signal.ts). */
export async function applyOptions(flags: ApplyFlags, format: OutputFormat, signal: AbortSignal, verifyPlans?: VerifyPlans): Promise<ReconcileOptions> {
  return {
    prune: flags.prune === true,
    allowEmpty: flags.allowEmpty === true,
    maxDeletes: flags.maxDeletes,
    credentialsOnUpdate: await resolveCredentialsOnUpdate(flags.credentialsOnUpdate, flags.profiles),
    allowReplace: flags.allowReplace === true,
    signal,
    ...runScope(flags, format, verifyPlans),
  };
}

/**
 * --names, --strict, and Terraform's confirmation on a terminal (unless --auto-approve). A saved
 * plan was the review: apply FILE checks it instead of asking.
 */
function runScope(flags: ApplyFlags, format: OutputFormat, verifyPlans?: VerifyPlans): Pick<ReconcileOptions, 'names' | 'strict' | 'confirm' | 'verifyPlans'> {
  const interactive = !flags.autoApprove && verifyPlans === undefined && process.stdin.isTTY === true && process.stdout.isTTY === true;
  return {
    ...(flags.names ? { names: new Set(flags.names) } : {}),
    ...(flags.strict ? { strict: true } : {}),
    ...(verifyPlans ? { verifyPlans } : {}),
    ...(interactive ? { confirm: (plan: Plan) => confirmPlan(plan, format, flags.color) } : {}),
  };
}

/** Shows the plan and asks; only 'yes' approves (as Terraform). Asked only when stdout is a TTY. */
async function confirmPlan(plan: Plan, format: OutputFormat, colorFlag: boolean): Promise<boolean> {
  process.stdout.write(format === 'text' ? renderPlanText(plan, { color: useColor(colorFlag) }) : renderPlanJson(plan));
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question("\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
