import type { Blob, BuiltManifest } from './image-builder.js';
import type { RegistryHttp, RegistryResponse } from './registry-http.js';

export class PushError extends Error {
  constructor(what: string, status: number, body: string) {
    super(`${what}: registry answered ${status}: ${body}`);
    this.name = 'PushError';
  }
}

/**
 * Pushes built manifests over the Distribution HTTP API: blobs by the two-step upload (POST,
 * then PUT to Location with `digest=`), index children by digest, then the manifest itself.
 * Remembers what it pushed, so shared layers and children go up once per repository.
 */
export class ManifestPusher {
  private readonly present = new Set<string>();

  constructor(private readonly http: RegistryHttp) {}

  /** Pushes the manifest and everything it references; `reference` is a tag or its digest. */
  async push(repository: string, reference: string, manifest: BuiltManifest): Promise<void> {
    for (const child of manifest.children) await this.pushOnce(repository, child);
    for (const blob of manifest.blobs) await this.pushBlobOnce(repository, blob);
    const scope = pushScope(repository);
    const response = await this.http.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      scope,
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
    });
    await expectStatus(response, 201, `PUT manifest ${repository}:${reference}`);
    const stored = response.header('docker-content-digest');
    if (stored !== manifest.digest) {
      throw new Error(`registry stored ${repository}:${reference} as ${stored}, expected ${manifest.digest}`);
    }
    this.present.add(`${repository}@${manifest.digest}`);
  }

  /** Uploads the manifest's blobs only (not yet present), so a later push is one manifest PUT. */
  async pushBlobs(repository: string, manifest: BuiltManifest): Promise<void> {
    for (const blob of manifest.blobs) await this.pushBlobOnce(repository, blob);
  }

  private async pushOnce(repository: string, manifest: BuiltManifest): Promise<void> {
    if (!this.present.has(`${repository}@${manifest.digest}`)) await this.push(repository, manifest.digest, manifest);
  }

  private async pushBlobOnce(repository: string, blob: Blob): Promise<void> {
    const key = `${repository}@${blob.digest}`;
    if (this.present.has(key)) return;
    const scope = pushScope(repository);
    const started = await this.http.request('POST', `/v2/${repository}/blobs/uploads/`, { scope });
    await expectStatus(started, 202, `start blob upload to ${repository}`);
    const location = started.header('location');
    if (!location) throw new Error(`blob upload to ${repository} answered without a Location`);
    // Location already carries the upload state as a query, so the digest is appended to it.
    const target = new URL(location, started.url);
    target.searchParams.append('digest', blob.digest);
    const finished = await this.http.request('PUT', target.pathname + target.search, {
      scope,
      headers: { 'content-type': 'application/octet-stream' },
      body: blob.bytes,
    });
    await expectStatus(finished, 201, `upload blob ${blob.digest} to ${repository}`);
    this.present.add(key);
  }
}

function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

async function expectStatus(response: RegistryResponse, status: number, what: string): Promise<void> {
  const body = await response.text();
  if (response.status !== status) throw new PushError(what, response.status, body);
}
