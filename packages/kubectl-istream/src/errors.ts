// The one place that decides what the person at the terminal sees when a command fails: which
// errors are theirs to fix (one `error: ...` line, an exit code) and which are bugs (a stack).

/**
 * An error meant for the person at the terminal: printed as `error: MESSAGE` without a stack,
 * exiting with `exitCode`. Anything else that escapes a command is a bug and keeps its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Core's errors that describe bad input, a refusing or unreachable server, or a registry problem,
 * each with a message that names the input and the fix. A module is imported here only on the
 * error path and only when the modules before it did not claim the error, the Kubernetes client's
 * last: a command that never loaded it does not load it to report a registry error.
 */
const USER_ERRORS: Array<() => Promise<Array<abstract new (...args: never[]) => Error>>> = [
  async () => [(await import('@istream/core/reference')).InvalidReferenceError],
  async () => {
    const { InvalidNameError, RollbackError, TagCycleError } = await import('@istream/core/imagestream');
    return [InvalidNameError, RollbackError, TagCycleError];
  },
  async () => {
    const { RegistryError, InvalidPlatformError } = await import('@istream/core/registry');
    return [RegistryError, InvalidPlatformError];
  },
  async () => {
    const { KubeconfigError, KubeApiError, KubeUnreachableError, ImageStreamApiMissingError } = await import(
      '@istream/core/cluster'
    );
    return [KubeconfigError, KubeApiError, KubeUnreachableError, ImageStreamApiMissingError];
  },
];

/** The error as the person at the terminal should see it: a CliError, or the error itself when it is a bug. */
export async function asCliError(error: unknown): Promise<unknown> {
  if (error instanceof CliError || !(error instanceof Error)) return error;
  for (const types of USER_ERRORS) {
    if ((await types()).some((type) => error instanceof type)) return new CliError(error.message);
  }
  return error;
}

/** kubectl's wording for a stream that does not exist. */
export function streamNotFound(name: string): CliError {
  return new CliError(`imagestreams.image.openshift.io "${name}" not found`);
}
