import * as vscode from 'vscode';
import type { RemoteLanguageService } from './language-client.js';
import { withAbortSignal } from './cancellation.js';
import type { Converter } from './convert.js';

const yamlFiles: vscode.DocumentSelector = { language: 'yaml' };

// Inside the annotation's JSON: a quote opens fieldPath or from.name, `.` and `[` walk a path, `:`
// starts a tag.
const completionTriggers = ['"', '.', '[', ':'];

/** Registers completion, hover and code actions, each a thin call into the language service. */
export function registerProviders(service: () => RemoteLanguageService, convert: Converter): vscode.Disposable[] {
  return [
    vscode.languages.registerCompletionItemProvider(
      yamlFiles,
      {
        async provideCompletionItems(document, position, token) {
          const items = await withAbortSignal(token, (signal) =>
            service().complete(document.getText(), convert.fromPosition(position), signal),
          );
          return items.map((item, i) => convert.toCompletionItem(item, i));
        },
      },
      ...completionTriggers,
    ),

    vscode.languages.registerHoverProvider(yamlFiles, {
      async provideHover(document, position, token) {
        const hover = await withAbortSignal(token, (signal) =>
          service().hover(document.getText(), convert.fromPosition(position), signal),
        );
        return hover ? convert.toHover(hover) : undefined;
      },
    }),

    vscode.languages.registerCodeActionsProvider(
      yamlFiles,
      {
        async provideCodeActions(document, range, context) {
          const actions = await service().codeActions(
            document.getText(),
            convert.fromRange(range),
            convert.fromDiagnostics(context.diagnostics),
          );
          return actions.map((action) => convert.toCodeAction(action, document.uri, context.diagnostics));
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite] },
    ),
  ];
}
