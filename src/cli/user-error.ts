/**
 * An error whose message is meant for the user as is. The CLI prints `error: <message>` and exits
 * with `exitCode`; it never prints a stack trace for these (nor for anything else: see main.ts).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
