import type { LintFormat } from '../commands/lint.js';
import { CliError } from '../errors.js';
import { addOutputFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

const LINT_FORMATS: readonly LintFormat[] = ['text', 'json', 'sarif'];

export const lintCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('lint')
      .description(
        'Check image.openshift.io/triggers annotations in manifests for every mistake OpenShift ignores silently',
      )
      .argument('[paths...]', 'files, directories (*.yaml, *.yml, recursively) or - for standard input', [])
      .addHelpText('after', '\nExit status: 0 no errors, 1 errors found, 2 an input could not be read.');
    addOutputFlag(cmd, LINT_FORMATS, 'output format').action(async (paths: string[], opts: { output?: LintFormat }) => {
      const { runLint } = await import('../commands/lint.js');
      const { findings, exitCode } = await runLint({ paths, output: opts.output }, factory);
      if (exitCode !== 0) {
        const errors = findings.filter((f) => f.severity === 'error');
        const files = new Set(errors.map((f) => f.file)).size;
        throw new CliError(
          `${errors.length} error${errors.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`,
          exitCode,
        );
      }
    });
  },
};
