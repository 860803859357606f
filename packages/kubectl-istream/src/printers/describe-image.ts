// The per-image block `import-image` prints after the stream, in oc's layout (pkg/helpers/describe
// DescribeImage): name, reference, digest, then size and layers, the config's creation time,
// author and architecture, and its run configuration. From the registry's manifest and config, as
// OpenShift's Image object records them.
import type { ImageDetails } from '@istream/core/registry';
import { ago } from './age.js';
import { field, mapField } from './describe-stream.js';
import { formatTabbed, OC_DESCRIBE } from './tabwriter.js';

/** OpenShift annotates every imported image with the order its layers are listed in. */
const LAYERS_ORDER_ANNOTATION = 'image.openshift.io/dockerLayersOrder';

export interface ImportedImage {
  /** `stream:tag`. */
  name: string;
  dockerImageReference: string;
  /** The digest: the Image object's name. */
  digest: string;
  /** When the image was first recorded (the Image object's creation). */
  created: string | undefined;
  details: ImageDetails;
}

/** docker/go-units HumanSize: decimal units, four significant digits, no space (`27.09MB`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${Number(size.toPrecision(4))}${units[unit]}`;
}

/** Each value on its own line under one label; no line at all when there is none (oc's Environment, Volumes). */
function listField(label: string, values: readonly string[]): string {
  return values.length === 0 ? '' : values.map((v, i) => (i === 0 ? field(label, v) : `\t${v}\n`)).join('');
}

function runConfig(details: Extract<ImageDetails, { kind: 'image' }>): string {
  const config = details.config.config ?? {};
  const entrypoint = config.Entrypoint ?? [];
  const cmd = config.Cmd ?? [];
  let text = '';
  if (entrypoint.length > 0) text += field('Entrypoint', entrypoint.join(' '));
  if (cmd.length > 0 || entrypoint.length === 0) text += field('Command', cmd.join(' '));
  text += field('Working Dir', config.WorkingDir ?? '');
  text += field('User', config.User ?? '');
  text += field(
    'Exposes Ports',
    Object.keys(config.ExposedPorts ?? {})
      .sort()
      .join(', '),
  );
  text += mapField('Docker Labels', config.Labels ?? undefined);
  text += listField('Environment', config.Env ?? []);
  text += listField('Volumes', Object.keys(config.Volumes ?? {}).sort());
  return text;
}

export function describeImportedImage(image: ImportedImage, now: Date): string {
  const { details } = image;
  let text = field('Image Name', image.name);
  text += field('Docker Image', image.dockerImageReference);
  text += field('Name', image.digest);
  if (image.created) text += `Created:\t${ago(image.created, now)}\n`;
  if (details.kind === 'index') {
    const manifests = details.manifests.map(
      (m) => `${m.platform?.os ?? ''}/${m.platform?.architecture ?? ''}\t${m.digest}`,
    );
    return formatTabbed(text + field('Manifests', manifests.join('\n')), OC_DESCRIBE);
  }
  text += mapField('Annotations', { [LAYERS_ORDER_ANNOTATION]: 'ascending' });
  // OpenShift's image size: the config and each distinct layer once.
  const distinct = new Map(details.layers.map((l) => [l.digest, l.size]));
  const size = details.configSize + [...distinct.values()].reduce((a, b) => a + b, 0);
  if (details.layers.length === 0) text += field('Layer Size', humanSize(size));
  else {
    text += field('Image Size', `${humanSize(size)} in ${details.layers.length} layers`);
    text += field('Layers', details.layers.map((l) => `${humanSize(l.size)}\t${l.digest}`).join('\n'));
  }
  const created = details.config.created;
  text += field('Image Created', created ? ago(created, now) : '');
  text += field('Author', details.config.author ?? '');
  text += field('Arch', details.config.architecture ?? '');
  return formatTabbed(text + runConfig(details), OC_DESCRIBE);
}
