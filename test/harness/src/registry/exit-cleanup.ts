const cleanups = new Set<() => void>();
let hookInstalled = false;

/**
 * Runs `cleanup` (synchronous, as 'exit' handlers must be) if the process exits before the
 * returned function unregisters it: a test that dies without stop() leaves no registry or
 * temp directory behind. One listener serves all, since a test file may start more registries
 * than the default listener limit.
 */
export function onProcessExit(cleanup: () => void): () => void {
  if (!hookInstalled) {
    process.once('exit', () => {
      for (const run of cleanups) run();
    });
    hookInstalled = true;
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
