import { getLocation, type Location } from 'jsonc-parser';
import type { Container, ParsedFile, Resource, SourceString, TriggerAnnotation } from './document.js';

/** The resource whose YAML node holds `offset`, parsing only the document there. */
export function resourceAt(file: ParsedFile, offset: number): Resource | undefined {
  const parse = file.chunk(file.chunkAt(offset));
  let best: Resource | undefined;
  for (const r of parse.resources) {
    const range = r.node.range;
    // The innermost one: a List's item rather than the List.
    if (range && range[0] <= offset && offset <= range[2] && (!best || (best.node.range?.[0] ?? 0) <= range[0]))
      best = r;
  }
  return best;
}

/** The cursor inside a triggers annotation value: where in the JSON it is. */
export interface AnnotationCursor {
  resource: Resource;
  annotation: TriggerAnnotation;
  text: SourceString;
  /** Index into the annotation value (the JSON text). */
  jsonOffset: number;
  location: Location;
}

export function annotationAt(file: ParsedFile, offset: number): AnnotationCursor | undefined {
  const resource = resourceAt(file, offset);
  const annotation = resource?.annotation;
  const text = annotation?.text;
  if (!resource || !annotation || !text?.map) return undefined;
  if (offset < text.span[0] || offset > text.span[1]) return undefined;
  const jsonOffset = text.map.indexAt(offset);
  return { resource, annotation, text, jsonOffset, location: getLocation(text.value, jsonOffset) };
}

/** The container whose `image:` value (or key) holds `offset`. */
export function containerImageAt(
  file: ParsedFile,
  offset: number,
): { resource: Resource; container: Container } | undefined {
  const resource = resourceAt(file, offset);
  for (const container of resource?.containers ?? []) {
    const key = container.imageKeySpan;
    const value = container.image?.span;
    if (
      (value && value[0] <= offset && offset <= value[1]) ||
      (key && container.image && key[0] <= offset && offset <= key[1])
    ) {
      return { resource: resource as Resource, container };
    }
  }
  return undefined;
}

/** The container whose YAML map holds `offset`. */
export function containerAt(
  file: ParsedFile,
  offset: number,
): { resource: Resource; container: Container } | undefined {
  const resource = resourceAt(file, offset);
  for (const container of resource?.containers ?? []) {
    const range = container.node.range;
    if (range && range[0] <= offset && offset <= range[1]) return { resource: resource as Resource, container };
  }
  return undefined;
}
