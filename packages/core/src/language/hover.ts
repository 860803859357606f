import { readTriggers, type EffectiveTrigger } from '../triggers/index.js';
import { containerImageAt } from './cursor.js';
import { fieldHover } from './field-hover.js';
import { MAX_ALIAS_COUNT, plainObject, type Container, type ParsedFile, type Resource } from './document.js';
import type { Hover, ImageDescription, StreamTagAnswer } from './types.js';

export interface HoverContext {
  /** The image lookup with its deadline and cache; rejects with a message fit for the user. */
  describe(reference: string, signal?: AbortSignal): Promise<ImageDescription>;
  /** Stream tags from the open text and beyond, and the sources that failed; resolves by the deadline. */
  streamTags(signal?: AbortSignal): Promise<StreamTagAnswer>;
  /** Whether an image lookup is configured at all. */
  canDescribe: boolean;
}

/** On an `image:` value: what the reference resolves to and, if triggered, the stream tag behind it. */
export async function hover(
  file: ParsedFile,
  offset: number,
  context: HoverContext,
  signal?: AbortSignal,
): Promise<Hover | null> {
  const docs = fieldHover(file, offset);
  if (docs) return docs;
  const hit = containerImageAt(file, offset);
  const image = hit?.container.image;
  if (!hit || !image) return null;
  const trigger = triggerOf(hit.resource, hit.container);
  const [described, tags] = await Promise.all([
    context.canDescribe
      ? context.describe(image.value, signal).then(
          (d) => ({ ok: true as const, d }),
          (e: unknown) => ({ ok: false as const, e }),
        )
      : undefined,
    trigger ? context.streamTags(signal) : Promise.resolve({ tags: [], failures: [] }),
  ]);
  const lines = [`**${image.value}**`, ''];
  if (described?.ok) lines.push(...describeImage(described.d));
  else if (described)
    lines.push(`Registry: ${described.e instanceof Error ? described.e.message : String(described.e)}`);
  if (trigger) lines.push('', ...describeTrigger(trigger, hit.resource, tags));
  return { contents: markdownLines(lines), range: file.lines.range(image.span[0], image.span[1]) };
}

/**
 * Each line its own paragraph: Markdown joins lines separated by one line break into one, and the
 * hover would run `Digest: ...` and `Created: ...` together. List items stay one list.
 */
export function markdownLines(lines: readonly string[]): string {
  return lines
    .filter((l) => l !== '')
    .reduce((out, line, i) => (i === 0 ? line : `${out}${line.startsWith('- ') ? '\n' : '\n\n'}${line}`), '');
}

function describeImage(d: ImageDescription): string[] {
  const lines = [`Digest: \`${d.digest}\`${d.platforms?.length ? ' (index)' : ''}`];
  if (d.created) lines.push(`Created: ${d.created}`);
  for (const p of d.platforms ?? [])
    lines.push(`- ${p.platform}: \`${p.digest}\`${p.created ? ` (created ${p.created})` : ''}`);
  return lines;
}

function describeTrigger(t: EffectiveTrigger, resource: Resource, { tags, failures }: StreamTagAnswer): string[] {
  const name = `${t.stream}:${t.tag}`;
  const namespace = t.namespace ?? resource.namespace;
  const lines = [
    `Triggered by ImageStreamTag \`${name}\`${t.namespace ? ` in namespace ${t.namespace}` : ''}${t.paused ? ' (paused)' : ''}`,
  ];
  const info = tags.find(
    (s) => s.name === name && (namespace === undefined || s.namespace === undefined || s.namespace === namespace),
  );
  if (!info?.current) {
    if (info) lines.push('The tag has no image yet.');
    else if (failures.length === 0) lines.push('The stream tag is not in this file, the workspace or the cluster.');
    else {
      // Not "not in the cluster" when the cluster could not be asked: say which source failed.
      const searched = ['this file', 'the workspace', 'the cluster'].filter(
        (s) => !failures.some((f) => s === `the ${f.source}`),
      );
      lines.push(`The stream tag is not in ${searched.join(' or ')}.`);
      for (const f of failures) lines.push(`${f.source[0]!.toUpperCase()}${f.source.slice(1)}: ${f.reason}`);
    }
    return lines;
  }
  lines.push(
    `Current: \`${info.current.dockerImageReference ?? info.current.image}\`${info.current.created ? ` (${info.current.created})` : ''}`,
  );
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
  return readTriggers(value, plainObject(resource, MAX_ALIAS_COUNT)).triggers.find(
    (t) => t.container?.init === container.init && t.container.index === container.index,
  );
}
