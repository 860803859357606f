// Starts a real VS Code (code-server) on a loopback port with its own home, installs extensions into
// it and drives its workbench with headless Debian chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureCodeServer, type CodeServerInstall } from './code-server-install.js';
import { freeLoopbackPort } from '../free-port.js';
import { runCommand } from './run-command.js';

const chromiumPath = '/usr/bin/chromium';

export interface StartEditorOptions {
  /** Packaged extensions (.vsix) to install before the workbench starts. */
  vsix?: string | string[];
  /** The folder the workbench opens. */
  workspace: string;
  /** User settings, over settings that keep the workbench quiet (no trust prompt, no welcome page). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host, e.g. KUBECONFIG. */
  env?: Record<string, string>;
  /** Where `screenshot(name)` writes `name.png`; default `test-results/vscode` under the cwd. */
  screenshotDir?: string;
  log?: (line: string) => void;
}

export interface Editor {
  /** The workbench's address, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** The chromium tab showing the workbench. */
  page: Page;
  /** Opens a file (absolute, or relative to the workspace) in the workbench and waits for its editor. */
  openFile(path: string): Promise<void>;
  /** Saves a screenshot of the whole workbench and returns its path. */
  screenshot(name: string): Promise<string>;
  /** The tails of code-server's and the extension host's logs, to explain a failure. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

const quietSettings: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
};

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface StateDirs {
  root: string;
  home: string;
  userData: string;
  extensions: string;
  browserProfile: string;
  serverLog: string;
}

async function makeStateDirs(): Promise<StateDirs> {
  const root = await mkdtemp(join(tmpdir(), 'istream-editor-'));
  const dirs: StateDirs = {
    root,
    home: join(root, 'home'),
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    browserProfile: join(root, 'chromium'),
    serverLog: join(root, 'code-server.log'),
  };
  for (const dir of [
    dirs.home,
    join(dirs.home, 'tmp'),
    join(dirs.userData, 'User'),
    dirs.extensions,
    dirs.browserProfile,
  ]) {
    await mkdir(dir, { recursive: true });
  }
  return dirs;
}

/** Only PATH crosses over: code-server and chromium otherwise write into the real home. */
function isolatedEnv(dirs: StateDirs, extra: Record<string, string>): Record<string, string> {
  const home = dirs.home;
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local/state'),
    XDG_RUNTIME_DIR: join(home, 'tmp'),
    TMPDIR: join(home, 'tmp'),
    ...extra,
  };
}

function commonArgs(dirs: StateDirs): string[] {
  return ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

async function installExtensions(
  install: CodeServerInstall,
  dirs: StateDirs,
  env: Record<string, string>,
  vsixes: string[],
): Promise<void> {
  for (const vsix of vsixes) {
    await runCommand(process.execPath, [install.entry, ...commonArgs(dirs), '--install-extension', resolve(vsix)], {
      cwd: dirs.root,
      env,
    });
  }
}

async function startServer(
  install: CodeServerInstall,
  dirs: StateDirs,
  env: Record<string, string>,
  workspace: string,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freeLoopbackPort();
  const logFd = openSync(dirs.serverLog, 'a');
  const child = spawn(
    process.execPath,
    [
      install.entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      ...commonArgs(dirs),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      workspace,
    ],
    { cwd: dirs.root, env, stdio: ['ignore', logFd, logFd], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      reject(new Error(`code-server exited (${code ?? signal}) before it was ready`));
    }),
  );
  exited.catch(() => {});
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const healthy = await Promise.race([
      fetch(`${url}/healthz`).then(
        (res) => res.ok,
        () => false,
      ),
      exited,
    ]);
    if (healthy) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer ${url}/healthz within 60s`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // code-server runs the server and the extension hosts as its children: stop its whole group.
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      /* already gone */
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function tailOfLogs(dirs: StateDirs): Promise<string> {
  const files = [
    dirs.serverLog,
    ...(await findFiles(join(dirs.userData, 'logs'), (name) => /exthost|istream/i.test(name))),
  ];
  const parts = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(file, 'utf8').catch(() => '');
      return `==> ${file} <==\n${text.slice(-6000)}`;
    }),
  );
  return parts.join('\n');
}

async function findFiles(dir: string, match: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && match(e.name)).map((e) => join(e.parentPath, e.name));
}

/** Waits until the workbench shows `name` as the active editor tab with its text rendered. */
async function waitForEditor(page: Page, name: string): Promise<void> {
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
}

export async function startEditor(options: StartEditorOptions): Promise<Editor> {
  const log = options.log ?? (() => {});
  if (!existsSync(chromiumPath))
    throw new Error(`the editor tests need Debian's chromium at ${chromiumPath}: apt-get install chromium`);
  const install = await ensureCodeServer({ log });
  const workspace = resolve(options.workspace);
  const screenshotDir = resolve(options.screenshotDir ?? 'test-results/vscode');
  const dirs = await makeStateDirs();
  const env = isolatedEnv(dirs, options.env ?? {});
  let child: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  const stop = async (): Promise<void> => {
    await context?.close().catch(() => {});
    if (child) await stopServer(child);
    await rm(dirs.root, { recursive: true, force: true });
  };
  try {
    await writeFile(
      join(dirs.userData, 'User/settings.json'),
      JSON.stringify({ ...quietSettings, ...options.settings }, null, 2),
    );
    const vsixes = options.vsix === undefined ? [] : [options.vsix].flat();
    let started = Date.now();
    await installExtensions(install, dirs, env, vsixes);
    if (vsixes.length > 0) log(`installed ${vsixes.map((v) => basename(v)).join(', ')} in ${Date.now() - started} ms`);

    started = Date.now();
    const server = await startServer(install, dirs, env, workspace);
    child = server.child;
    log(`code-server ${install.version} ready at ${server.url} in ${Date.now() - started} ms`);

    context = await chromium.launchPersistentContext(dirs.browserProfile, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      env,
      viewport: { width: 1280, height: 800 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    // The workbench's scripts load for a long time on a busy machine: wait for the DOM, then the
    // workbench element, rather than the load event.
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, {
      waitUntil: 'domcontentloaded',
      timeout: 120_000,
    });
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });

    return {
      url: server.url,
      page,
      async openFile(path) {
        // Through Quick Open, as a user would: reloading the page with an openFile payload would
        // restart the workbench and the extension host for every file.
        const file = isAbsolute(path) ? path : join(workspace, path);
        await page.keyboard.press('Control+P');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 30_000 });
        await input.fill(file);
        // Enter opens the focused row: wait until the filter has put this file there, not only
        // somewhere in the list (the recently opened files are listed before the filter applies).
        await page
          .locator('.quick-input-list .monaco-list-row.focused', { hasText: basename(file) })
          .first()
          .waitFor({ timeout: 30_000 });
        await page.keyboard.press('Enter');
        await waitForEditor(page, basename(file));
      },
      async screenshot(name) {
        await mkdir(screenshotDir, { recursive: true });
        const path = join(screenshotDir, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      logs: () => tailOfLogs(dirs),
      stop,
    };
  } catch (err) {
    const logs = await tailOfLogs(dirs).catch(() => '');
    await stop();
    throw new Error(`${(err as Error).message}\n${logs}`, { cause: err });
  }
}
