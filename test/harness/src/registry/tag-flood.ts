// A repository with thousands of tags (docker.io/library/node has about 9,000), for tests of
// imports under OpenShift's tag cap. The tags share a few manifests, as a real repository's tags
// share images, so pushing it costs one manifest PUT a tag and nothing else.
import { mapConcurrently } from './concurrency.js';
import { sampleImage } from './fixture-set.js';
import type { FixtureTarget } from './push-fixtures.js';
import { ManifestPusher } from './push-client.js';
import { RegistryHttp } from './registry-http.js';

export interface TagFlood {
  repository: string;
  /** Every tag pushed: `latest` and `MAJOR.MINOR.PATCH` versions. */
  tags: string[];
  /** The manifest digest each tag points to. */
  digestOf(tag: string): string;
}

/** Manifest PUTs in flight: enough to keep the registry busy, few enough for a shared machine. */
const PUTS_IN_FLIGHT = 16;

/**
 * Pushes `tags` tags (default 9,000: `latest` and versions `0.0.0` upwards, 20 patches a minor,
 * 20 minors a major) over `images` distinct images to `repository`.
 */
export async function pushTagFlood(
  registry: FixtureTarget,
  {
    repository = 'bench/tag-flood',
    tags = 9000,
    images = 3,
  }: { repository?: string; tags?: number; images?: number } = {},
): Promise<TagFlood> {
  const builds = Array.from({ length: images }, (_, i) =>
    sampleImage(
      'docker',
      { architecture: 'amd64', os: 'linux' },
      `tag-flood ${i}`,
      `2024-01-0${(i % 9) + 1}T00:00:00Z`,
    ),
  );
  const versions = Array.from(
    { length: tags - 1 },
    (_, i) => `${Math.floor(i / 400)}.${Math.floor(i / 20) % 20}.${i % 20}`,
  );
  const imageOf = new Map<string, number>(versions.map((v, i) => [v, i % images]));
  imageOf.set('latest', (versions.length - 1) % images);
  const http = new RegistryHttp(registry);
  try {
    const pusher = new ManifestPusher(http);
    // One tag per image first, so each image's blobs go up once before the tags race.
    const first = builds.map((_, i) => versions[i] ?? 'latest');
    for (const tag of first) await pusher.push(repository, tag, builds[imageOf.get(tag)!]!);
    const rest = [...imageOf.keys()].filter((tag) => !first.includes(tag));
    await mapConcurrently(rest, PUTS_IN_FLIGHT, (tag) => pusher.push(repository, tag, builds[imageOf.get(tag)!]!));
  } finally {
    await http.close();
  }
  return {
    repository,
    tags: [...imageOf.keys()],
    digestOf: (tag) => builds[imageOf.get(tag)!]!.digest,
  };
}
