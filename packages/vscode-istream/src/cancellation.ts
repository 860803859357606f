/** The part of vscode.CancellationToken the adapters read. */
export interface CancellationTokenLike {
  isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/**
 * Runs `work` with an AbortSignal that follows VS Code's cancellation token, so the language
 * service stops a registry lookup the moment the editor no longer wants its result.
 */
export async function withAbortSignal<T>(
  token: CancellationTokenLike,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const subscription = token.onCancellationRequested(() => controller.abort());
  try {
    return await work(controller.signal);
  } finally {
    subscription.dispose();
  }
}
