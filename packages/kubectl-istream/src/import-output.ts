// What `import-image` and `tag` print after an import, in oc's words: the name line with the
// operation, the stream described, additional tags not imported; one `error: tag X failed` per
// failed tag, and a failing exit code; after oc's message, the registry client's reason where
// oc's hides it (which credentials were refused).
import type { ImageStream, TagImportResult } from '@istream/core/imagestream';
import { CliError } from './errors.js';
import type { IOStreams } from './io.js';
import { describeImageStream } from './printers/describe-stream.js';

export const IMAGE_STREAM_RESOURCE = 'imagestream.image.openshift.io';

/**
 * import-image's report, as oc prints it: the stream on stdout, `error: tag X failed: ...` on
 * stderr for each failed tag, and then the command fails with oc's `imported completed with errors`.
 */
export function reportImport(
  io: IOStreams,
  name: string,
  stream: ImageStream | undefined,
  results: TagImportResult[],
  options: { dryRun: boolean; now: Date; additionalTags?: string[] },
): void {
  const failures = failureLines(results);
  if (stream !== undefined) {
    let message = failures.length > 0 ? 'imported with errors' : 'imported';
    if (options.dryRun) message += ' (dry run)';
    message += `\n\n${describeImageStream(stream, options.now)}\n`;
    const additional = options.additionalTags ?? [];
    if (additional.length > 0) {
      message += `\ninfo: The remote repository contained ${additional.length} additional tags which were not imported: ${additional.join(', ')}\n`;
    }
    io.out.write(`${IMAGE_STREAM_RESOURCE}/${name} ${message}\n`);
  }
  for (const line of failures) io.err.write(`error: ${line}\n`);
  if (failures.length > 0) throw new CliError('imported completed with errors');
}

/** tag's report of the import it ran (oc leaves that to the server): the last failure is the command's error. */
export function reportTagImport(io: IOStreams, results: TagImportResult[]): void {
  const failures = failureLines(results);
  for (const line of failures.slice(0, -1)) io.err.write(`error: ${line}\n`);
  if (failures.length > 0) throw new CliError(failures[failures.length - 1]!);
}

function failureLines(results: TagImportResult[]): string[] {
  return results.flatMap((r) =>
    r.outcome.ok
      ? []
      : [`tag ${r.request.tag} failed: ${r.outcome.message}${r.outcome.detail ? `: ${r.outcome.detail}` : ''}`],
  );
}
