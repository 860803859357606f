// `describe is NAME` in oc's layout (pkg/helpers/describe DescribeImageStream and
// formatImageStreamTags): metadata, repository, then every tag by priority with its source and
// history, newest first, `*` on the current item, import errors flagged with `!`.
import {
  followTagReference,
  latestObservedGeneration,
  pinnedFromAnnotation,
  pinnedImage,
  prioritizeTags,
  specTag,
  statusTag,
  type ImageStream,
} from '@istream/core/imagestream';
import { ago, humanDuration } from './age.js';
import { formatTabbed, OC_DESCRIBE } from './tabwriter.js';

const NONE = '<none>';

export function field(label: string, value: string): string {
  const lines = (value.length === 0 ? NONE : value).split('\n');
  return `${label}:${lines.map((l) => `\t${l}\n`).join('')}`;
}

export function mapField(label: string, values: Record<string, string> | undefined): string {
  const keys = Object.keys(values ?? {}).sort();
  if (keys.length === 0) return field(label, '');
  return keys.map((k, i) => (i === 0 ? field(label, `${k}=${values![k]}`) : `\t${k}=${values![k]}\n`)).join('');
}

function digestOf(reference: string): string | undefined {
  const at = reference.indexOf('@');
  return at >= 0 ? reference.slice(at + 1) : undefined;
}

/** How to undo a rollback pin, naming the source the tag will track again when it is readable. */
function resumeHint(stream: ImageStream, tag: string, savedSource: string | undefined): string {
  const command = `kubectl istream rollback --resume ${stream.metadata.name}:${tag}`;
  try {
    const source = JSON.parse(savedSource ?? '') as { name?: unknown };
    if (typeof source.name === 'string') return `${command} tracks ${source.name} again`;
  } catch {
    // An unreadable annotation is reported by the resume command itself.
  }
  return `${command} tracks its source again`;
}

function tagSection(stream: ImageStream, tag: string, aliases: string[], now: Date): string {
  let out = aliases.length > 0 ? `${tag} (${prioritizeTags(aliases).join(', ')})\n` : `${tag}\n`;
  const ref = specTag(stream, tag);
  const list = statusTag(stream, tag);
  const from = ref?.from;
  const name =
    from === undefined
      ? ''
      : from.namespace && from.namespace !== stream.metadata.namespace
        ? `${from.namespace}/${from.name}`
        : from.name;
  const scheduled = ref?.importPolicy?.scheduled === true;
  if (ref === undefined) out += '  no spec tag\n';
  else if (from === undefined) out += '  tag without source image\n';
  else if (from.kind === 'ImageStreamTag') {
    out += ref.reference
      ? `  reference to ${name}\n`
      : scheduled
        ? `  updates automatically from ${name}\n`
        : `  tagged from ${name}\n`;
  } else if (from.kind === 'DockerImage') {
    out += ref.reference
      ? `  reference to registry ${name}\n`
      : scheduled
        ? `  updates automatically from registry ${name}\n`
        : `  tagged from ${name}\n`;
  } else if (from.kind === 'ImageStreamImage' && pinnedImage(stream, tag) !== undefined) {
    out += `  pinned to ${name} by a rollback; triggered workloads stay on it\n`;
    out += `    ${resumeHint(stream, tag, ref.annotations?.[pinnedFromAnnotation])}\n`;
  } else if (from.kind === 'ImageStreamImage') {
    out += ref.reference ? `  reference to image ${name}\n` : `  tagged from ${name}\n`;
  } else out += ref.reference ? `  reference to ${from.kind} ${name}\n` : `  updates from ${from.kind} ${name}\n`;
  if (ref?.importPolicy?.insecure) out += '    will use insecure HTTPS or HTTP connections\n';
  if (ref?.referencePolicy?.type === 'Local') out += '    prefer registry pullthrough when referencing this tag\n';
  out += '\n';

  const annotations = ref?.annotations ?? {};
  let extra = '';
  if (annotations.description) extra += `  ${annotations.description}\n`;
  if (annotations.tags) extra += `  Tags: ${annotations.tags.split(',').join(', ')}\n`;
  if (annotations.supports) extra += `  Supports: ${annotations.supports.split(',').join(', ')}\n`;
  if (annotations.sampleRepo) extra += `  Example Repo: ${annotations.sampleRepo}\n`;
  if (extra) out += `${extra}\n`;

  const importing =
    ref !== undefined &&
    from !== undefined &&
    !ref.reference &&
    typeof ref.generation === 'number' &&
    ref.generation > latestObservedGeneration(stream, tag);
  if (importing) out += '  ~ importing latest image ...\n';
  for (const condition of list?.conditions ?? []) {
    if (condition.type === 'ImportSuccess' && condition.status === 'False') {
      const since = humanDuration(now.getTime() - Date.parse(condition.lastTransitionTime ?? ''));
      out += `  ! error: Import failed (${condition.reason ?? ''}): ${condition.message ?? ''}\n      ${since} ago\n`;
    }
  }
  (list?.items ?? []).forEach((item, i) => {
    out += `${i === 0 ? '  * ' : '    '}${item.dockerImageReference}\n`;
    const id = item.image;
    out +=
      id && digestOf(item.dockerImageReference) !== id
        ? `      ${ago(item.created, now)}\t${id}\n`
        : `      ${ago(item.created, now)}\n`;
  });
  return out;
}

function tagsSection(stream: ImageStream, now: Date): string {
  const statusTags = stream.status?.tags ?? [];
  const specTags = stream.spec.tags ?? [];
  if (statusTags.length === 0 && specTags.length === 0) return 'Tags:\t<none>\n';
  const images = new Set<string>();
  for (const list of statusTags) for (const item of list.items ?? []) images.add(item.image);
  const names = statusTags.map((t) => t.tag);
  const aliasesOf = new Map<string, string[]>();
  const aliases = new Set<string>();
  for (const ref of specTags) {
    const followed = followTagReference(stream, ref.name);
    if (followed.problem === undefined && followed.multiple) {
      aliases.add(ref.name);
      aliasesOf.set(followed.finalTag, [...(aliasesOf.get(followed.finalTag) ?? []), ref.name]);
    }
    if (statusTag(stream, ref.name) === undefined) names.push(ref.name);
  }
  let out = `Unique Images:\t${images.size}\nTags:\t${names.length}\n\n`;
  out += prioritizeTags(names)
    .filter((t) => !aliases.has(t))
    .map((t) => tagSection(stream, t, aliasesOf.get(t) ?? [], now))
    .join('\n');
  return out;
}

export function describeImageStream(stream: ImageStream, now: Date): string {
  const meta = stream.metadata;
  let text = field('Name', meta.name);
  if (meta.namespace) text += field('Namespace', meta.namespace);
  if (meta.creationTimestamp) text += `Created:\t${ago(meta.creationTimestamp, now)}\n`;
  text += mapField('Labels', meta.labels);
  const { description, ...annotations } = meta.annotations ?? {};
  if (description) text += field('Description', description);
  text += mapField('Annotations', annotations);
  text += field(
    'Image Repository',
    stream.status?.publicDockerImageRepository || stream.status?.dockerImageRepository || '',
  );
  text += field('Image Lookup', `local=${stream.spec.lookupPolicy?.local === true}`);
  text += tagsSection(stream, now);
  return formatTabbed(text, OC_DESCRIBE);
}
