import type { TagOptions } from '../commands/tag.js';
import { addImportPolicyFlags } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const tagCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('tag')
      .argument('<source-or-dest...>', 'SOURCE DEST [DEST...], or DEST... with -d')
      .description('Tag existing images into image streams')
      .option('--source <kind>', 'source type: docker, istag (imagestreamtag) or isimage (imagestreamimage)')
      .option('--alias', 'make the destination follow the source tag (same image stream only)')
      .option('--reference', 'record the source without importing it')
      .option('-d, --delete', 'delete the given spec tags');
    addImportPolicyFlags(cmd, 'periodically re-import the source (container images only)');
    cmd.action(async (args: string[], opts: Omit<TagOptions, 'args'>) =>
      (await import('../commands/tag.js')).runTag({ ...opts, args }, factory),
    );
  },
};
