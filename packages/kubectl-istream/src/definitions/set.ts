import type { SetImageLookupOptions } from '../commands/set-image-lookup.js';
import { CliError } from '../errors.js';
import { addDryRunFlag, addOutputFlag, collect, parseDryRun } from '../flags.js';
import type { CommandModule } from './command-module.js';

function parseBool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new CliError(
    `invalid argument "${value}" for "--enabled" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
  );
}

/** `set SUBCOMMAND`, as `oc set`: image-lookup for now (`set-triggers` keeps its own name). */
export const setCommand: CommandModule = {
  register(program, factory) {
    const set = program.command('set').summary('Commands that help set specific features on objects');
    const cmd = set
      .command('image-lookup')
      .summary('Change how images are resolved when deploying applications')
      .description(
        'Use an image stream from pods and other objects, as `oc set image-lookup` does. With lookup enabled on ' +
          "stream mysql, a pod or workload in the namespace that names mysql:latest (or any tag) is stored with the stream tag's " +
          "image by istream's admission, instead of pulling mysql from Docker Hub. On a workload (deploy/mysql), the " +
          'alpha.image.policy.openshift.io/resolve-names annotation forces lookup for every image of its pod template. ' +
          'Without arguments, lists the streams and whether they resolve local names.',
      )
      .argument('[name...]', 'STREAM..., TYPE/NAME..., or with --list TYPE or TYPE/NAME')
      .option(
        '-f, --filename <file>',
        'file or directory with the objects to edit (- for stdin); repeatable',
        collect,
        [],
      )
      .option('--local', 'edit the objects given with -f without contacting the cluster')
      .option('-l, --selector <selector>', 'selector (label query) to filter on')
      .option('--all', 'select all resources in the namespace of the specified resource types')
      .option('--list', 'display the current states of the requested resources')
      .option(
        '--enabled [bool]',
        'mark the image stream as resolving tagged images in this namespace',
        parseBool,
        true,
      );
    addOutputFlag(cmd, ['json', 'yaml', 'name']);
    addDryRunFlag(cmd);
    cmd.showHelpAfterError("See 'kubectl istream set image-lookup --help' for usage.");
    cmd.action(async (names: string[], opts: Record<string, unknown>) => {
      const { runSetImageLookup } = await import('../commands/set-image-lookup.js');
      await runSetImageLookup(
        {
          ...(opts as Omit<SetImageLookupOptions, 'names' | 'filenames' | 'dryRun'>),
          names,
          filenames: opts.filename as string[],
          dryRun: parseDryRun(opts.dryRun),
        },
        factory,
      );
    });
  },
};
