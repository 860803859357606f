// The extension host's side of the language worker: the language service's interface, answered by
// a worker thread. A worker that dies (out of memory on a hostile file, a bug) fails the calls in
// flight and is started afresh by the next call.
import { Worker } from 'node:worker_threads';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  Hover,
  PinImagesResult,
  PinStyle,
  Position,
  Range,
} from '@istream/core/language';
import type { KubeContext } from './kube-context-status.js';
import type { WorkerConfig } from './service-options.js';
import type { ServiceCall, WorkerRequest, WorkerResponse } from './worker-protocol.js';

export interface RemoteLanguageService {
  validate(text: string): Promise<Diagnostic[]>;
  complete(text: string, position: Position, signal?: AbortSignal): Promise<CompletionItem[]>;
  hover(text: string, position: Position, signal?: AbortSignal): Promise<Hover | null>;
  codeActions(text: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]>;
  pinImages(text: string, style: PinStyle): Promise<PinImagesResult>;
  forgetLookups(): Promise<void>;
  kubeContext(): Promise<KubeContext>;
  dispose(): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

// A hostile file may make the parser allocate without bound; the worker dies, the editor does not.
const workerHeapLimitMb = 1024;

export function startLanguageWorker(
  script: string,
  config: WorkerConfig,
  log: (line: string) => void,
): RemoteLanguageService {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const running = (): Worker => {
    if (worker) return worker;
    const started = new Worker(script, {
      workerData: config,
      resourceLimits: { maxOldGenerationSizeMb: workerHeapLimitMb },
    });
    started.on('message', (response: WorkerResponse) => {
      const call = pending.get(response.id);
      if (!call) return;
      pending.delete(response.id);
      if (response.ok) call.resolve(response.value);
      else call.reject(new Error(response.error));
    });
    started.on('error', (err) => log(`language worker failed: ${err.stack ?? err.message}`));
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      failAll(new Error(`the language worker stopped (exit code ${code})`));
    });
    worker = started;
    return started;
  };

  const call = <T>(serviceCall: ServiceCall, signal?: AbortSignal): Promise<T> => {
    const id = nextId++;
    const target = running();
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => target.postMessage({ kind: 'cancel', id } satisfies WorkerRequest);
      pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value as T);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      target.postMessage({ kind: 'call', id, ...serviceCall } satisfies WorkerRequest);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return {
    validate: (text) => call({ method: 'validate', args: [text] }),
    complete: (text, position, signal) => call({ method: 'complete', args: [text, position] }, signal),
    hover: (text, position, signal) => call({ method: 'hover', args: [text, position] }, signal),
    codeActions: (text, range, diagnostics) => call({ method: 'codeActions', args: [text, range, diagnostics] }),
    pinImages: (text, style) => call({ method: 'pinImages', args: [text, style] }),
    forgetLookups: () => call({ method: 'forgetLookups', args: [] }),
    kubeContext: () => call({ method: 'kubeContext', args: [] }),
    async dispose() {
      const stopping = worker;
      worker = undefined;
      failAll(new Error('the language service was stopped'));
      await stopping?.terminate();
    },
  };
}
