import { buildImage, buildIndex, type BuiltManifest, type ManifestFormat, type Platform } from './image-builder.js';
import type { ManifestMediaType } from './media-types.js';
import { busyboxFiles } from './runnable-files.js';
import type { TarEntry } from './tar.js';
import { PRIVATE_REPOSITORY_PREFIX } from './token-access.js';

export interface ManifestFixture {
  repository: string;
  /** The tag it is pushed under; absent for manifests pushed only by digest (index children). */
  tag?: string;
  digest: string;
  mediaType: ManifestMediaType;
  size: number;
  /** Single-platform images only. */
  platform?: Platform;
  /** The exact bytes a GET of the manifest returns. */
  bytes: Buffer;
}

export interface IndexFixture extends ManifestFixture {
  amd64: ManifestFixture;
  arm64: ManifestFixture;
}

export type FloatingImage = 'A' | 'B';

export interface FixtureSet {
  /**
   * The seed walkthrough: `ubi:8` starts at image A (`ubi8/ubi:8.0-122`) and is moved to image B
   * (`ubi8/ubi:8.0-154`) by re-pushing the tag. A and B differ in their
   * `/root/buildinfo/Dockerfile-ubi8-8.0-<release>` file and their `created` time; both are also
   * in the `ubi` repository by digest, so `ubi@<digest>` resolves for either. Both really run on
   * the sandbox's node: busybox provides `/bin/bash`, `ls`, `cat` and `sleep`.
   */
  floating: { repository: string; tag: string; A: ManifestFixture; B: ManifestFixture };
  /** OCI image index with linux/amd64 and linux/arm64/v8 OCI images. */
  ociIndex: IndexFixture;
  /**
   * OCI image index whose images really run (busybox, amd64 binaries in both; the arm64 entry only
   * has to make it a valid multi-platform index). `/etc/istream-fixture` names the repository and
   * platform.
   */
  runnableIndex: IndexFixture;
  /** A single Docker schema2 image. */
  dockerSchema2: ManifestFixture;
  /** Docker manifest list with linux/amd64 and linux/arm64/v8 schema2 images. */
  dockerManifestList: IndexFixture;
  /** 209 semver-like tags plus `latest` (= the highest version), each a distinct linux/amd64 image. */
  manyTags: { repository: string; tags: string[]; images: ManifestFixture[] };
  /** Under `private/`: in token mode even pull needs the account. */
  private: ManifestFixture;
}

export interface PushStep {
  repository: string;
  /** Tag, or the manifest's digest to push it untagged. */
  reference: string;
  manifest: BuiltManifest;
}

export interface FixturePlan {
  set: FixtureSet;
  /** Pushes in an order that puts everything a manifest references in place first. */
  steps: PushStep[];
  /** The manifests the floating tag can point at. */
  floatingImages: Record<FloatingImage, BuiltManifest>;
}

const MANY_TAG_VERSIONS = 209;

let cached: FixturePlan | undefined;

/** The fixtures and how to push them; the bytes are the same on every run and machine. */
export function fixturePlan(): FixturePlan {
  cached ??= buildPlan();
  return cached;
}

/** Every fixture's expected digest and media type, without a registry. */
export function fixtureSet(): FixtureSet {
  return fixturePlan().set;
}

/** Every manifest of the set, index children included, each once per repository and tag. */
export function allManifestFixtures(set: FixtureSet): ManifestFixture[] {
  return [
    set.floating.A,
    set.floating.B,
    set.ociIndex,
    set.ociIndex.amd64,
    set.ociIndex.arm64,
    set.runnableIndex,
    set.runnableIndex.amd64,
    set.runnableIndex.arm64,
    set.dockerSchema2,
    set.dockerManifestList,
    set.dockerManifestList.amd64,
    set.dockerManifestList.arm64,
    ...set.manyTags.images,
    set.private,
  ];
}

function buildPlan(): FixturePlan {
  const steps: PushStep[] = [];
  const push = (repository: string, tag: string | undefined, manifest: BuiltManifest): ManifestFixture => {
    steps.push({ repository, reference: tag ?? manifest.digest, manifest });
    return fixture(repository, tag, manifest);
  };

  const ubiA = ubiImage('122', '2019-07-16T13:42:09Z');
  const ubiB = ubiImage('154', '2019-08-27T12:16:38Z');
  const floating = {
    repository: 'ubi',
    tag: '8',
    A: push('ubi8/ubi', '8.0-122', ubiA),
    B: push('ubi8/ubi', '8.0-154', ubiB),
  };
  push(floating.repository, undefined, ubiA);
  push(floating.repository, undefined, ubiB);
  push(floating.repository, floating.tag, ubiA);

  const ociIndex = indexFixture(push, 'multiarch/oci-index', '1.0', 'oci');
  const runnableIndex = indexFixture(push, 'multiarch/runnable', '1.0', 'oci', busyboxFiles());
  const dockerManifestList = indexFixture(push, 'multiarch/manifest-list', '1.0', 'docker');
  const dockerSchema2 = push(
    'docker/schema2',
    '1.0',
    sampleImage('docker', AMD64, 'docker-schema2', '2021-03-01T08:00:00Z'),
  );

  const manyRepository = 'bench/many-tags';
  const versions = semverLikeVersions(MANY_TAG_VERSIONS);
  const versionBuilds = versions.map((version, i) =>
    sampleImage('docker', AMD64, `many-tags ${version}`, hoursAfter('2020-01-01T00:00:00Z', i)),
  );
  const versionImages = versions.map((version, i) => push(manyRepository, version, versionBuilds[i]!));
  const manyTags = {
    repository: manyRepository,
    tags: [...versions, 'latest'],
    images: [...versionImages, push(manyRepository, 'latest', versionBuilds[versionBuilds.length - 1]!)],
  };

  const privateImage = push(
    `${PRIVATE_REPOSITORY_PREFIX}app`,
    '1.0',
    sampleImage('docker', AMD64, 'private app', '2022-05-01T00:00:00Z', busyboxFiles()),
  );

  return {
    set: { floating, ociIndex, runnableIndex, dockerSchema2, dockerManifestList, manyTags, private: privateImage },
    steps,
    floatingImages: { A: ubiA, B: ubiB },
  };
}

const AMD64: Platform = { architecture: 'amd64', os: 'linux' };
const ARM64: Platform = { architecture: 'arm64', os: 'linux', variant: 'v8' };

function ubiImage(release: string, created: string): BuiltManifest {
  const labels = { 'com.redhat.component': 'ubi8-container', name: 'ubi8', version: '8.0', release };
  const dockerfile = [
    'FROM scratch',
    `LABEL ${Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(' ')}`,
    'CMD ["/bin/bash"]',
    '',
  ].join('\n');
  return buildImage({
    format: 'docker',
    platform: AMD64,
    created,
    files: [
      ...busyboxFiles(),
      { path: 'root/' },
      { path: 'root/buildinfo/' },
      { path: `root/buildinfo/Dockerfile-ubi8-8.0-${release}`, content: dockerfile },
    ],
    labels,
    createdBy: `/bin/sh -c #(nop) ADD Dockerfile-ubi8-8.0-${release} /root/buildinfo/`,
  });
}

export function sampleImage(
  format: ManifestFormat,
  platform: Platform,
  name: string,
  created: string,
  extraFiles: TarEntry[] = [],
): BuiltManifest {
  const arch = [platform.architecture, platform.variant].filter(Boolean).join('/');
  return buildImage({
    format,
    platform,
    created,
    files: [
      ...extraFiles,
      { path: 'etc/' },
      { path: 'etc/istream-fixture', content: `${name} ${platform.os}/${arch}\n` },
    ],
    labels: { 'org.opencontainers.image.title': name },
    createdBy: '/bin/sh -c #(nop) ADD istream-fixture /etc/',
  });
}

function indexFixture(
  push: (repository: string, tag: string | undefined, manifest: BuiltManifest) => ManifestFixture,
  repository: string,
  tag: string,
  format: ManifestFormat,
  extraFiles: TarEntry[] = [],
): IndexFixture {
  const created = format === 'oci' ? '2023-02-01T00:00:00Z' : '2023-01-01T00:00:00Z';
  const amd64 = sampleImage(format, AMD64, repository, created, extraFiles);
  const arm64 = sampleImage(format, ARM64, repository, created, extraFiles);
  // The index's push puts its children in place, so only the index is a step.
  const index = push(repository, tag, buildIndex(format, [amd64, arm64]));
  return { ...index, amd64: fixture(repository, undefined, amd64), arm64: fixture(repository, undefined, arm64) };
}

function fixture(repository: string, tag: string | undefined, manifest: BuiltManifest): ManifestFixture {
  return {
    repository,
    ...(tag !== undefined ? { tag } : {}),
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.size,
    ...(manifest.platform ? { platform: manifest.platform } : {}),
    bytes: manifest.bytes,
  };
}

/** `1.0.0` ... counting patch 0-9, minor 0-6, then the next major. */
function semverLikeVersions(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${1 + Math.floor(i / 70)}.${Math.floor(i / 10) % 7}.${i % 10}`);
}

function hoursAfter(start: string, hours: number): string {
  return new Date(Date.parse(start) + hours * 3_600_000).toISOString();
}
