/**
 * An error meant for the person at the terminal: printed as `error: MESSAGE` without a stack,
 * exiting with `exitCode`. Anything else that escapes a command is a bug and keeps its stack.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
