// Shell completion the kubectl way: kubectl runs `kubectl_complete-istream ARGS... WORD` (WORD is
// what is being typed, "" for a new word) and reads Cobra's format: one candidate per line
// (`value<TAB>description`), then `:<directive>`. kubectl_complete-istream runs
// `kubectl-istream __complete ARGS... WORD`. Candidates come from the registered commands and
// flags only: completion never loads a command's module or contacts a cluster.
import type { Command, Option } from 'commander';

/** Cobra's ShellCompDirective values. */
const Directive = { default: 0, noFileComp: 4 } as const;

export const COMPLETE_COMMAND = '__complete';

/** Names `get` and `describe` take (commander records only the argument's description). */
const RESOURCE_NAMES = ['is', 'imagestreams', 'istag', 'imagestreamtags'];
/** Commands whose arguments are files. */
const FILE_ARGUMENTS = new Set(['lint']);

const visibleCommands = (program: Command): Command[] =>
  program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);

function optionsOf(program: Command, command: Command | undefined): Option[] {
  return [...(command?.options ?? []), ...program.options].filter((o) => !o.hidden);
}

/** The option a word names (`--output`, `-o`), if it takes a value. */
function valueOption(options: Option[], word: string): Option | undefined {
  const option = options.find((o) => o.long === word || o.short === word);
  return option && (option.required || option.optional) ? option : undefined;
}

function candidates(program: Command, words: string[], current: string): { lines: string[]; directive: number } {
  const positional: string[] = [];
  let command: Command | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('-')) {
      // A value-taking flag written without `=` consumes the next word.
      if (!word.includes('=') && valueOption(optionsOf(program, command), word)) i++;
      continue;
    }
    if (command === undefined) command = program.commands.find((c) => c.name() === word || c.aliases().includes(word));
    else positional.push(word);
  }
  const options = optionsOf(program, command);
  const previous = words.at(-1);
  const pending = previous !== undefined && !previous.includes('=') ? valueOption(options, previous) : undefined;
  if (pending) {
    return {
      lines: (pending.argChoices ?? []).filter((c) => c.startsWith(current)),
      directive: pending.argChoices ? Directive.noFileComp : Directive.default,
    };
  }
  if (current.startsWith('-')) {
    const flags = options.flatMap((o) => (o.long ? [`${o.long}\t${o.description}`] : []));
    return { lines: flags.filter((f) => f.startsWith(current)), directive: Directive.noFileComp };
  }
  if (command === undefined) {
    // The description's first sentence: shells show one line per candidate.
    const names = visibleCommands(program).map((c) => `${c.name()}\t${c.description().split(/(?<=\.) /)[0]}`);
    return { lines: names.filter((n) => n.startsWith(current)), directive: Directive.noFileComp };
  }
  if ((command.name() === 'get' || command.name() === 'describe') && positional.length === 0) {
    return { lines: RESOURCE_NAMES.filter((r) => r.startsWith(current)), directive: Directive.noFileComp };
  }
  return { lines: [], directive: FILE_ARGUMENTS.has(command.name()) ? Directive.default : Directive.noFileComp };
}

/** The completion output for `__complete ARGS... WORD`. */
export function completionOutput(program: Command, args: string[]): string {
  const words = args.slice(0, -1);
  const current = args.at(-1) ?? '';
  const { lines, directive } = candidates(program, words, current);
  return [...lines, `:${directive}`].join('\n') + '\n';
}
