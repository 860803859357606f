// Wires @istream/core's language service into VS Code. Every answer comes from the service; this
// file only decides when to ask (open, typing, settings changes) and where the answer goes.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { createLanguageService, type LanguageService } from '@istream/core/language';
import { createConverter } from './convert.js';
import { DiagnosticsController } from './diagnostics.js';
import { resolveKubeContext } from './kube-context.js';
import { registerProviders } from './providers.js';
import { readSettings, settingsSection, type IstreamSettings } from './settings.js';
import { ClusterStatusItem } from './status-bar.js';

function createService(settings: IstreamSettings): LanguageService {
  return createLanguageService({ cacheTtlMs: settings.hoverCacheTtlSeconds * 1000 });
}

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('istream', { log: true });
  const convert = createConverter(vscode);
  let settings = readSettings(vscode.workspace.getConfiguration(settingsSection));
  let service = createService(settings);
  const currentService = (): LanguageService => service;

  const diagnostics = new DiagnosticsController(currentService, convert, log);
  const status = new ClusterStatusItem();
  const showContext = async (): Promise<void> => {
    const kube = await resolveKubeContext({
      clusterEnabled: settings.clusterEnabled,
      configuredContext: settings.clusterContext,
      kubeconfigEnv: process.env['KUBECONFIG'],
      home: homedir(),
    });
    status.show(kube);
    log.info(kube.kind === 'context' ? `kube context: ${kube.name}` : `no cluster: ${kube.reason}`);
  };

  context.subscriptions.push(
    log,
    diagnostics,
    status,
    ...registerProviders(currentService, convert),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(settingsSection)) return;
      settings = readSettings(vscode.workspace.getConfiguration(settingsSection));
      service = createService(settings);
      diagnostics.validateAll();
      void showContext();
    }),
  );
  diagnostics.validateAll();
  void showContext();
}

export function deactivate(): void {}
