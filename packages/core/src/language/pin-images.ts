// "Pin every image in the file to its digest": each container image that names a tag gets the
// digest the registry gives it now, in the form the user chose.
import type { ParsedFile, SourceString } from './document.js';
import { scalarEdit, type SpanEdit } from './scalar-edit.js';
import type { ImageDescription, PinStyle } from './types.js';

/**
 * The edit pinning one image: `tag-and-digest` writes `web:1.2@sha256:...` (the tag stays, the
 * digest wins); `digest-tag-comment` writes `web@sha256:...  # web:1.2` when the image ends its
 * line, else falls back to the first form (a comment there would end the flow collection).
 */
export function pinEdit(file: ParsedFile, image: SourceString, digest: string, style: PinStyle): SpanEdit | undefined {
  const reference = image.value;
  if (style === 'digest-tag-comment') {
    const lineEnd = file.text.indexOf('\n', image.span[1]);
    const rest = file.text.slice(image.span[1], lineEnd < 0 ? file.text.length : lineEnd);
    const edit = scalarEdit(image, 0, reference.length, `${reference.replace(/:[^:/]+$/, '')}@${digest}`);
    if (edit && /^[ \t\r]*$/.test(rest)) {
      return {
        span: [edit.span[0], image.span[1]],
        newText: `${edit.newText}${file.text.slice(edit.span[1], image.span[1])} # ${reference}`,
      };
    }
  }
  return scalarEdit(image, 0, reference.length, `${reference}@${digest}`);
}

export interface PinnedImages {
  edits: SpanEdit[];
  /** References that were pinned (each once, however often it appears). */
  pinned: string[];
  /** References the registry could not resolve, with why. */
  failed: Array<{ image: string; reason: string }>;
}

/** Every container image of the file without a digest, each reference looked up once. */
export async function pinImages(
  file: ParsedFile,
  style: PinStyle,
  describe: (reference: string) => Promise<ImageDescription>,
): Promise<PinnedImages> {
  const images = file.chunks
    .flatMap((_, i) => file.chunk(i).resources.flatMap((r) => r.containers.map((c) => c.image)))
    .filter((image): image is SourceString => image !== undefined && image.value !== '' && !image.value.includes('@'));
  const references = [...new Set(images.map((i) => i.value))];
  const answers = new Map(
    await Promise.all(
      references.map(
        async (reference) =>
          [
            reference,
            await describe(reference).then(
              (d) => ({ ok: true as const, digest: d.digest }),
              (e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }),
            ),
          ] as const,
      ),
    ),
  );
  const edits: SpanEdit[] = [];
  for (const image of images) {
    const answer = answers.get(image.value);
    const edit = answer?.ok ? pinEdit(file, image, answer.digest, style) : undefined;
    if (edit) edits.push(edit);
  }
  return {
    edits,
    pinned: references.filter((r) => answers.get(r)?.ok),
    failed: references.flatMap((r) => {
      const a = answers.get(r);
      return a && !a.ok ? [{ image: r, reason: a.reason }] : [];
    }),
  };
}
