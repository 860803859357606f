import type { Command } from 'commander';
import type { Factory } from '../factory.js';

/**
 * One subcommand's definition: its arguments, flags and help, registered cheaply; what it does is
 * loaded (with the heavy modules it needs) only when it runs.
 */
export interface CommandModule {
  register(program: Command, factory: Factory): void;
}
