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
  /**
   * Caches what a write of ours stored (`written`, the API server's answer) at once, as client-go's
   * MutationCache does, when that write was conditional on the version the cache holds
   * (`basedOn`): its watch event is then dropped before it is parsed, and no handler hears of it,
   * for the writer knows. A cache that has moved past `basedOn` already holds the write or a later
   * version, and stays as it is.
   */
  assumeWritten(written: T, basedOn: string): void;
}

export interface InformerHandlers<T> {
  /** `previous` is the cached version it replaces (client-go's UpdateFunc(old, new)), if any. */
  onChange(obj: T, previous?: T): void;
  onDelete(obj: T): void;
  onError?(error: unknown): void;
}

export interface InformerOptions<T> {
  /**
   * What the cache keeps of each object, applied to every listed and watched object before it is
   * cached or handed to the handlers (client-go's SetTransform): a controller that reads a few
   * fields of 20,000 workloads need not hold their managedFields, status and whole specs. It must
   * keep `metadata.name`, `namespace` and `resourceVersion`.
   */
  transform?(obj: T): T;
  /** Objects per list page (client-go's reflector uses 500), so a list is never one huge answer. */
  pageSize?: number;
}

const firstRestartDelayMs = 500;
const maxRestartDelayMs = 30_000;

const cacheKey = (obj: KubeObject): string => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

const versionKey = '"resourceVersion":"';

/**
 * The resourceVersion of a MODIFIED event's object, read from its line without parsing it. The API
 * server writes the event's `type` first, and the object's kind, apiVersion and metadata's string
 * fields before `resourceVersion`; a JSON string cannot hold the key's quotes unescaped, so the
 * first key found is that one. Another order gives undefined or a version nobody waits for, and
 * the line is parsed as any other.
 */
function modifiedVersion(line: string): string | undefined {
  if (!line.startsWith('{"type":"MODIFIED"')) return undefined;
  const start = line.indexOf(versionKey);
  if (start < 0) return undefined;
  const end = line.indexOf('"', start + versionKey.length);
  return end < 0 ? undefined : line.slice(start + versionKey.length, end);
}

/**
 * Lists `collectionPath` into a cache, page by page, then watches from the list's resourceVersion. A watch the
 * server ends is resumed from the last resourceVersion seen; one answered with 410 Gone (the
 * version was compacted away) lists again, reporting what vanished meanwhile as deleted. Any other
 * failure is retried after a delay that doubles up to 30 s, so a restarted or unreachable apiserver
 * only delays the controller; the delay starts over once a watch delivers again.
 */
export function startInformer<T extends KubeObject>(
  client: KubeClient,
  collectionPath: string,
  handlers: InformerHandlers<T>,
  options: InformerOptions<T> = {},
): ResourceInformer<T> {
  const transform = options.transform ?? ((obj: T): T => obj);
  const pageSize = String(options.pageSize ?? 500);
  const cache = new Map<string, T>();
  /**
   * Versions our own writes stored and the cache already holds, until their watch events come.
   * Parsing such an event only to find the version cached is most of a controller's watch work in
   * a roll (10,000 workloads written, 10,000 echoes).
   */
  const awaitedEchoes = new Set<string>();
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
    handlers.onChange(obj, known);
  };
  const remove = (obj: T): void => {
    if (cache.delete(cacheKey(obj))) handlers.onDelete(obj);
  };

  // Each page is transformed and cached before the next is asked for, so a list of 20,000
  // workloads never sits in memory whole. An expired continue token (410) lists again.
  const relist = async (): Promise<void> => {
    // The new watch starts from the list's version: an echo older than that never comes, and a
    // newer one is parsed as any event (upsert finds its version cached).
    awaitedEchoes.clear();
    const listed = new Set<string>();
    let listedVersion = '';
    let next: string | undefined;
    do {
      const page = await client.call<KubeList<T>>(collectionPath, {
        query: { limit: pageSize, continue: next },
        signal: abort.signal,
      });
      for (const item of page.items) {
        const obj = transform(item);
        listed.add(cacheKey(obj));
        upsert(obj);
      }
      listedVersion = page.metadata?.resourceVersion ?? listedVersion;
      next = page.metadata?.continue || undefined;
    } while (next !== undefined);
    for (const obj of [...cache.values()]) if (!listed.has(cacheKey(obj))) remove(obj);
    resourceVersion = listedVersion;
    if (!synced) {
      synced = true;
      markSynced();
    }
  };

  const isAwaitedEcho = (line: string): boolean => {
    if (awaitedEchoes.size === 0) return false;
    const version = modifiedVersion(line);
    if (version === undefined || !awaitedEchoes.delete(version)) return false;
    resourceVersion = version;
    return true;
  };

  const onEvent = (event: WatchEvent<T>): void => {
    resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') upsert(transform(event.object));
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
          isAwaitedEcho,
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
    assumeWritten: (written, basedOn) => {
      const obj = transform(written);
      const version = obj.metadata?.resourceVersion;
      const key = cacheKey(obj);
      if (!version || cache.get(key)?.metadata?.resourceVersion !== basedOn) return;
      cache.set(key, obj);
      awaitedEchoes.add(version);
    },
  };
}
