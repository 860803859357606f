// kubectl istream describe is NAME: oc's image stream description (history newest first, `*` on the
// current image, `! error: Import failed (...)` for a failed import).
import type { Command } from 'commander';
import { validateStreamName } from '@istream/core/imagestream';
import { asUserError, asUserErrorAsync, openCluster, streamNotFound } from '../connect.js';
import { CliError } from '../errors.js';
import { addClusterFlags, type ClusterFlags } from '../flags.js';
import { describeImageStream } from '../printers/describe-stream.js';
import type { CommandModule, Deps } from '../program.js';
import { parseResource } from './get.js';

export interface DescribeOptions extends ClusterFlags {
  resource: string;
  name: string;
  now?: () => Date;
}

export async function runDescribe(options: DescribeOptions, deps: Deps): Promise<void> {
  if (parseResource(options.resource) !== 'imagestreams') throw new CliError('describe supports image streams: describe is NAME');
  asUserError(() => validateStreamName(options.name));
  const { client, namespace } = openCluster(options, deps);
  await asUserErrorAsync(async () => {
    const stream = await client.get(namespace, options.name);
    if (stream === undefined) throw streamNotFound(options.name);
    deps.io.out.write(describeImageStream(stream, (options.now ?? (() => new Date()))()));
  });
}

export const describeCommand: CommandModule = {
  register(program: Command, deps: Deps) {
    const cmd = program.command('describe')
      .argument('<resource>', 'is (imagestream)')
      .argument('<name>', 'the image stream')
      .description('Show an image stream with the history of each tag');
    addClusterFlags(cmd);
    cmd.action(async (resource: string, name: string, opts: ClusterFlags) => runDescribe({ ...opts, resource, name }, deps));
  },
};
