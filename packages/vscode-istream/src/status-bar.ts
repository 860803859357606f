import * as vscode from 'vscode';
import type { KubeContext } from './kube-context-status.js';

/** Shows which kube context completion and hover read image streams from; a click opens the settings. */
export class ClusterStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('istream.cluster', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'istream cluster';
    this.item.command = {
      title: 'istream settings',
      command: 'workbench.action.openSettings',
      arguments: ['istream.cluster'],
    };
  }

  show(context: KubeContext): void {
    if (context.kind === 'context' && context.reachable) {
      this.item.text = `$(cloud) istream: ${context.name}`;
      const tags = `${context.streamTags} stream tag${context.streamTags === 1 ? '' : 's'}`;
      this.item.tooltip = `Image streams are looked up in kube context "${context.name}", namespace ${context.namespace} (${context.server}): ${tags}`;
    } else if (context.kind === 'context') {
      this.item.text = `$(warning) istream: ${context.name} unreachable`;
      this.item.tooltip = `No image streams from kube context "${context.name}", namespace ${context.namespace}: ${context.reason}`;
    } else {
      this.item.text = '$(circle-slash) istream: no cluster';
      this.item.tooltip = `No cluster lookups: ${context.reason}`;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
