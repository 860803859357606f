// The rows oc prints for image streams and image stream tags (openshift-apiserver's table
// printers), and the ImageStreamTag objects OpenShift serves for `get istag -o yaml`.
import {
  resolveTagEvent,
  specTag,
  IMAGE_API_VERSION,
  type ImageStream,
  type TagEvent,
} from '@istream/core/imagestream';
import { ago } from './age.js';

/** Status tags newest first (by their current item, to the second), ties by name. */
function tagsByUpdate(stream: ImageStream): string[] {
  const seconds = (t?: TagEvent) => (t === undefined ? 0 : Math.round(Date.parse(t.created) / 1000));
  return (stream.status?.tags ?? [])
    .map((t) => ({ name: t.tag, created: seconds(t.items?.[0]) }))
    .sort((a, b) => b.created - a.created || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => t.name);
}

/** As many tags as fit in `preferredWidth`, always at least one, then `+ N more...`. */
export function tagsUpToWidth(stream: ImageStream, preferredWidth = 40): string {
  const all = tagsByUpdate(stream);
  let shown = all;
  let remaining = preferredWidth;
  for (let i = 0; i < all.length; i++) {
    remaining -= all[i]!.length + 1;
    if (remaining >= 0) continue;
    if (i === 0) {
      shown = all.slice(0, 1);
      break;
    }
    const margin = Math.floor(preferredWidth / 4);
    if (margin < remaining + all[i]!.length && margin >= -remaining) continue;
    shown = all.slice(0, i);
    break;
  }
  const hidden = all.length - shown.length;
  return hidden > 0 ? `${shown.join(',')} + ${hidden} more...` : shown.join(',');
}

export const IMAGE_STREAM_HEADERS = ['Name', 'Image Repository', 'Tags', 'Updated'];

export function imageStreamRow(stream: ImageStream, now: Date): string[] {
  let latest: string | undefined;
  for (const list of stream.status?.tags ?? []) {
    const created = list.items?.[0]?.created;
    if (created !== undefined && (latest === undefined || Date.parse(created) > Date.parse(latest))) latest = created;
  }
  const repo =
    stream.status?.publicDockerImageRepository ||
    stream.spec.dockerImageRepository ||
    stream.status?.dockerImageRepository ||
    '';
  return [stream.metadata.name, repo, tagsUpToWidth(stream), latest === undefined ? '' : ago(latest, now)];
}

export const IMAGE_STREAM_TAG_HEADERS = ['Name', 'Image Reference', 'Updated'];
export const IMAGE_STREAM_TAG_WIDE_HEADERS = [...IMAGE_STREAM_TAG_HEADERS, 'Image Name'];

export interface ImageStreamTagObject {
  apiVersion: typeof IMAGE_API_VERSION;
  kind: 'ImageStreamTag';
  metadata: { name: string; namespace?: string; creationTimestamp: string };
  tag: unknown;
  generation: number;
  lookupPolicy: { local: boolean };
  conditions?: unknown[];
  image: { metadata: { name: string }; dockerImageReference: string };
}

/**
 * Every tag of the stream whose newest item names an image, as OpenShift's virtual ImageStreamTag
 * resource: an item with an empty image (a `reference: true` tag) is not found there either.
 */
export function imageStreamTags(stream: ImageStream): ImageStreamTagObject[] {
  return (stream.status?.tags ?? []).flatMap((list) => {
    const event = list.items?.[0];
    if (!event?.image) return [];
    const object: ImageStreamTagObject = {
      apiVersion: IMAGE_API_VERSION,
      kind: 'ImageStreamTag',
      metadata: {
        name: `${stream.metadata.name}:${list.tag}`,
        namespace: stream.metadata.namespace,
        creationTimestamp: event.created,
      },
      tag: specTag(stream, list.tag) ?? null,
      generation: event.generation,
      lookupPolicy: { local: stream.spec.lookupPolicy?.local === true },
      image: { metadata: { name: event.image }, dockerImageReference: resolveTagEvent(stream, list.tag, event) },
    };
    if (list.conditions?.length) object.conditions = list.conditions;
    return [object];
  });
}

export function imageStreamTagRow(tag: ImageStreamTagObject, now: Date, wide: boolean): string[] {
  const row = [tag.metadata.name, tag.image.dockerImageReference, ago(tag.metadata.creationTimestamp, now)];
  return wide ? [...row, tag.image.metadata.name] : row;
}
