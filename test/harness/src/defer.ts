// node:test runs a test's after-hooks in the order they were added and skips the rest once one
// throws. A test that adds `rm(workDir)` before `editor.stop()` so deletes the folder under a
// running editor, and when that fails the editor is never stopped and the test file never exits
// (CI saw both). `defer` runs cleanups last-added-first, as Go's t.Cleanup does, and runs every
// one even after an earlier one failed.

interface HasAfterHooks {
  after(fn: () => unknown): void;
}

const stacks = new WeakMap<HasAfterHooks, Array<() => unknown>>();

/** Runs `cleanup` when the test `t` ends, before the cleanups deferred earlier in it. */
export function defer(t: HasAfterHooks, cleanup: () => unknown): void {
  let stack = stacks.get(t);
  if (!stack) {
    const fresh: Array<() => unknown> = [];
    stacks.set(t, fresh);
    t.after(() => runAll(fresh));
    stack = fresh;
  }
  stack.push(cleanup);
}

async function runAll(stack: Array<() => unknown>): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of stack.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanups failed`);
}
