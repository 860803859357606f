import { Option } from 'commander';
import type { GetOptions } from '../commands/get.js';
import { addShowManagedFieldsFlag } from '../flags.js';
import { GET_FORMATS, TEMPLATE_OUTPUTS } from '../output-formats.js';
import type { CommandModule } from './command-module.js';

export const getCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('get')
      .argument('<resource>', 'is (imagestreams) or istag (imagestreamtags)')
      .argument('[name]', 'a stream name, or stream:tag for istag')
      .description('Display image streams or image stream tags');
    // Not .choices(): the template formats carry their template after '='; runGet checks the value.
    cmd.addOption(
      new Option('-o, --output <format>', `output format: ${[...GET_FORMATS, ...TEMPLATE_OUTPUTS].join('|')}`),
    );
    addShowManagedFieldsFlag(cmd);
    cmd.option('-A, --all-namespaces', 'list the requested objects across all namespaces');
    cmd.action(
      async (
        resource: string,
        name: string | undefined,
        opts: Pick<GetOptions, 'output' | 'allNamespaces' | 'showManagedFields'>,
      ) =>
        (await import('../commands/get.js')).runGet(
          { ...opts, resource, ...(name === undefined ? {} : { name }) },
          factory,
        ),
    );
  },
};
