import { mapConcurrently } from './concurrency.js';
import {
  fixturePlan,
  type FixtureSet,
  type FloatingImage,
  type ManifestFixture,
  type PushStep,
} from './fixture-set.js';
import { ManifestPusher } from './push-client.js';
import { RegistryHttp, type RegistryAccess } from './registry-http.js';

export interface Fixtures extends FixtureSet {
  /** The registry they were pushed to, as image references name it. */
  host: string;
  /** `HOST/REPOSITORY:TAG`, or `HOST/REPOSITORY@DIGEST` for a manifest pushed without a tag. */
  reference(fixture: ManifestFixture): string;
  /** `HOST/REPOSITORY@DIGEST`; `repository` picks another repository the manifest is in. */
  digestReference(fixture: ManifestFixture, repository?: string): string;
  /**
   * Points the floating tag at image A or B by pushing that manifest over the tag, as the seed's
   * `skopeo copy` does, and returns what the tag now resolves to.
   */
  moveFloatingTag(to: FloatingImage): Promise<ManifestFixture>;
}

export type FixtureTarget = RegistryAccess & { host: string };

const CONCURRENT_PUSHES = 4;

/** Pushes every fixture (with the account, when the registry has one) and describes them. */
export async function pushFixtures(registry: FixtureTarget): Promise<Fixtures> {
  const plan = fixturePlan();
  await withPusher(registry, (pusher) =>
    mapConcurrently(plan.steps, CONCURRENT_PUSHES, (step: PushStep) =>
      pusher.push(step.repository, step.reference, step.manifest),
    ),
  );

  const digestReference = (fixture: ManifestFixture, repository = fixture.repository): string =>
    `${registry.host}/${repository}@${fixture.digest}`;
  return {
    ...plan.set,
    host: registry.host,
    reference: (fixture) =>
      fixture.tag === undefined ? digestReference(fixture) : `${registry.host}/${fixture.repository}:${fixture.tag}`,
    digestReference,
    moveFloatingTag: async (to) => {
      const { repository, tag } = plan.set.floating;
      await withPusher(registry, (pusher) => pusher.push(repository, tag, plan.floatingImages[to]));
      return { ...plan.set.floating[to], repository, tag };
    },
  };
}

async function withPusher<T>(registry: RegistryAccess, work: (pusher: ManifestPusher) => Promise<T>): Promise<T> {
  const http = new RegistryHttp(registry);
  try {
    return await work(new ManifestPusher(http));
  } finally {
    await http.close();
  }
}
