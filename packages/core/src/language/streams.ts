import { isSeq } from 'yaml';
import { child, ParsedFile, scalarString } from './document.js';
import type { StreamTagInfo } from './types.js';

type Item = NonNullable<StreamTagInfo['current']>;

/** Stream tags declared by ImageStreams in the open text: spec tags and status tags with their items. */
export function documentStreamTags(file: ParsedFile): StreamTagInfo[] {
  const tags = new Map<string, StreamTagInfo>();
  for (const i of file.chunksContaining('ImageStream')) {
    for (const r of file.chunk(i).resources) {
      if (r.kind !== 'ImageStream' || !r.name) continue;
      const doc = r.doc;
      const key = (tag: string): string => `${r.namespace ?? ''}/${r.name}:${tag}`;
      const specTags = child(doc, child(doc, r.node, 'spec'), 'tags');
      for (const t of isSeq(specTags) ? specTags.items : []) {
        const name = scalarString(doc, child(doc, t, 'name'));
        if (name) tags.set(key(name), { name: `${r.name}:${name}`, namespace: r.namespace, source: 'document' });
      }
      const statusTags = child(doc, child(doc, r.node, 'status'), 'tags');
      for (const t of isSeq(statusTags) ? statusTags.items : []) {
        const name = scalarString(doc, child(doc, t, 'tag'));
        if (!name) continue;
        const itemsNode = child(doc, t, 'items');
        const items: Item[] = (isSeq(itemsNode) ? itemsNode.items : []).flatMap((item) => {
          const image = scalarString(doc, child(doc, item, 'image'));
          if (!image) return [];
          return [{ image, dockerImageReference: scalarString(doc, child(doc, item, 'dockerImageReference')), created: scalarString(doc, child(doc, item, 'created')) }];
        });
        tags.set(key(name), { name: `${r.name}:${name}`, namespace: r.namespace, current: items[0], history: items.slice(1), source: 'document' });
      }
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
