// kubectl istream get is|istag [NAME]: oc's columns (NAME IMAGE REPOSITORY TAGS UPDATED for
// streams, NAME IMAGE REFERENCE UPDATED for tags), the objects as json, yaml or names, or
// kubectl's jsonpath and custom-columns templates over them.
import type { ImageStreamClient } from '@istream/core/cluster';
import { parseStreamTag, validateStreamName, type ImageStream } from '@istream/core/imagestream';
import { CliError, streamNotFound } from '../errors.js';
import type { Factory } from '../factory.js';
import { IMAGE_STREAM_RESOURCE } from '../import-output.js';
import { GET_FORMATS, TEMPLATE_OUTPUTS } from '../output-formats.js';
import { formatObjects, type ObjectFormat } from '../printers/objects.js';
import {
  IMAGE_STREAM_HEADERS,
  IMAGE_STREAM_TAG_HEADERS,
  IMAGE_STREAM_TAG_WIDE_HEADERS,
  imageStreamRow,
  imageStreamTagRow,
  imageStreamTags,
  type ImageStreamTagObject,
} from '../printers/streams.js';
import { formatTable } from '../printers/table.js';
import { templatePrinter, type ObjectsPrinter } from '../printers/templates.js';

export type StreamResource = 'imagestreams' | 'imagestreamtags';

const RESOURCE_ALIASES: Record<string, StreamResource> = {
  is: 'imagestreams',
  imagestream: 'imagestreams',
  imagestreams: 'imagestreams',
  [`imagestreams.${'image.openshift.io'}`]: 'imagestreams',
  istag: 'imagestreamtags',
  imagestreamtag: 'imagestreamtags',
  imagestreamtags: 'imagestreamtags',
};

export function parseResource(name: string): StreamResource {
  const resource = RESOURCE_ALIASES[name.toLowerCase()];
  if (resource === undefined)
    throw new CliError(`unknown resource type "${name}": use is (imagestreams) or istag (imagestreamtags)`);
  return resource;
}

export interface GetOptions {
  resource: string;
  name?: string;
  /** One of GET_FORMATS, or a template format: jsonpath=..., custom-columns=... and their -file forms. */
  output?: string;
  showManagedFields?: boolean;
  /** kubectl's -A: every namespace, with a NAMESPACE column. */
  allNamespaces?: boolean;
  now?: () => Date;
}

/** One row per object, with kubectl's leading NAMESPACE column when the list spans namespaces. */
function table<T extends { metadata: { namespace?: string } }>(
  headers: string[],
  objects: T[],
  row: (object: T) => string[],
  allNamespaces: boolean,
): string {
  if (!allNamespaces) return formatTable(headers, objects.map(row));
  return formatTable(
    ['Namespace', ...headers],
    objects.map((o) => [o.metadata.namespace ?? '', ...row(o)]),
  );
}

// Byte order, as the apiserver lists by storage key (namespace/name).
const byNamespaceAndName = (a: ImageStream, b: ImageStream): number => {
  const key = (s: ImageStream): string => `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

/** How -o asks for the objects: kubectl's table (optionally wide), an object format, or a template. */
type GetOutput = { table: boolean; wide: boolean } | { format: ObjectFormat } | { template: ObjectsPrinter };

function parseOutput(output: string | undefined): GetOutput {
  if (output === undefined || output === 'wide') return { table: true, wide: output === 'wide' };
  if (output === 'json' || output === 'yaml' || output === 'name') return { format: output };
  const template = templatePrinter(output);
  if (template) return { template };
  throw new CliError(
    `unable to match a printer suitable for the output format "${output}", allowed formats are: ${[...GET_FORMATS, ...TEMPLATE_OUTPUTS].join(',')}`,
  );
}

export async function runGet(options: GetOptions, factory: Factory): Promise<void> {
  const resource = parseResource(options.resource);
  const output = parseOutput(options.output);
  const asList = options.name === undefined;
  const printObjects = (objects: Array<{ metadata: { name: string } }>, qualifiedResource: string): void => {
    if ('template' in output) factory.io.out.write(output.template(objects, asList));
    else if ('format' in output) {
      factory.io.out.write(
        formatObjects(objects, output.format, qualifiedResource, asList, {
          showManagedFields: options.showManagedFields,
        }),
      );
    }
  };
  const now = (options.now ?? (() => new Date()))();
  if (options.allNamespaces && options.name !== undefined)
    throw new CliError('a resource cannot be retrieved by name across all namespaces');
  const { streams: client, namespace } = await factory.cluster();
  const scope = options.allNamespaces ? undefined : namespace;
  const nothingFound = (): void =>
    void factory.io.err.write(
      scope === undefined ? 'No resources found\n' : `No resources found in ${scope} namespace.\n`,
    );
  const listed = async (): Promise<ImageStream[]> => [...(await client.list(scope))].sort(byNamespaceAndName);
  if (resource === 'imagestreams') {
    if (options.name !== undefined) validateStreamName(options.name);
    const streams = options.name === undefined ? await listed() : [await namedStream(client, namespace, options.name)];
    if (streams.length === 0) return nothingFound();
    if ('table' in output)
      factory.io.out.write(table(IMAGE_STREAM_HEADERS, streams, (s) => imageStreamRow(s, now), scope === undefined));
    else printObjects(streams, IMAGE_STREAM_RESOURCE);
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
  if ('table' in output) {
    const { wide } = output;
    factory.io.out.write(
      table(
        wide ? IMAGE_STREAM_TAG_WIDE_HEADERS : IMAGE_STREAM_TAG_HEADERS,
        tags,
        (t) => imageStreamTagRow(t, now, wide),
        scope === undefined,
      ),
    );
  } else printObjects(tags, 'imagestreamtag.image.openshift.io');
}

async function namedStream(client: ImageStreamClient, namespace: string, name: string): Promise<ImageStream> {
  const stream = await client.get(namespace, name);
  if (stream === undefined) throw streamNotFound(name);
  return stream;
}
