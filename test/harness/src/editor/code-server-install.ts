// Installs code-server once per version into the user's cache directory, the way that works as root
// and without GitHub: code-server's own postinstall refuses root under npm 11 and @vscode/ripgrep
// downloads its binary from GitHub, so the install runs with --ignore-scripts and then repeats the
// postinstall's steps by hand, with Debian's ripgrep in place of the download.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { istreamCacheDir } from '../cache-dir.js';
import { withLockFile } from '../lock-file.js';
import { runCommand } from './run-command.js';

/** The last code-server whose `engines.node` accepts Node 20; it serves VS Code 1.100. */
export const CODE_SERVER_VERSION = '4.100.3';

/** Debian's ripgrep, which VS Code's search runs. */
const systemRipgrep = '/usr/bin/rg';

export interface CodeServerInstall {
  version: string;
  dir: string;
  /** The script to start with `node`: code-server's CLI. */
  entry: string;
}

export interface EnsureCodeServerOptions {
  /** Receives progress lines; a cold install takes minutes. */
  log?: (line: string) => void;
}

export function codeServerCacheDir(): string {
  return istreamCacheDir(`code-server-${CODE_SERVER_VERSION}`);
}

function installAt(dir: string): CodeServerInstall {
  return { version: CODE_SERVER_VERSION, dir, entry: join(dir, 'node_modules/code-server/out/node/entry.js') };
}

// Written last, so its presence means every step finished.
const completeMarker = '.istream-install-complete';

/** Returns the cached code-server, installing it first if needed (idempotent, safe in parallel). */
export async function ensureCodeServer({ log = () => {} }: EnsureCodeServerOptions = {}): Promise<CodeServerInstall> {
  const dir = codeServerCacheDir();
  if (existsSync(join(dir, completeMarker))) return installAt(dir);

  await mkdir(dirname(dir), { recursive: true });
  return withLockFile(
    `${dir}.lock`,
    (owner) => log(`waiting for ${owner}, which is installing code-server into ${dir}`),
    async () => {
      if (existsSync(join(dir, completeMarker))) return installAt(dir);
      checkPrerequisites();
      // Installing beside the target and renaming means a reader never sees half an install.
      const staging = `${dir}.partial`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      const started = Date.now();
      await installInto(staging, log);
      await writeFile(
        join(staging, completeMarker),
        `${new Date().toISOString()} ${Math.round((Date.now() - started) / 1000)}s\n`,
      );
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
      log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)}s into ${dir}`);
      return installAt(dir);
    },
  );
}

function checkPrerequisites(): void {
  const missing: string[] = [];
  if (!existsSync(systemRipgrep)) missing.push('ripgrep');
  // The kerberos module VS Code depends on compiles against MIT Kerberos' headers.
  if (!existsSync('/usr/bin/krb5-config')) missing.push('libkrb5-dev');
  if (missing.length > 0) {
    throw new Error(
      `installing code-server needs the Debian packages ${missing.join(' ')}: apt-get install ${missing.join(' ')}`,
    );
  }
}

async function installInto(root: string, log: (line: string) => void): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const step = async (title: string, cwd: string, args: string[]): Promise<void> => {
    const started = Date.now();
    log(`code-server install: ${title}`);
    await runCommand('npm', args, { cwd, env });
    log(`code-server install: ${title} took ${Math.round((Date.now() - started) / 1000)}s`);
  };

  await writeFile(join(root, 'package.json'), JSON.stringify({ private: true }) + '\n');
  await step(`npm install code-server@${CODE_SERVER_VERSION}`, root, [
    'install',
    '--ignore-scripts',
    `code-server@${CODE_SERVER_VERSION}`,
  ]);
  await step('build argon2 (password hashing, loaded at startup)', root, ['rebuild', 'argon2']);

  const vscode = join(root, 'node_modules/code-server/lib/vscode');
  await step('install VS Code server dependencies', vscode, ['install', '--omit=dev', '--ignore-scripts']);
  const ripgrepBin = join(vscode, 'node_modules/@vscode/ripgrep/bin');
  await mkdir(ripgrepBin, { recursive: true });
  await copyFile(systemRipgrep, join(ripgrepBin, 'rg'));
  // With bin/rg present, @vscode/ripgrep's postinstall skips its download; the rest build natively.
  await step('build VS Code native modules', vscode, ['rebuild']);

  // The remaining steps of code-server's postinstall.sh.
  await relink('node_modules', join(vscode, 'node_modules.asar'));
  await relink('code-linux.sh', join(vscode, 'bin/remote-cli/code-server'));
  await relink('browser-linux.sh', join(vscode, 'bin/helpers/browser.sh'));
  await step('install built-in extensions dependencies', join(vscode, 'extensions'), ['install', '--omit=dev']);

  const version = JSON.parse(await readFile(join(root, 'node_modules/code-server/package.json'), 'utf8')) as {
    version: string;
  };
  if (version.version !== CODE_SERVER_VERSION)
    throw new Error(`npm installed code-server ${version.version}, wanted ${CODE_SERVER_VERSION}`);
}

async function relink(target: string, path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await symlink(target, path);
}
