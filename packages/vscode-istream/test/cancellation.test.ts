import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withAbortSignal, type CancellationTokenLike } from '../src/cancellation.js';

/** A token like VS Code's CancellationTokenSource hands out. */
function tokenSource(): { token: CancellationTokenLike; cancel(): void; listeners(): number } {
  const listeners = new Set<() => void>();
  const token: CancellationTokenLike = {
    isCancellationRequested: false,
    onCancellationRequested(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  };
  return {
    token,
    cancel() {
      token.isCancellationRequested = true;
      for (const l of listeners) l();
    },
    listeners: () => listeners.size,
  };
}

test('cancelling the request aborts the lookup the service is waiting on', async () => {
  const source = tokenSource();
  const result = withAbortSignal(
    source.token,
    (signal) =>
      new Promise<string>((resolve) => {
        signal.addEventListener('abort', () => resolve('aborted'));
      }),
  );
  source.cancel();
  assert.equal(await result, 'aborted');
  assert.equal(source.listeners(), 0, 'the subscription is released');
});

test('an already cancelled token gives an aborted signal; a finished call unsubscribes', async () => {
  const cancelled = tokenSource();
  cancelled.cancel();
  assert.equal(await withAbortSignal(cancelled.token, async (signal) => signal.aborted), true);

  const live = tokenSource();
  assert.equal(await withAbortSignal(live.token, async (signal) => signal.aborted), false);
  assert.equal(live.listeners(), 0);
});
