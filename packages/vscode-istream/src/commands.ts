// The extension's commands (Command Palette, "istream: ..."): each asks the language service and
// applies or shows its answer; none decides anything itself.
import * as vscode from 'vscode';
import type { PinStyle, TextEdit } from '@istream/core/language';
import type { Converter } from './convert.js';
import type { DiagnosticsController } from './diagnostics.js';
import type { RemoteLanguageService } from './language-client.js';

/** Folders never linted: dependencies and build output hold no manifests of the user's. */
const excludedFolders = '**/{node_modules,.git,dist,out}/**';
const maxLintedFiles = 5000;

export interface CommandDeps {
  service: () => RemoteLanguageService;
  convert: Converter;
  diagnostics: DiagnosticsController;
  /** Reads the kube context again for the status bar. */
  refreshStatus: () => Promise<void>;
}

export function registerCommands({ service, convert, diagnostics, refreshStatus }: CommandDeps): vscode.Disposable[] {
  /** Applies the service's edits to `document` unless it changed while the service answered. */
  const apply = async (document: vscode.TextDocument, version: number, edits: TextEdit[]): Promise<boolean> => {
    if (document.version !== version) {
      void vscode.window.showWarningMessage(
        'istream: the file changed while the registry answered; run the command again',
      );
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(document.uri, convert.toRange(e.range), e.newText);
    return vscode.workspace.applyEdit(edit);
  };

  return [
    vscode.commands.registerCommand('istream.refreshStreams', async () => {
      await service().forgetLookups();
      await diagnostics.validateAll();
      await refreshStatus();
      vscode.window.setStatusBarMessage('istream: image streams and digests are read again on the next lookup', 5000);
    }),

    vscode.commands.registerCommand('istream.lintWorkspace', async () => {
      const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', excludedFolders, maxLintedFiles);
      const { problems, filesWithProblems } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `istream: linting ${files.length} YAML files` },
        () => diagnostics.lintFiles(files),
      );
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      void vscode.window.showInformationMessage(
        `istream: ${problems} problems in ${filesWithProblems} of ${files.length} YAML files`,
      );
    }),

    vscode.commands.registerCommand('istream.pinImages', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      const choice = await vscode.window.showQuickPick<vscode.QuickPickItem & { style: PinStyle }>(
        [
          {
            label: 'image@digest, the tag kept in a comment',
            description: 'web@sha256:… # web:1.2',
            style: 'digest-tag-comment',
          },
          { label: 'tag@digest', description: 'web:1.2@sha256:…', style: 'tag-and-digest' },
        ],
        { title: 'istream: pin every image in this file to its digest' },
      );
      if (!choice) return;
      const document = editor.document;
      const version = document.version;
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'istream: looking up digests' },
        () => service().pinImages(document.getText(), choice.style),
      );
      if (result.edits.length > 0 && !(await apply(document, version, result.edits))) return;
      const failed = result.failed.map((f) => `${f.image}: ${f.reason}`).join('; ');
      if (failed)
        void vscode.window.showWarningMessage(`istream: pinned ${result.pinned.length} images; not pinned: ${failed}`);
      else void vscode.window.showInformationMessage(`istream: pinned ${result.pinned.length} images`);
    }),

    vscode.commands.registerCommand('istream.addTrigger', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      const document = editor.document;
      const version = document.version;
      const at = convert.fromPosition(editor.selection.active);
      const actions = await service().codeActions(document.getText(), { start: at, end: at }, []);
      const add = actions.find((a) => a.refactoring === 'add-trigger');
      if (!add) {
        void vscode.window.showInformationMessage(
          'istream: the cursor is not in a container without a trigger, in a workload kind OpenShift triggers',
        );
        return;
      }
      await apply(document, version, add.edits);
    }),
  ];
}
