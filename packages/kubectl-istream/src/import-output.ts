// What `import-image` and `tag` print after an import, in oc's words: the name line with the
// operation, the stream described, each imported image described, additional tags not imported;
// one `error: tag X failed` per failed tag, and a failing exit code; after oc's message, the registry client's reason where
// oc's hides it (which credentials were refused).
import type { ImageStream, TagImportResult } from '@istream/core/imagestream';
import { CliError } from './errors.js';
import type { IOStreams } from './io.js';
import { describeImportedImage } from './printers/describe-image.js';
import { describeImageStream } from './printers/describe-stream.js';
import type { DescribedImport } from './stream-import.js';

export const IMAGE_STREAM_RESOURCE = 'imagestream.image.openshift.io';

/**
 * import-image's report, as oc prints it: first `error: tag X failed: ...` on stderr for each tag
 * that failed (`repository tag` for `--all` from a repository) or whose image could not be read;
 * then on stdout the stream and one block per imported image; then, when a tag failed, the
 * command fails with oc's `imported completed with errors`. As in oc, tags that failed in a
 * repository import are reported but do not fail the command.
 */
export function reportImport(
  io: IOStreams,
  name: string,
  stream: ImageStream | undefined,
  results: TagImportResult[],
  options: {
    dryRun: boolean;
    now: Date;
    additionalTags?: string[];
    /** `--all` from a repository (oc's ImageStreamImport `repository`). */
    repository?: boolean;
    /** The imported images, described, in result order. */
    images?: DescribedImport[];
  },
): void {
  const prefix = options.repository ? 'repository tag' : 'tag';
  const images = new Map((options.images ?? []).map((d) => [d.tag, d]));
  const blocks: string[] = [];
  for (const r of results) {
    const described = images.get(r.request.tag);
    if (!r.outcome.ok) io.err.write(`error: ${failureLine(r, prefix)}\n`);
    else if (described !== undefined && 'error' in described)
      io.err.write(`error: tag ${described.tag} failed: ${described.error}\n`);
    else if (described !== undefined) blocks.push(describeImportedImage(described.image, options.now));
  }
  const failed = !options.repository && results.some((r) => !r.outcome.ok);
  if (stream !== undefined) {
    let message = failed ? 'imported with errors' : 'imported';
    if (options.dryRun) message += ' (dry run)';
    message += `\n\n${describeImageStream(stream, options.now)}\n`;
    for (const block of blocks) message += `${block}\n`;
    const additional = options.additionalTags ?? [];
    if (additional.length > 0) {
      message += `\ninfo: The remote repository contained ${additional.length} additional tags which were not imported: ${additional.join(', ')}\n`;
    }
    io.out.write(`${IMAGE_STREAM_RESOURCE}/${name} ${message}\n`);
  }
  if (failed) throw new CliError('imported completed with errors');
}

/** tag's report of the import it ran (oc leaves that to the server): the last failure is the command's error. */
export function reportTagImport(io: IOStreams, results: TagImportResult[]): void {
  const failures = failureLines(results);
  for (const line of failures.slice(0, -1)) io.err.write(`error: ${line}\n`);
  if (failures.length > 0) throw new CliError(failures[failures.length - 1]!);
}

function failureLine(r: TagImportResult, prefix = 'tag'): string {
  if (r.outcome.ok) return '';
  return `${prefix} ${r.request.tag} failed: ${r.outcome.message}${r.outcome.detail ? `: ${r.outcome.detail}` : ''}`;
}

function failureLines(results: TagImportResult[]): string[] {
  return results.flatMap((r) => (r.outcome.ok ? [] : [failureLine(r)]));
}
