// What every cluster command does first: find the cluster from -n/--context/--kubeconfig and the
// environment, and turn the errors a user can fix into `error: ...` lines.
import {
  connectCluster, imageStreamClient, ImageStreamApiMissingError, KubeApiError, KubeconfigError, KubeUnreachableError,
  type ImageStreamClient,
} from '@istream/core/cluster';
import { InvalidNameError, TagCycleError } from '@istream/core/imagestream';
import { InvalidReferenceError } from '@istream/core/reference';
import { CliError } from './errors.js';
import type { ClusterFlags } from './flags.js';
import type { Deps } from './program.js';

export interface CommandCluster {
  client: ImageStreamClient;
  namespace: string;
}

export function openCluster(flags: ClusterFlags, deps: Deps): CommandCluster {
  const connection = asUserError(() => connectCluster(flags, deps.env));
  return { client: imageStreamClient(connection), namespace: connection.namespace };
}

/** kubectl's wording for a stream that does not exist. */
export function streamNotFound(name: string): CliError {
  return new CliError(`imagestreams.image.openshift.io "${name}" not found`);
}

const userErrors = [
  KubeconfigError, KubeApiError, KubeUnreachableError, ImageStreamApiMissingError, InvalidNameError, TagCycleError, InvalidReferenceError,
];

function toUserError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (userErrors.some((type) => error instanceof type)) return new CliError((error as Error).message);
  return error;
}

/** Runs `work`, rethrowing errors the user can act on as CliError. */
export function asUserError<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    throw toUserError(e);
  }
}

export async function asUserErrorAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw toUserError(e);
  }
}
