import { readTriggers, type EffectiveTrigger } from '../triggers/index.js';
import { containerImageAt } from './cursor.js';
import { MAX_ALIAS_COUNT, plainObject, type Container, type ParsedFile, type Resource } from './document.js';
import type { Hover, ImageDescription, StreamTagInfo } from './types.js';

export interface HoverContext {
  /** The image lookup with its deadline and cache; rejects with a message fit for the user. */
  describe(reference: string, signal?: AbortSignal): Promise<ImageDescription>;
  /** Stream tags from the open text and beyond; resolves to what it has by the deadline. */
  streamTags(signal?: AbortSignal): Promise<StreamTagInfo[]>;
  /** Whether an image lookup is configured at all. */
  canDescribe: boolean;
}

/** On an `image:` value: what the reference resolves to and, if triggered, the stream tag behind it. */
export async function hover(file: ParsedFile, offset: number, context: HoverContext, signal?: AbortSignal): Promise<Hover | null> {
  const hit = containerImageAt(file, offset);
  const image = hit?.container.image;
  if (!hit || !image) return null;
  const trigger = triggerOf(hit.resource, hit.container);
  const [described, tags] = await Promise.all([
    context.canDescribe ? context.describe(image.value, signal).then((d) => ({ ok: true as const, d }), (e: unknown) => ({ ok: false as const, e })) : undefined,
    trigger ? context.streamTags(signal) : Promise.resolve([]),
  ]);
  const lines = [`**${image.value}**`, ''];
  if (described?.ok) lines.push(...describeImage(described.d));
  else if (described) lines.push(`Registry: ${described.e instanceof Error ? described.e.message : String(described.e)}`);
  if (trigger) lines.push('', ...describeTrigger(trigger, hit.resource, tags));
  return { contents: lines.join('\n'), range: file.lines.range(image.span[0], image.span[1]) };
}

function describeImage(d: ImageDescription): string[] {
  const lines = [`Digest: \`${d.digest}\`${d.platforms?.length ? ' (index)' : ''}`];
  if (d.created) lines.push(`Created: ${d.created}`);
  for (const p of d.platforms ?? []) lines.push(`- ${p.platform}: \`${p.digest}\`${p.created ? ` (created ${p.created})` : ''}`);
  return lines;
}

function describeTrigger(t: EffectiveTrigger, resource: Resource, tags: StreamTagInfo[]): string[] {
  const name = `${t.stream}:${t.tag}`;
  const namespace = t.namespace ?? resource.namespace;
  const lines = [`Triggered by ImageStreamTag \`${name}\`${t.namespace ? ` in namespace ${t.namespace}` : ''}${t.paused ? ' (paused)' : ''}`];
  const info = tags.find((s) => s.name === name && (namespace === undefined || s.namespace === undefined || s.namespace === namespace));
  if (!info?.current) {
    lines.push(info ? 'The tag has no image yet.' : 'The stream tag is not in this file, the workspace or the cluster.');
    return lines;
  }
  lines.push(`Current: \`${info.current.dockerImageReference ?? info.current.image}\`${info.current.created ? ` (${info.current.created})` : ''}`);
  if (info.history?.length) {
    lines.push('History:');
    for (const h of info.history) lines.push(`- \`${h.image}\`${h.created ? ` (${h.created})` : ''}`);
  }
  return lines;
}

/** The trigger that updates this container, as OpenShift would find it. */
function triggerOf(resource: Resource, container: Container): EffectiveTrigger | undefined {
  const value = resource.annotation?.text?.value;
  if (value === undefined) return undefined;
  return readTriggers(value, plainObject(resource, MAX_ALIAS_COUNT)).triggers.find((t) => t.container?.init === container.init && t.container.index === container.index);
}
