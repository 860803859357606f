// Keeps the webhook's CA and serving certificate in a Secret the controller owns, and the webhook
// configurations' caBundle current, so no cert-manager is needed. Every replica runs it: writes
// carry the resourceVersion, so when two replicas rotate at once one wins and the other serves
// what the winner stored.
import { isNotFound, resourcePath, retryOnConflict, type KubeClient, type KubeObject } from '../cluster/index.js';
import type { Logger } from '../controller/log.js';
import {
  createCertificateAuthority,
  expired,
  issueServingCertificate,
  pemCertificates,
  renewalDue,
  signedBy,
  type KeyPair,
} from './certificates.js';

/** Marks the Secrets this controller created; any other Secret of that name is left alone. */
export const TLS_SECRET_LABELS = {
  'app.kubernetes.io/managed-by': 'istream',
  'istream.io/certificate': 'admission',
} as const;

export interface TlsRotatorOptions {
  api: KubeClient;
  secret: { namespace: string; name: string };
  /** Names and addresses the API server reaches the webhook by (`svc.ns.svc`, `127.0.0.1`). */
  hosts: readonly string[];
  /** MutatingWebhookConfigurations whose webhooks get the caBundle. */
  webhookConfigurations: readonly string[];
  clock: () => Date;
  /**
   * How long the API server may take to see a new caBundle (its informer) before a certificate
   * from the new CA is served; serving it sooner would fail admissions in between.
   */
  bundlePropagationMs: number;
  log: Logger;
}

interface TlsState {
  /** Current CA first, then older CAs still trusted during the overlap. */
  cas: string[];
  caKey: string;
  serving: KeyPair;
}

interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined): string => Buffer.from(text ?? '', 'base64').toString('utf8');

/** The Secret exists but istream did not create it. */
export class ForeignSecretError extends Error {
  constructor(namespace: string, name: string) {
    super(
      `Secret ${namespace}/${name} exists but was not created by istream (it lacks the label ` +
        `app.kubernetes.io/managed-by=istream), so the admission server will not overwrite it; delete it or name another Secret for the admission certificates`,
    );
    this.name = 'ForeignSecretError';
  }
}

export class TlsRotator {
  constructor(private readonly options: TlsRotatorOptions) {}

  private get secretPath(): string {
    return resourcePath('v1', 'secrets', this.options.secret.namespace, this.options.secret.name);
  }

  /** Creates or rotates what is due and returns the serving certificate to serve now. */
  async reconcile(): Promise<KeyPair> {
    const state = await retryOnConflict(() => this.step());
    await this.publishBundle(state.cas.join(''));
    return state.serving;
  }

  private async read(): Promise<{ secret?: SecretObject; state?: TlsState }> {
    let secret: SecretObject;
    try {
      secret = await this.options.api.call<SecretObject>(this.secretPath);
    } catch (error) {
      if (isNotFound(error)) return {};
      throw error;
    }
    const labels = secret.metadata?.labels ?? {};
    if (Object.entries(TLS_SECRET_LABELS).some(([k, v]) => labels[k] !== v))
      throw new ForeignSecretError(this.options.secret.namespace, this.options.secret.name);
    const d = secret.data ?? {};
    const cas = pemCertificates(unb64(d['ca.crt']));
    if (cas.length === 0 || !d['ca.key'] || !d['tls.crt'] || !d['tls.key']) return { secret };
    return {
      secret,
      state: { cas, caKey: unb64(d['ca.key']), serving: { certPem: unb64(d['tls.crt']), keyPem: unb64(d['tls.key']) } },
    };
  }

  private async write(secret: SecretObject | undefined, state: TlsState): Promise<void> {
    const { namespace, name } = this.options.secret;
    const body: SecretObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        ...(secret?.metadata ?? {}),
        name,
        namespace,
        labels: { ...(secret?.metadata?.labels ?? {}), ...TLS_SECRET_LABELS },
      },
      data: {
        'tls.crt': b64(state.serving.certPem),
        'tls.key': b64(state.serving.keyPem),
        'ca.crt': b64(state.cas.join('')),
        'ca.key': b64(state.caKey),
      },
    };
    if (secret) await this.options.api.call(this.secretPath, { method: 'PUT', body });
    else await this.options.api.call(resourcePath('v1', 'secrets', namespace), { method: 'POST', body });
  }

  /** One read-decide-write pass; a conflict (another replica wrote first) starts it again. */
  private async step(): Promise<TlsState> {
    const { log, clock, hosts } = this.options;
    const found = await this.read();
    let secret = found.secret;
    if (!found.state) {
      const ca = await createCertificateAuthority('istream-admission-ca', clock());
      const created = {
        cas: [ca.certPem],
        caKey: ca.keyPem,
        serving: await issueServingCertificate(ca, hosts, clock()),
      };
      await this.write(secret, created);
      log.info('admission certificates created', {
        secret: `${this.options.secret.namespace}/${this.options.secret.name}`,
      });
      return created;
    }
    let state: TlsState = found.state;
    if (renewalDue(state.cas[0]!, clock())) {
      // The new CA is trusted first, while the old one still signs what is served.
      const ca = await createCertificateAuthority('istream-admission-ca', clock());
      state = { ...state, cas: [ca.certPem, ...state.cas], caKey: ca.keyPem };
      await this.write(secret, state);
      log.info('admission CA rotated; the previous CA stays trusted until it expires', {});
      await this.publishBundle(state.cas.join(''));
      await new Promise((r) => setTimeout(r, this.options.bundlePropagationMs));
      secret = (await this.read()).secret;
    }
    const current = { certPem: state.cas[0]!, keyPem: state.caKey };
    const reissue = !signedBy(state.serving.certPem, current.certPem) || renewalDue(state.serving.certPem, clock());
    const serving = reissue ? await issueServingCertificate(current, hosts, clock()) : state.serving;
    // An expired CA leaves the bundle only once the stored certificate is no longer its own: until
    // every replica serves the new certificate, the API server must still trust the old one.
    const cas = [
      state.cas[0]!,
      ...state.cas.slice(1).filter((ca) => !expired(ca, clock()) || signedBy(state.serving.certPem, ca)),
    ];
    if (reissue || cas.length !== state.cas.length) {
      state = { ...state, cas, serving };
      await this.write(secret, state);
      if (reissue) log.info('admission serving certificate renewed', {});
    }
    return state;
  }

  /** Sets caBundle on every webhook of the named configurations that lacks it. */
  private async publishBundle(bundle: string): Promise<void> {
    const caBundle = b64(bundle);
    for (const name of this.options.webhookConfigurations) {
      const path = resourcePath('admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations', undefined, name);
      await retryOnConflict(async () => {
        let config: KubeObject & { webhooks?: Array<{ clientConfig?: { caBundle?: string } }> };
        try {
          config = await this.options.api.call(path);
        } catch (error) {
          if (isNotFound(error)) return;
          throw error;
        }
        const stale = (config.webhooks ?? []).filter((w) => w.clientConfig?.caBundle !== caBundle);
        if (stale.length === 0) return;
        for (const w of stale) w.clientConfig = { ...w.clientConfig, caBundle };
        await this.options.api.call(path, { method: 'PUT', body: config });
      });
    }
  }
}
