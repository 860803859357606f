import { ListWatch, Watch, type KubernetesObject, type KubernetesListObject } from '@kubernetes/client-node';
import type { KubeJson } from './kube-json.js';

export interface ResourceInformer<T extends KubernetesObject> {
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

/**
 * A cache of one resource kept current by list+watch. client-node's ListWatch relists on a 410
 * (expired resourceVersion) by itself, but gives up on any other error; here it is restarted
 * with backoff, so a restarted or unreachable apiserver only delays the controller.
 */
export function startInformer<T extends KubernetesObject>(
  api: KubeJson, collectionPath: string, handlers: InformerHandlers<T>,
): ResourceInformer<T> {
  let synced = false;
  let markSynced!: () => void;
  const syncedPromise = new Promise<void>((resolve) => { markSynced = resolve; });
  const list = (): Promise<KubernetesListObject<T>> => api.call<KubernetesListObject<T>>(collectionPath);
  const lw = new ListWatch<T>(collectionPath, new Watch(api.kubeConfig), list, false);
  let stopped = false;
  let delayMs = 500;
  let restartTimer: NodeJS.Timeout | undefined;
  let failedSinceStart = false;

  lw.on('add', (obj) => handlers.onChange(obj));
  lw.on('update', (obj) => handlers.onChange(obj));
  lw.on('delete', (obj) => handlers.onDelete(obj));
  lw.on('error', (error) => {
    failedSinceStart = true;
    handlers.onError?.(error);
    if (stopped) return;
    restartTimer = setTimeout(() => { void start(); }, delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  });

  const start = async (): Promise<void> => {
    failedSinceStart = false;
    // Resolves after the list and the watch request, failed or not.
    await lw.start();
    if (stopped) return;
    // A failed watch keeps the resourceVersion: only the absence of an error says the apiserver is back.
    if (!failedSinceStart) delayMs = 500;
    // A failed list leaves no resourceVersion; a landed one fills the cache even if the watch failed.
    if (!synced && lw.latestResourceVersion() !== '') {
      synced = true;
      markSynced();
    }
  };
  void start();

  return {
    get: (name, namespace) => lw.get(name, namespace),
    list: (namespace) => lw.list(namespace),
    synced: () => syncedPromise,
    hasSynced: () => synced,
    stop: async () => {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      await lw.stop();
    },
  };
}
