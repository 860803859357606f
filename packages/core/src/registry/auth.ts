// Answers registry challenges: Basic with the credential found for the registry, Bearer with a
// token from the realm, cached per registry and scope until it expires. When a token service
// rejects the credentials, the token is asked for anonymously instead, as OpenShift's importer does
// (a stale pull secret must not break public images).
import { parseChallenges, type Challenge } from './challenge.js';
import type { RequestCounts } from './counts.js';
import type { CredentialSource, FoundCredential } from './credentials.js';
import { RegistryAuthError, RegistryResponseError } from './errors.js';
import type { Transport } from './transport.js';

export interface AuthContext {
  /** The registry host, e.g. `127.0.0.1:5000`, `registry-1.docker.io`. */
  registry: string;
  /** The reference's domain, under which credentials are stored (`docker.io` for Docker Hub). */
  credentialKey: string;
  /** Repository path, e.g. `library/ubuntu`. */
  repository: string;
  insecure: boolean;
  tally?: RequestCounts;
  signal?: AbortSignal;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** How the last authorization for a registry and scope was obtained; explains a final 401. */
type Provenance = { kind: 'none' } | { kind: 'credentials'; source: string } | { kind: 'rejected'; source: string };

const defaultTokenLifetimeSeconds = 60; // the distribution token spec's default for a missing expires_in

export class Authenticator {
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pendingTokens = new Map<string, Promise<string>>();
  private readonly credentialLookups = new Map<string, Promise<FoundCredential | undefined>>();
  private readonly provenance = new Map<string, Provenance>();
  /** Registries whose token service rejected our credentials (and from where they came): ask anonymously from then on. */
  private readonly rejected = new Map<string, string>();

  constructor(
    private readonly transport: Transport,
    private readonly credentials?: CredentialSource,
  ) {}

  /** The Authorization header to send, from what is already known; undefined before any challenge. */
  async authorization(ctx: AuthContext): Promise<string | undefined> {
    const challenge = this.challenges.get(ctx.registry);
    if (!challenge) return undefined;
    return challenge.scheme === 'basic' ? this.basic(ctx, false) : this.bearer(ctx, challenge, false);
  }

  /** After a 401: learns the challenge and returns the header to retry with; throws when there is none. */
  async answer(ctx: AuthContext, header: string | null, sent: string | undefined): Promise<string> {
    const challenges = parseChallenges(header ?? '');
    const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (!challenge) {
      throw new RegistryAuthError(
        'unauthorized',
        ctx.registry,
        ctx.repository,
        `the registry answered 401 with no Basic or Bearer challenge (WWW-Authenticate: ${header ?? 'missing'})`,
      );
    }
    this.challenges.set(ctx.registry, challenge);
    if (challenge.scheme === 'basic') return this.basic(ctx, sent?.startsWith('Basic ') === true);
    if (sent?.startsWith('Bearer ')) this.tokens.delete(tokenKey(ctx)); // expired or too narrow: ask again
    return this.bearer(ctx, challenge, true);
  }

  /** Why the registry still says 401 after the challenge was answered. */
  explainRefusal(ctx: AuthContext): string {
    const how = this.provenance.get(tokenKey(ctx)) ?? { kind: 'none' };
    switch (how.kind) {
      case 'none':
        return (
          this.credentials?.explainMissing?.(ctx.credentialKey) ??
          `no credentials for ${ctx.credentialKey} were found (run "docker login ${ctx.credentialKey}", ` +
            'or give the namespace a pull secret for it)'
        );
      case 'credentials':
        return `the registry refused the credentials from ${how.source} (wrong username or password, or no pull access)`;
      case 'rejected':
        return (
          `the token service rejected the credentials from ${how.source} (wrong username or password?), ` +
          'and anonymous access is not allowed'
        );
    }
  }

  private async basic(ctx: AuthContext, alreadySent: boolean): Promise<string> {
    const found = await this.lookup(ctx);
    if (!found?.credential.username || found.credential.password === undefined) {
      this.provenance.set(tokenKey(ctx), { kind: 'none' });
      throw new RegistryAuthError('unauthorized', ctx.registry, ctx.repository, this.explainRefusal(ctx));
    }
    this.provenance.set(tokenKey(ctx), { kind: 'credentials', source: found.source });
    if (alreadySent)
      throw new RegistryAuthError('unauthorized', ctx.registry, ctx.repository, this.explainRefusal(ctx));
    const { username, password } = found.credential;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private async bearer(ctx: AuthContext, challenge: Challenge, fresh: boolean): Promise<string> {
    const key = tokenKey(ctx);
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      pending = this.fetchToken(ctx, challenge).finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  private async fetchToken(ctx: AuthContext, challenge: Challenge): Promise<string> {
    const key = tokenKey(ctx);
    const realm = challenge.params.realm;
    if (!realm || !/^https?:\/\//i.test(realm)) {
      throw new RegistryAuthError(
        'unauthorized',
        ctx.registry,
        ctx.repository,
        `the registry's Bearer challenge has no usable realm (${realm ?? 'missing'})`,
      );
    }
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', scopeOf(ctx));

    const rejectedSource = this.rejected.get(ctx.registry);
    const found = rejectedSource === undefined ? await this.lookup(ctx) : undefined;
    if (found?.credential.registryToken) {
      this.provenance.set(key, { kind: 'credentials', source: found.source });
      return found.credential.registryToken;
    }
    let response = await this.requestToken(ctx, url, found);
    const refused = () => response.status === 401 || response.status === 403;
    if (refused() && found) {
      this.rejected.set(ctx.registry, found.source);
      response = await this.requestToken(ctx, url, undefined);
    }
    const rejectedBy = this.rejected.get(ctx.registry);
    this.provenance.set(
      key,
      rejectedBy !== undefined
        ? { kind: 'rejected', source: rejectedBy }
        : found
          ? { kind: 'credentials', source: found.source }
          : { kind: 'none' },
    );
    if (refused()) {
      throw new RegistryAuthError('unauthorized', ctx.registry, ctx.repository, this.explainRefusal(ctx));
    }
    if (response.status !== 200) {
      throw new RegistryResponseError(url.host, response.status, `the token request for ${ctx.repository}`, '');
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(response.body.toString('utf8')) as typeof body;
    } catch {
      throw new RegistryResponseError(
        url.host,
        response.status,
        `the token request for ${ctx.repository}`,
        'the answer is not JSON',
      );
    }
    const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryResponseError(
        url.host,
        response.status,
        `the token request for ${ctx.repository}`,
        'the answer has no token',
      );
    }
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : defaultTokenLifetimeSeconds;
    // Renew a little early so that a token never expires between sending and arriving.
    const margin = Math.min(10, lifetime / 10);
    this.tokens.set(key, { token, expiresAt: Date.now() + (lifetime - margin) * 1000 });
    return token;
  }

  private requestToken(ctx: AuthContext, url: URL, found: FoundCredential | undefined) {
    const credential = found?.credential;
    const base = {
      target: { url: url.href },
      kind: 'token' as const,
      what: `token request for ${ctx.repository}`,
      insecure: ctx.insecure,
      maxBodyBytes: 1024 * 1024,
      ...(ctx.tally ? { tally: ctx.tally } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    };
    if (credential?.identityToken) {
      // OAuth2 refresh-token grant, as docker does for an identity token.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.identityToken,
        client_id: 'istream',
        service: url.searchParams.get('service') ?? '',
        scope: url.searchParams.get('scope') ?? '',
      });
      return this.transport.send({
        ...base,
        target: { url: `${url.origin}${url.pathname}` },
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    }
    const headers: Record<string, string> =
      credential?.username && credential.password !== undefined
        ? { authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` }
        : {};
    return this.transport.send({ ...base, method: 'GET', headers });
  }

  private lookup(ctx: AuthContext): Promise<FoundCredential | undefined> {
    if (!this.credentials) return Promise.resolve(undefined);
    const key = `${ctx.credentialKey}/${ctx.repository}`;
    let found = this.credentialLookups.get(key);
    if (!found) {
      found = this.credentials.lookup(ctx.credentialKey, ctx.repository);
      this.credentialLookups.set(key, found);
    }
    return found;
  }
}

function scopeOf(ctx: AuthContext): string {
  return `repository:${ctx.repository}:pull`;
}

function tokenKey(ctx: AuthContext): string {
  return `${ctx.registry}|${scopeOf(ctx)}`;
}
