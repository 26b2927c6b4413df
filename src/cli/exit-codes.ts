/** Every exit code the CLI uses, in one place. */
export const ExitCode = {
  /** Success; with `plan --detailed-exitcode`: no changes. */
  Ok: 0,
  /** Any error: invalid file, failed AWS call, unresolvable secret, failed write, bad usage. */
  Error: 1,
  /** `plan --detailed-exitcode` only: success, and changes are pending. */
  ChangesPending: 2,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
