import type { ImportImageOptions } from '../commands/import-image.js';
import { CliError } from '../errors.js';
import { addDryRunFlag, addImportPolicyFlags } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const importImageCommand: CommandModule = {
  register(program, factory) {
    const cmd = program.command('import-image')
      .argument('<name[:tag]>', 'image stream and tag to import into')
      .description('Import the latest image information from a tag in a container image registry')
      .option('--from <ref>', 'a container image repository to import images from')
      .option('--confirm', 'allow the image stream to be created or its import location changed')
      .option('--all', 'import all tags from the source (the first 50 by priority)')
      .option('--max-tags <n>', 'how many tags --all imports', (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new CliError(`invalid --max-tags "${v}": use a positive integer`);
        return n;
      });
    addImportPolicyFlags(cmd, 'set each imported image to be periodically re-imported');
    addDryRunFlag(cmd);
    cmd.action(async (target: string, opts: Omit<ImportImageOptions, 'target'>) =>
      (await import('../commands/import-image.js')).runImportImage({ ...opts, target }, factory));
  },
};
