// kubectl istream why WORKLOAD|STREAM[:TAG]: why a workload has the images it has, or where a
// stream tag's imports stand. Reads only; the explanations live in printers/why.ts.
import type { Command } from 'commander';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { KubeApiError, toKubeError, type ImageStreamClient } from '@istream/core/cluster';
import { parseStreamTag, type ImageStream } from '@istream/core/imagestream';
import { asUserError, asUserErrorAsync, openCluster, streamNotFound } from '../connect.js';
import { CliError } from '../errors.js';
import { addClusterFlags, type ClusterFlags } from '../flags.js';
import { explainStreamTag, explainWorkload, triggerStreams, type EventFact, type StreamFact } from '../printers/why.js';
import type { CommandModule, Deps } from '../program.js';
import { TRIGGERABLE_KINDS } from '@istream/core/workloads';
import { typeByName, WorkloadClient } from '../workloads.js';

export interface WhyOptions extends ClusterFlags {
  target: string;
  now?: () => Date;
}

interface EventObject {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  metadata?: { creationTimestamp?: string };
}

async function streamFact(client: ImageStreamClient, namespace: string, name: string): Promise<StreamFact> {
  try {
    return (await client.get(namespace, name)) ?? 'not-found';
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 403) return 'forbidden';
    throw e;
  }
}

async function workloadEvents(client: ImageStreamClient, namespace: string, name: string): Promise<EventFact[]> {
  const api = KubernetesObjectApi.makeApiClient(client.connection.kubeConfig);
  try {
    const list = await api.list('v1', 'Event', namespace, undefined, undefined, undefined, `involvedObject.name=${name}`);
    return (list.items as EventObject[]).map((e) => ({
      type: e.type ?? '', reason: e.reason ?? '', message: e.message ?? '',
      time: String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? ''),
    }));
  } catch (e) {
    const error = toKubeError(e, client.connection.server);
    // Events are the controller's side of the story; without read access the rest still answers.
    if (error instanceof KubeApiError && error.status === 403) return [];
    throw error;
  }
}

export async function runWhy(options: WhyOptions, deps: Deps): Promise<void> {
  const now = (options.now ?? (() => new Date()))();
  const { client, namespace } = openCluster(options, deps);
  const slash = options.target.indexOf('/');
  if (slash >= 0) {
    const type = typeByName(options.target.slice(0, slash));
    const name = options.target.slice(slash + 1);
    if (!('kind' in type)) {
      const kinds = TRIGGERABLE_KINDS.map((k) => k.resource).join(', ');
      throw new CliError(`why explains workloads with triggers (${kinds}) and image streams, not ${type.resource}`);
    }
    await asUserErrorAsync(async () => {
      const workloads = new WorkloadClient(client.connection);
      const object = await workloads.get(type, namespace, name);
      const streams = new Map<string, StreamFact>();
      for (const source of triggerStreams(object, namespace)) {
        streams.set(`${source.namespace}/${source.name}`, await streamFact(client, source.namespace, source.name));
      }
      const events = await workloadEvents(client, namespace, name);
      deps.io.out.write(explainWorkload({ kind: type, object, namespace, streams, events, now }));
    });
    return;
  }
  const parsed = asUserError(() => parseStreamTag(options.target));
  const name = parsed.stream;
  const tag = parsed.explicitTag ? parsed.tag : undefined;
  await asUserErrorAsync(async () => {
    const stream: ImageStream | undefined = await client.get(namespace, name);
    if (stream === undefined) throw streamNotFound(name);
    const known = [...new Set([...(stream.spec.tags ?? []).map((t) => t.name), ...(stream.status?.tags ?? []).map((t) => t.tag)])];
    if (tag !== undefined && !known.includes(tag)) {
      throw new CliError(`image stream ${name} has no tag ${tag} (tags: ${known.join(', ') || 'none'})`);
    }
    const tags = tag !== undefined ? [tag] : known;
    if (tags.length === 0) deps.io.out.write(`imagestream ${namespace}/${name} has no tags\n`);
    deps.io.out.write(tags.map((t) => explainStreamTag(stream, t, now)).join('\n'));
  });
}

export const whyCommand: CommandModule = {
  register(program: Command, deps: Deps) {
    const cmd = program.command('why')
      .argument('<target>', 'a workload (deployment/NAME, statefulset/NAME, ...) or an image stream (NAME or NAME:TAG)')
      .description('Explain why a workload has the images it has, or where a stream tag\'s imports stand')
      .addHelpText('after', '\nExamples:\n  kubectl istream why deployment/web\n  kubectl istream why ruby:3.2\n');
    addClusterFlags(cmd);
    cmd.action(async (target: string, opts: ClusterFlags) => runWhy({ ...opts, target }, deps));
  },
};
