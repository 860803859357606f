// The language service in its own thread: parsing a megabyte of annotation, or a registry that
// answers slowly, must never stall VS Code's extension host, which every extension shares.
import { parentPort, workerData } from 'node:worker_threads';
import { createLanguageService, type LanguageService, type WorkspaceImageStream } from '@istream/core/language';
import { clusterOff } from './kube-context-status.js';
import { clusterLookups } from './lazy-chunks.js';
import { clusterTimeoutMs, serviceOptions, type WorkerConfig } from './service-options.js';
import type { ServiceCall, WorkerRequest, WorkerResponse } from './worker-protocol.js';
import { workspaceImageStreams } from './workspace-streams.js';

const port = parentPort;
if (!port) throw new Error('language-worker runs only as a worker thread');

const config = workerData as WorkerConfig;
const service: LanguageService = createLanguageService(serviceOptions(config));
const inFlight = new Map<number, AbortController>();

/**
 * The workspace's ImageStreams for validation, which is synchronous: validate uses the last scan
 * and starts a new one when it is a minute old, so a stream edited in another file counts from
 * the next validation on.
 */
const workspaceScanMs = 60_000;
let imageStreams: readonly WorkspaceImageStream[] = [];
let scannedAt = -Infinity;
function knownImageStreams(): readonly WorkspaceImageStream[] {
  if (Date.now() - scannedAt > workspaceScanMs) {
    scannedAt = Date.now();
    workspaceImageStreams(
      config.workspaceFolders,
      (text) => service.imageStreams(text),
      new AbortController().signal,
    ).then(
      (found) => {
        imageStreams = found;
      },
      () => undefined,
    );
  }
  return imageStreams;
}

async function answer(call: ServiceCall, signal: AbortSignal): Promise<unknown> {
  switch (call.method) {
    case 'validate':
      return service.validate(...call.args, { imageStreams: knownImageStreams() });
    case 'complete':
      return service.complete(...call.args, signal);
    case 'hover':
      return service.hover(...call.args, signal);
    case 'codeActions':
      return service.codeActions(...call.args);
    case 'pinImages':
      return service.pinImages(...call.args);
    case 'forgetLookups':
      return service.forgetLookups();
    case 'kubeContext': {
      const { clusterEnabled, clusterContext } = config.settings;
      if (!clusterEnabled) return clusterOff;
      const { resolveKubeContext } = await clusterLookups();
      return resolveKubeContext({
        clusterEnabled,
        configuredContext: clusterContext,
        env: process.env,
        timeoutMs: clusterTimeoutMs,
      });
    }
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'cancel') {
    inFlight.get(request.id)?.abort();
    return;
  }
  const controller = new AbortController();
  inFlight.set(request.id, controller);
  answer(request, controller.signal)
    .then(
      (value): WorkerResponse => ({ id: request.id, ok: true, value }),
      (err: unknown): WorkerResponse => ({
        id: request.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      }),
    )
    .then((response) => {
      inFlight.delete(request.id);
      port.postMessage(response);
    });
});
