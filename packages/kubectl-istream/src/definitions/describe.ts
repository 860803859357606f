import type { CommandModule } from './command-module.js';

export const describeCommand: CommandModule = {
  register(program, factory) {
    program
      .command('describe')
      .argument('<resource>', 'is (imagestream)')
      .argument('<name>', 'the image stream')
      .description('Show an image stream with the history of each tag')
      .action(async (resource: string, name: string) =>
        (await import('../commands/describe.js')).runDescribe({ resource, name }, factory),
      );
  },
};
