import type { RollbackOptions } from '../commands/rollback.js';
import { addDryRunFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const rollbackCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('rollback')
      .argument('<stream:tag>', 'the image stream tag to roll back')
      .description('Pin an image stream tag to an earlier image from its history, or --resume tracking its source')
      .option('--to-revision <n>', 'the revision to roll back to (see "describe is"; default: the previous image)')
      .option('--to-image <digest>', 'the image digest to roll back to (sha256:..., a unique prefix is enough)')
      .option('--resume', 'stop pinning: track the source the tag was imported from again', false);
    addDryRunFlag(cmd).action(async (streamTag: string, opts: RollbackOptions) =>
      (await import('../commands/rollback.js')).runRollback(streamTag, opts, factory),
    );
  },
};
