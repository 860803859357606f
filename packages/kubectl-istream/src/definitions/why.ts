import type { WhyOptions } from '../commands/why.js';
import type { CommandModule } from './command-module.js';

export const whyCommand: CommandModule = {
  register(program, factory) {
    program
      .command('why')
      .argument('<target>', 'a workload or pod (deployment/NAME, pod/NAME, ...) or an image stream (NAME or NAME:TAG)')
      .description(
        "Explain why a workload or pod has the images it has (triggers, image lookup), or where a stream tag's imports stand",
      )
      .addHelpText('after', '\nExamples:\n  kubectl istream why deployment/web\n  kubectl istream why ruby:3.2\n')
      .action(async (target: string, opts: Omit<WhyOptions, 'target'>) =>
        (await import('../commands/why.js')).runWhy({ ...opts, target }, factory),
      );
  },
};
