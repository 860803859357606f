// kubectl istream get is|istag [NAME]: oc's columns (NAME IMAGE REPOSITORY TAGS UPDATED for
// streams, NAME IMAGE REFERENCE UPDATED for tags) or the objects as json, yaml or names.
import type { ImageStreamClient } from '@istream/core/cluster';
import { parseStreamTag, validateStreamName, type ImageStream } from '@istream/core/imagestream';
import { CliError, streamNotFound } from '../errors.js';
import { IMAGE_STREAM_RESOURCE } from '../import-output.js';
import { formatObjects } from '../printers/objects.js';
import {
  IMAGE_STREAM_HEADERS, IMAGE_STREAM_TAG_HEADERS, IMAGE_STREAM_TAG_WIDE_HEADERS, imageStreamRow, imageStreamTagRow,
  imageStreamTags, type ImageStreamTagObject,
} from '../printers/streams.js';
import { formatTable } from '../printers/table.js';
import type { Factory } from '../factory.js';

export type StreamResource = 'imagestreams' | 'imagestreamtags';

const RESOURCE_ALIASES: Record<string, StreamResource> = {
  is: 'imagestreams', imagestream: 'imagestreams', imagestreams: 'imagestreams',
  [`imagestreams.${'image.openshift.io'}`]: 'imagestreams',
  istag: 'imagestreamtags', imagestreamtag: 'imagestreamtags', imagestreamtags: 'imagestreamtags',
};

export function parseResource(name: string): StreamResource {
  const resource = RESOURCE_ALIASES[name.toLowerCase()];
  if (resource === undefined) throw new CliError(`unknown resource type "${name}": use is (imagestreams) or istag (imagestreamtags)`);
  return resource;
}

export type GetFormat = 'wide' | 'json' | 'yaml' | 'name';

export interface GetOptions {
  resource: string;
  name?: string;
  output?: GetFormat;
  /** kubectl's -A: every namespace, with a NAMESPACE column. */
  allNamespaces?: boolean;
  now?: () => Date;
}

/** One row per object, with kubectl's leading NAMESPACE column when the list spans namespaces. */
function table<T extends { metadata: { namespace?: string } }>(
  headers: string[], objects: T[], row: (object: T) => string[], allNamespaces: boolean,
): string {
  if (!allNamespaces) return formatTable(headers, objects.map(row));
  return formatTable(['Namespace', ...headers], objects.map((o) => [o.metadata.namespace ?? '', ...row(o)]));
}

// Byte order, as the apiserver lists by storage key (namespace/name).
const byNamespaceAndName = (a: ImageStream, b: ImageStream): number => {
  const key = (s: ImageStream): string => `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

export async function runGet(options: GetOptions, factory: Factory): Promise<void> {
  const resource = parseResource(options.resource);
  const now = (options.now ?? (() => new Date()))();
  if (options.allNamespaces && options.name !== undefined) throw new CliError('a resource cannot be retrieved by name across all namespaces');
  const { streams: client, namespace } = await factory.cluster();
  const scope = options.allNamespaces ? undefined : namespace;
  const nothingFound = (): void => void factory.io.err.write(scope === undefined ? 'No resources found\n' : `No resources found in ${scope} namespace.\n`);
  const listed = async (): Promise<ImageStream[]> => [...(await client.list(scope))].sort(byNamespaceAndName);
  if (resource === 'imagestreams') {
    if (options.name !== undefined) validateStreamName(options.name);
    const streams = options.name === undefined ? await listed() : [await namedStream(client, namespace, options.name)];
    if (streams.length === 0) return nothingFound();
    if (options.output === undefined || options.output === 'wide') {
      factory.io.out.write(table(IMAGE_STREAM_HEADERS, streams, (s) => imageStreamRow(s, now), scope === undefined));
    } else factory.io.out.write(formatObjects(streams, options.output, IMAGE_STREAM_RESOURCE, options.name === undefined));
    return;
  }
  let tags: ImageStreamTagObject[];
  if (options.name !== undefined) {
    const parsed = parseStreamTag(options.name!);
    if (!parsed.explicitTag) throw new CliError(`"${options.name}" must be of the form <stream_name>:<tag>`);
    const stream = await client.get(namespace, parsed.stream);
    tags = stream === undefined ? [] : imageStreamTags(stream).filter((t) => t.metadata.name === options.name);
    if (tags.length === 0) throw new CliError(`imagestreamtags.image.openshift.io "${options.name}" not found`);
  } else {
    tags = (await listed()).flatMap(imageStreamTags);
    if (tags.length === 0) return nothingFound();
  }
  if (options.output === undefined || options.output === 'wide') {
    const wide = options.output === 'wide';
    factory.io.out.write(table(wide ? IMAGE_STREAM_TAG_WIDE_HEADERS : IMAGE_STREAM_TAG_HEADERS, tags, (t) => imageStreamTagRow(t, now, wide), scope === undefined));
  } else factory.io.out.write(formatObjects(tags, options.output, 'imagestreamtag.image.openshift.io', options.name === undefined));
}

async function namedStream(client: ImageStreamClient, namespace: string, name: string): Promise<ImageStream> {
  const stream = await client.get(namespace, name);
  if (stream === undefined) throw streamNotFound(name);
  return stream;
}
