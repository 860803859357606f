// Wires @istream/core's language service into VS Code. Every answer comes from the service; this
// file only decides when to ask (open, typing, settings changes) and where the answer goes.
import * as vscode from 'vscode';
import { createConverter } from './convert.js';
import { DiagnosticsController } from './diagnostics.js';
import { startLanguageWorker, type RemoteLanguageService } from './language-client.js';
import { registerCommands } from './commands.js';
import { registerProviders } from './providers.js';
import { readSettings, settingsSection } from './settings.js';
import { ClusterStatusItem } from './status-bar.js';

export function activate(context: vscode.ExtensionContext): void {
  const activatedAt = Date.now();
  const log = vscode.window.createOutputChannel('istream', { log: true });
  const convert = createConverter(vscode);
  let settings = readSettings(vscode.workspace.getConfiguration(settingsSection));
  // Bundled beside extension.cjs (see the bundle script).
  const workerScript = context.asAbsolutePath('out/language-worker.cjs');
  const startService = (): RemoteLanguageService =>
    startLanguageWorker(
      workerScript,
      {
        settings,
        workspaceFolders: (vscode.workspace.workspaceFolders ?? [])
          .filter((f) => f.uri.scheme === 'file')
          .map((f) => f.uri.fsPath),
      },
      (line) => log.error(line),
    );
  let service = startService();
  const currentService = (): RemoteLanguageService => service;
  const restartService = (): Promise<void> => {
    void service.dispose();
    service = startService();
    return diagnostics.validateAll();
  };

  const diagnostics = new DiagnosticsController(currentService, convert, log);
  const status = new ClusterStatusItem();
  // Asked after the open files' diagnostics are shown: loading the Kubernetes client takes the
  // worker a second, and the first squiggle must not wait for it.
  const showContext = async (): Promise<void> => {
    let kube;
    try {
      kube = await service.kubeContext();
    } catch (err) {
      log.error(`reading the kube context failed: ${(err as Error).message}`);
      return;
    }
    status.show(kube);
    log.info(
      kube.kind === 'none'
        ? `no cluster: ${kube.reason}`
        : kube.reachable
          ? `kube context: ${kube.name}, namespace ${kube.namespace}`
          : `kube context ${kube.name} unreachable: ${kube.reason}`,
    );
  };

  context.subscriptions.push(
    log,
    { dispose: () => void service.dispose() },
    diagnostics,
    status,
    ...registerProviders(currentService, convert),
    ...registerCommands({ service: currentService, convert, diagnostics, refreshStatus: showContext }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(settingsSection)) return;
      settings = readSettings(vscode.workspace.getConfiguration(settingsSection));
      void restartService().then(showContext);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restartService()),
  );
  void diagnostics.validateAll().then(showContext);
  // The time a user waits for the first squiggle; the editor e2e reads it from this log.
  void diagnostics.firstDiagnosticsSet.then(() =>
    log.info(`first diagnostics ${Date.now() - activatedAt} ms after activation`),
  );
}

export function deactivate(): void {}
