import type { SetTriggersOptions } from '../commands/set-triggers.js';
import { addDryRunFlag, addOutputFlag, addShowManagedFieldsFlag, collect, parseDryRun } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const setTriggersCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('set-triggers')
      .summary('Update the triggers on one or more objects')
      .description(
        'Set or remove image-change triggers, as `oc set triggers` does. Deployments, stateful sets, ' +
          'daemon sets and cron jobs follow an image stream tag through the image.openshift.io/triggers annotation. ' +
          'With no change flag, the triggers are listed. The config trigger of a Deployment is the Deployment not being paused.',
      )
      .argument('[resource...]', 'TYPE/NAME, TYPE NAME..., or TYPE with --all or -l')
      .option(
        '-f, --filename <file>',
        'file or directory with the objects to edit (- for stdin); repeatable',
        collect,
        [],
      )
      .option('-l, --selector <selector>', 'selector (label query) to filter on')
      .option('--all', 'select all resources of the given types in the namespace')
      .option('--remove', 'remove the specified trigger(s)')
      .option('--remove-all', 'remove all triggers')
      .option('--auto', 'enable all triggers, or just the specified trigger')
      .option('--manual', 'set all triggers to manual, or just the specified trigger')
      .option('--local', 'edit the objects given with -f without contacting the cluster')
      .option('--from-config', 'configuration changes result in a rollout (a Deployment that is not paused)')
      .option('--from-image <[namespace/]stream:tag>', 'an image stream tag to trigger off of')
      .option(
        '-c, --containers <names>',
        'comma-separated container names the trigger applies to; defaults to the only container',
      );
    addOutputFlag(cmd, ['json', 'yaml', 'name']);
    addShowManagedFieldsFlag(cmd);
    addDryRunFlag(cmd);
    cmd.action(async (resources: string[], opts: Record<string, unknown>) => {
      const { runSetTriggers } = await import('../commands/set-triggers.js');
      await runSetTriggers(
        {
          ...(opts as Omit<SetTriggersOptions, 'resources' | 'filenames' | 'dryRun'>),
          resources,
          filenames: opts.filename as string[],
          dryRun: parseDryRun(opts.dryRun),
        },
        factory,
      );
    });
  },
};
