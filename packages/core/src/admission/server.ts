// The admission server: one HTTPS listener on every controller replica, answering the API server's
// AdmissionReviews from the informer cache (no registry call, no API call inside a request).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOn, readBody } from '../controller/listen.js';
import type { Logger } from '../controller/log.js';
import type { ControllerMetrics } from '../controller/metrics.js';
import type { ImageStream } from '../imagestream/index.js';
import { workloadKind } from '../workloads/index.js';
import type { KeyPair } from './certificates.js';
import { IMAGE_LOOKUP_PATH, IMAGE_STREAM_STRATEGY_PATH } from './configuration.js';
import { lookupImages, type ImageVerdicts, type StreamLookup } from './image-lookup.js';
import { rememberedVerdicts } from './remembered-verdicts.js';
import { reviewResponse, type AdmissionRequest, type AdmissionReview } from './review.js';
import { imageStreamStrategy } from './strategy.js';
import type { TlsRotator } from './tls-rotator.js';

export interface AdmissionServerOptions {
  /** `host:port`; port 0 picks a free one (tests). */
  bindAddress: string;
  streams: StreamLookup;
  /** Resolves once the stream cache is synced: answering earlier would leave names unresolved. */
  synced: () => Promise<void>;
  tls: Pick<TlsRotator, 'reconcile'>;
  /** How often certificates are checked for renewal (and another replica's rotation picked up). */
  rotationCheckMs: number;
  clock: () => Date;
  log: Logger;
  metrics: Pick<ControllerMetrics, 'admissionReviews' | 'admissionDuration'>;
}

const maxBodyBytes = 3 * 1024 * 1024;

/** A review's answer, and what to log of it once the answer is on its way to the API server. */
interface Decision {
  answer: AdmissionReview;
  log?: () => void;
}

/** The manager Runnable that serves admission on every replica. */
export class AdmissionServer {
  readonly name = 'admission';
  readonly needsLeaderElection = false;
  private server?: Server;
  private served?: KeyPair;
  private readonly verdicts: ImageVerdicts;
  private resolveListening!: (address: string) => void;
  private rejectListening!: (error: unknown) => void;
  /**
   * Resolves with `host:port` once the server accepts connections; rejects with the reason it never
   * will (its Secret, its port). A caller waiting here must learn of the failure even when the
   * controller had already started acting, which the manager's `done` alone does not tell it.
   */
  readonly listening = new Promise<string>((resolve, reject) => {
    this.resolveListening = resolve;
    this.rejectListening = reject;
  });

  constructor(private readonly options: AdmissionServerOptions) {
    this.verdicts = rememberedVerdicts(options.streams);
    // The manager reports the failure too; nobody has to wait here for it to be handled.
    this.listening.catch(() => undefined);
  }

  async start(signal: AbortSignal): Promise<void> {
    let server: Server;
    try {
      server = await this.listen();
    } catch (error) {
      this.rejectListening(error);
      throw error;
    }
    const timer = setInterval(
      () =>
        void this.rotate().catch((error: unknown) =>
          this.options.log.warning('certificate check failed', { error: String(error) }),
        ),
      this.options.rotationCheckMs,
    );
    await new Promise<void>((resolve) =>
      signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    clearInterval(timer);
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<Server> {
    this.served = await this.options.tls.reconcile();
    await this.options.synced();
    const server = createServer(
      { cert: this.served.certPem, key: this.served.keyPem },
      (req, res) => void this.handle(req, res),
    );
    this.server = server;
    const where = await listenOn(server, this.options.bindAddress);
    this.options.log.info('serving admission', { address: where });
    this.resolveListening(where);
    return server;
  }

  /** Checks the certificates now and serves a renewed one at once. */
  async rotate(): Promise<void> {
    const next = await this.options.tls.reconcile();
    if (next.certPem === this.served?.certPem) return;
    this.server?.setSecureContext({ cert: next.certPem, key: next.keyPem });
    this.served = next;
  }

  /** The certificate served now. */
  get servingCertificate(): string | undefined {
    return this.served?.certPem;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== IMAGE_LOOKUP_PATH && path !== IMAGE_STREAM_STRATEGY_PATH)) {
      res.writeHead(404).end();
      return;
    }
    let review: AdmissionReview;
    try {
      review = JSON.parse((await readBody(req, maxBodyBytes)).toString('utf8')) as AdmissionReview;
      if (!review.request?.uid) throw new Error('no request.uid');
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`not an AdmissionReview: ${String(error)}\n`);
      return;
    }
    const webhook = path === IMAGE_LOOKUP_PATH ? 'image-lookup' : 'imagestream-strategy';
    const { answer, log } =
      webhook === 'image-lookup' ? this.lookup(review.request) : { answer: this.strategy(review.request) };
    const body = JSON.stringify(answer);
    // With a length Node writes headers and body at once; without one it frames the answer as
    // chunked transfer encoding, on every review.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    this.options.metrics.admissionDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    // The API server waits on the answer, not on the log line (a synchronous write to a pipe or file).
    log?.();
    const outcome = !answer.response?.allowed ? 'refused' : answer.response.patch ? 'patched' : 'allowed';
    this.options.metrics.admissionReviews.inc({ webhook, outcome });
  }

  private lookup(request: AdmissionRequest): Decision {
    const kind = workloadKind(request.kind.kind);
    if (!kind || kind.group !== request.kind.group || !request.object)
      return { answer: reviewResponse(request.uid, { allowed: true, patch: [] }) };
    const object = request.object;
    const outcome = lookupImages(
      {
        operation: request.operation,
        subResource: request.subResource,
        namespace: request.namespace ?? '',
        kind,
        object,
        oldObject: request.oldObject,
      },
      this.verdicts,
    );
    return {
      answer: reviewResponse(request.uid, outcome),
      log: () => {
        // Named here, after the answer: only the log line needs the name.
        const named = `${kind.kind}/${request.namespace ?? ''}/${request.name || (object.metadata as { generateName?: string } | undefined)?.generateName || ''}`;
        if (!outcome.allowed)
          this.options.log.warning('refused unresolvable image', { object: named, reason: outcome.message });
        else
          for (const r of outcome.resolutions)
            this.options.log.info('resolved image', { object: named, container: r.container, from: r.from, to: r.to });
      },
    };
  }

  private strategy(request: AdmissionRequest): AdmissionReview {
    if (!request.object || request.subResource) return reviewResponse(request.uid, { allowed: true, patch: [] });
    const patch = imageStreamStrategy(
      request.object as unknown as ImageStream,
      request.oldObject as unknown as ImageStream | undefined,
      this.options.clock(),
    );
    return reviewResponse(request.uid, { allowed: true, patch });
  }
}
