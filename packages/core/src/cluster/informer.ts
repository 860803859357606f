// A cache of one resource kept current by list and watch, as client-go's informers keep theirs.
import type { KubeClient, WatchEvent } from './client.js';
import { isGone } from './errors.js';
import type { KubeList, KubeObject } from './object.js';

export interface ResourceInformer<T extends KubeObject> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
  /** Resolves once the first list has landed in the cache. */
  synced(): Promise<void>;
  hasSynced(): boolean;
  stop(): Promise<void>;
}

export interface InformerHandlers<T> {
  onChange(obj: T): void;
  onDelete(obj: T): void;
  onError?(error: unknown): void;
}

const firstRestartDelayMs = 500;
const maxRestartDelayMs = 30_000;

const cacheKey = (obj: KubeObject): string => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

/**
 * Lists `collectionPath` into a cache, then watches from the list's resourceVersion. A watch the
 * server ends is resumed from the last resourceVersion seen; one answered with 410 Gone (the
 * version was compacted away) lists again, reporting what vanished meanwhile as deleted. Any other
 * failure is retried after a delay that doubles up to 30 s, so a restarted or unreachable apiserver
 * only delays the controller; the delay starts over once a watch delivers again.
 */
export function startInformer<T extends KubeObject>(
  client: KubeClient,
  collectionPath: string,
  handlers: InformerHandlers<T>,
): ResourceInformer<T> {
  const cache = new Map<string, T>();
  let resourceVersion = '';
  let synced = false;
  let markSynced!: () => void;
  const syncedPromise = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  const abort = new AbortController();
  let wake: (() => void) | undefined;

  const upsert = (obj: T): void => {
    const key = cacheKey(obj);
    const known = cache.get(key);
    if (known && known.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    cache.set(key, obj);
    handlers.onChange(obj);
  };
  const remove = (obj: T): void => {
    if (cache.delete(cacheKey(obj))) handlers.onDelete(obj);
  };

  const relist = async (): Promise<void> => {
    const answer = await client.call<KubeList<T>>(collectionPath, { signal: abort.signal });
    const listed = new Set(answer.items.map(cacheKey));
    for (const obj of [...cache.values()]) if (!listed.has(cacheKey(obj))) remove(obj);
    for (const obj of answer.items) upsert(obj);
    resourceVersion = answer.metadata?.resourceVersion ?? '';
    if (!synced) {
      synced = true;
      markSynced();
    }
  };

  const onEvent = (event: WatchEvent<T>): void => {
    resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') upsert(event.object);
    else if (event.type === 'DELETED') remove(event.object);
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    let delayMs = firstRestartDelayMs;
    while (!abort.signal.aborted) {
      try {
        if (resourceVersion === '') await relist();
        await client.watch<T>(
          collectionPath,
          resourceVersion,
          (event) => {
            delayMs = firstRestartDelayMs;
            onEvent(event);
          },
          abort.signal,
        );
        delayMs = firstRestartDelayMs;
      } catch (error) {
        if (abort.signal.aborted) break;
        if (isGone(error)) {
          resourceVersion = '';
          continue;
        }
        handlers.onError?.(error);
        await pause(delayMs);
        delayMs = Math.min(delayMs * 2, maxRestartDelayMs);
      }
    }
  };
  const running = run();

  const inNamespace =
    (namespace: string | undefined) =>
    (obj: T): boolean =>
      namespace === undefined || obj.metadata?.namespace === namespace;

  return {
    get: (name, namespace) => cache.get(`${namespace ?? ''}/${name}`),
    list: (namespace) => [...cache.values()].filter(inNamespace(namespace)),
    synced: () => syncedPromise,
    hasSynced: () => synced,
    stop: async () => {
      abort.abort();
      wake?.();
      await running;
    },
  };
}
