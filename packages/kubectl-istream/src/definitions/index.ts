import type { CommandModule } from './command-module.js';
import { controllerCommand } from './controller.js';
import { describeCommand } from './describe.js';
import { digestCommand } from './digest.js';
import { getCommand } from './get.js';
import { importImageCommand } from './import-image.js';
import { installCommand } from './install.js';
import { lintCommand } from './lint.js';
import { rollbackCommand } from './rollback.js';
import { setCommand } from './set.js';
import { setTriggersCommand } from './set-triggers.js';
import { tagCommand } from './tag.js';
import { uninstallCommand } from './uninstall.js';
import { versionCommand } from './version.js';
import { whyCommand } from './why.js';

/** Every subcommand of `kubectl istream`, in the order `--help` lists them. */
export const commands: CommandModule[] = [
  importImageCommand,
  tagCommand,
  setTriggersCommand,
  setCommand,
  getCommand,
  describeCommand,
  whyCommand,
  rollbackCommand,
  digestCommand,
  lintCommand,
  installCommand,
  uninstallCommand,
  controllerCommand,
  versionCommand,
];
