// kubectl istream why WORKLOAD|STREAM[:TAG]: why a workload has the images it has, or where a
// stream tag's imports stand. Reads only; the explanations live in printers/why.ts.
import { eventsAbout, KubeApiError, type ImageStreamClient } from '@istream/core/cluster';
import { parseStreamTag, type ImageStream } from '@istream/core/imagestream';
import { TRIGGERABLE_KINDS } from '@istream/core/workloads';
import { CliError, streamNotFound } from '../errors.js';
import type { Factory } from '../factory.js';
import { explainStreamTag, explainWorkload, triggerStreams, type EventFact, type StreamFact } from '../printers/why.js';
import { typeByName, WorkloadClient } from '../workloads.js';

export interface WhyOptions {
  target: string;
  now?: () => Date;
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
  try {
    return (await eventsAbout(client.connection, namespace, name)).map((e) => ({
      type: e.type ?? '',
      reason: e.reason ?? '',
      message: e.message ?? '',
      time: String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? ''),
    }));
  } catch (e) {
    // Events are the controller's side of the story; without read access the rest still answers.
    if (e instanceof KubeApiError && e.status === 403) return [];
    throw e;
  }
}

export async function runWhy(options: WhyOptions, factory: Factory): Promise<void> {
  const now = (options.now ?? (() => new Date()))();
  const { streams: client, namespace } = await factory.cluster();
  const slash = options.target.indexOf('/');
  if (slash >= 0) {
    const type = typeByName(options.target.slice(0, slash));
    const name = options.target.slice(slash + 1);
    if (!('kind' in type)) {
      const kinds = TRIGGERABLE_KINDS.map((k) => k.resource).join(', ');
      throw new CliError(`why explains workloads with triggers (${kinds}) and image streams, not ${type.resource}`);
    }
    const workloads = new WorkloadClient(client.connection);
    const object = await workloads.get(type, namespace, name);
    const streams = new Map<string, StreamFact>();
    for (const source of triggerStreams(object, namespace)) {
      streams.set(`${source.namespace}/${source.name}`, await streamFact(client, source.namespace, source.name));
    }
    const events = await workloadEvents(client, namespace, name);
    factory.io.out.write(explainWorkload({ kind: type, object, namespace, streams, events, now }));
    return;
  }
  const parsed = parseStreamTag(options.target);
  const name = parsed.stream;
  const tag = parsed.explicitTag ? parsed.tag : undefined;
  const stream: ImageStream | undefined = await client.get(namespace, name);
  if (stream === undefined) throw streamNotFound(name);
  const known = [
    ...new Set([...(stream.spec.tags ?? []).map((t) => t.name), ...(stream.status?.tags ?? []).map((t) => t.tag)]),
  ];
  if (tag !== undefined && !known.includes(tag)) {
    throw new CliError(`image stream ${name} has no tag ${tag} (tags: ${known.join(', ') || 'none'})`);
  }
  const tags = tag !== undefined ? [tag] : known;
  if (tags.length === 0) factory.io.out.write(`imagestream ${namespace}/${name} has no tags\n`);
  factory.io.out.write(tags.map((t) => explainStreamTag(stream, t, now)).join('\n'));
}
