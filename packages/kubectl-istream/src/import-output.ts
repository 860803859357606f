// What `import-image` and `tag` print after an import, in oc's words: the name line with the
// operation, the stream described, additional tags not imported; one `error: tag X failed` per
// failed tag, the last one as the command's error so the exit code says it failed; after oc's
// message, the registry client's reason where oc's hides it (which credentials were refused).
import type { ImageStream, TagImportResult } from '@istream/core/imagestream';
import { CliError } from './errors.js';
import type { IOStreams } from './io.js';
import { describeImageStream } from './printers/describe-stream.js';

export const IMAGE_STREAM_RESOURCE = 'imagestream.image.openshift.io';

export function reportImport(
  io: IOStreams, name: string, stream: ImageStream | undefined, results: TagImportResult[],
  options: { dryRun: boolean; now: Date; additionalTags?: string[] },
): void {
  const failures = results.filter((r) => !r.outcome.ok);
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
  const lines = failures.map((r) => `tag ${r.request.tag} failed: ${r.outcome.ok ? '' : r.outcome.message}`
    + (!r.outcome.ok && r.outcome.detail ? `: ${r.outcome.detail}` : ''));
  for (const line of lines.slice(0, -1)) io.err.write(`error: ${line}\n`);
  if (lines.length > 0) throw new CliError(lines[lines.length - 1]!);
}
