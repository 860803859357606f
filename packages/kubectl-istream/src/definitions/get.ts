import type { GetFormat, GetOptions } from '../commands/get.js';
import { addOutputFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

const GET_FORMATS: readonly GetFormat[] = ['wide', 'json', 'yaml', 'name'];

export const getCommand: CommandModule = {
  register(program, factory) {
    const cmd = program.command('get')
      .argument('<resource>', 'is (imagestreams) or istag (imagestreamtags)')
      .argument('[name]', 'a stream name, or stream:tag for istag')
      .description('Display image streams or image stream tags');
    addOutputFlag(cmd, GET_FORMATS);
    cmd.option('-A, --all-namespaces', 'list the requested objects across all namespaces');
    cmd.action(async (resource: string, name: string | undefined, opts: Pick<GetOptions, 'output' | 'allNamespaces'>) =>
      (await import('../commands/get.js')).runGet({ ...opts, resource, ...(name === undefined ? {} : { name }) }, factory));
  },
};
