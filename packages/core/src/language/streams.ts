import { isSeq } from 'yaml';
import { child, ParsedFile, scalarString } from './document.js';
import type { StreamTagInfo } from './types.js';

type Item = NonNullable<StreamTagInfo['current']>;

/**
 * The parts of an ImageStream that name its tags. A stored `ImageStream` fits as it is; a
 * manifest being typed is read into this shape, so both give the same StreamTagInfo.
 */
export interface ImageStreamTagFields {
  metadata: { name: string; namespace?: string };
  spec?: { tags?: ReadonlyArray<{ name: string }> | null };
  status?: { tags?: ReadonlyArray<{ tag: string; items?: readonly Item[] | null }> | null };
}

/** One entry per tag: spec tags, then status tags (newest item first) replacing a spec tag of the same name. */
export function imageStreamTagInfos(stream: ImageStreamTagFields, source: StreamTagInfo['source']): StreamTagInfo[] {
  const { name: streamName, namespace } = stream.metadata;
  const tags = new Map<string, StreamTagInfo>();
  for (const { name } of stream.spec?.tags ?? []) {
    if (name) tags.set(name, { name: `${streamName}:${name}`, namespace, source });
  }
  for (const { tag, items } of stream.status?.tags ?? []) {
    if (!tag) continue;
    const known = (items ?? [])
      .filter((item) => item.image)
      .map(({ image, dockerImageReference, created }) => ({ image, dockerImageReference, created }));
    tags.set(tag, { name: `${streamName}:${tag}`, namespace, current: known[0], history: known.slice(1), source });
  }
  return [...tags.values()];
}

/** Stream tags declared by ImageStreams in the open text: spec tags and status tags with their items. */
export function documentStreamTags(file: ParsedFile): StreamTagInfo[] {
  const tags = new Map<string, StreamTagInfo>();
  for (const i of file.chunksContaining('ImageStream')) {
    for (const r of file.chunk(i).resources) {
      if (r.kind !== 'ImageStream' || !r.name) continue;
      const doc = r.doc;
      const seq = (node: unknown): unknown[] => (isSeq(node) ? node.items : []);
      const text = (node: unknown, key: string): string => scalarString(doc, child(doc, node, key)) ?? '';
      const fields: ImageStreamTagFields = {
        metadata: { name: r.name, namespace: r.namespace },
        spec: { tags: seq(child(doc, child(doc, r.node, 'spec'), 'tags')).map((t) => ({ name: text(t, 'name') })) },
        status: {
          tags: seq(child(doc, child(doc, r.node, 'status'), 'tags')).map((t) => ({
            tag: text(t, 'tag'),
            items: seq(child(doc, t, 'items')).map((item) => ({
              image: text(item, 'image'),
              dockerImageReference: scalarString(doc, child(doc, item, 'dockerImageReference')),
              created: scalarString(doc, child(doc, item, 'created')),
            })),
          })),
        },
      };
      for (const tag of imageStreamTagInfos(fields, 'document')) tags.set(`${r.namespace ?? ''}/${tag.name}`, tag);
    }
  }
  return [...tags.values()];
}

/**
 * Stream tags declared in a manifest's text, for a workspace StreamSource: the editor reads its
 * YAML files and passes each text here.
 */
export function streamTagsInText(text: string): StreamTagInfo[] {
  return documentStreamTags(new ParsedFile(text)).map((t) => ({ ...t, source: 'workspace' }));
}
