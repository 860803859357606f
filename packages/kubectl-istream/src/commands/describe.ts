// kubectl istream describe is NAME: oc's image stream description (history newest first, `*` on the
// current image, `! error: Import failed (...)` for a failed import).
import { validateStreamName } from '@istream/core/imagestream';
import { CliError, streamNotFound } from '../errors.js';
import { describeImageStream } from '../printers/describe-stream.js';
import type { Factory } from '../factory.js';
import { parseResource } from './get.js';

export interface DescribeOptions {
  resource: string;
  name: string;
  now?: () => Date;
}

export async function runDescribe(options: DescribeOptions, factory: Factory): Promise<void> {
  if (parseResource(options.resource) !== 'imagestreams')
    throw new CliError('describe supports image streams: describe is NAME');
  validateStreamName(options.name);
  const { streams: client, namespace } = await factory.cluster();
  const stream = await client.get(namespace, options.name);
  if (stream === undefined) throw streamNotFound(options.name);
  factory.io.out.write(describeImageStream(stream, (options.now ?? (() => new Date()))()));
}
