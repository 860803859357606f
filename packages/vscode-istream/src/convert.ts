// Conversions between the language service's plain values and VS Code's classes. Both count lines
// from 0 and columns in UTF-16 code units, so positions carry over unchanged; what is converted is
// the vocabulary (severities, kinds, snippets, markdown, edits, which diagnostics an action fixes).
import type * as vscode from 'vscode';
import type * as language from '@istream/core/language';

/**
 * The vscode classes the conversions construct: the real module inside the extension host,
 * stand-ins in unit tests (the vscode module exists only inside VS Code).
 */
export type VscodeValues = Pick<
  typeof vscode,
  | 'Position'
  | 'Range'
  | 'Diagnostic'
  | 'DiagnosticSeverity'
  | 'CompletionItem'
  | 'CompletionItemKind'
  | 'SnippetString'
  | 'MarkdownString'
  | 'Hover'
  | 'CodeAction'
  | 'CodeActionKind'
  | 'WorkspaceEdit'
  | 'Uri'
>;

/** Marks the diagnostics this extension owns, so code actions never claim another linter's. */
export const diagnosticSource = 'istream';

export type Converter = ReturnType<typeof createConverter>;

export function createConverter(vs: VscodeValues) {
  const severities: Record<language.Severity, vscode.DiagnosticSeverity> = {
    error: vs.DiagnosticSeverity.Error,
    warning: vs.DiagnosticSeverity.Warning,
    information: vs.DiagnosticSeverity.Information,
    hint: vs.DiagnosticSeverity.Hint,
  };
  const completionKinds: Record<language.CompletionItem['kind'], vscode.CompletionItemKind> = {
    value: vs.CompletionItemKind.Value,
    snippet: vs.CompletionItemKind.Snippet,
    reference: vs.CompletionItemKind.Reference,
  };

  const toPosition = (p: language.Position): vscode.Position => new vs.Position(p.line, p.character);
  const toRange = (r: language.Range): vscode.Range => new vs.Range(toPosition(r.start), toPosition(r.end));
  const fromPosition = (p: vscode.Position): language.Position => ({ line: p.line, character: p.character });
  const fromRange = (r: vscode.Range): language.Range => ({ start: fromPosition(r.start), end: fromPosition(r.end) });

  function toDiagnostic(d: language.Diagnostic): vscode.Diagnostic {
    const diagnostic = new vs.Diagnostic(toRange(d.range), d.message, severities[d.severity]);
    diagnostic.source = diagnosticSource;
    // The code links to the rule's page, as SARIF's helpUri does.
    diagnostic.code = d.codeDescription ? { value: d.code, target: vs.Uri.parse(d.codeDescription.href) } : d.code;
    return diagnostic;
  }

  /** Our diagnostics among those VS Code hands to a code-action request, back in core's terms. */
  function fromDiagnostics(diagnostics: readonly vscode.Diagnostic[]): language.Diagnostic[] {
    const severityNames = new Map(
      Object.entries(severities).map(([name, value]) => [value, name as language.Severity]),
    );
    return diagnostics
      .filter((d) => d.source === diagnosticSource)
      .map((d) => ({
        range: fromRange(d.range),
        severity: severityNames.get(d.severity) ?? 'error',
        code: codeOf(d),
        message: d.message,
      }));
  }

  /** `position` is the item's place in the service's list: VS Code keeps that order (no re-sorting by label). */
  function toCompletionItem(item: language.CompletionItem, position: number): vscode.CompletionItem {
    const label =
      item.labelDetail !== undefined || item.labelDescription !== undefined
        ? { label: item.label, detail: item.labelDetail, description: item.labelDescription }
        : item.label;
    const completion = new vs.CompletionItem(label, completionKinds[item.kind]);
    completion.insertText = item.isSnippet ? new vs.SnippetString(item.insertText) : item.insertText;
    completion.sortText = String(position).padStart(5, '0');
    if (item.range) {
      completion.range = toRange(item.range);
      // VS Code keeps an item only if the text between the range's start and the cursor matches
      // its filter text; a range that starts at a JSON string's opening quote needs the quote.
      if (!item.isSnippet) completion.filterText = item.filterText ?? item.insertText;
    } else if (item.filterText !== undefined) {
      completion.filterText = item.filterText;
    }
    if (item.detail !== undefined) completion.detail = item.detail;
    if (item.documentation !== undefined) completion.documentation = new vs.MarkdownString(item.documentation);
    return completion;
  }

  const toHover = (hover: language.Hover): vscode.Hover =>
    new vs.Hover(new vs.MarkdownString(hover.contents), toRange(hover.range));

  /**
   * `requestDiagnostics` are those VS Code passed with the request; the action is linked to the
   * ones it fixes, which is what puts it on the diagnostic's lightbulb and hover.
   */
  function toCodeAction(
    action: language.CodeAction,
    uri: vscode.Uri,
    requestDiagnostics: readonly vscode.Diagnostic[],
  ): vscode.CodeAction {
    const kind = action.kind === 'quickfix' ? vs.CodeActionKind.QuickFix : vs.CodeActionKind.RefactorRewrite;
    const codeAction = new vs.CodeAction(action.title, kind);
    const edit = new vs.WorkspaceEdit();
    for (const e of action.edits) edit.replace(uri, toRange(e.range), e.newText);
    codeAction.edit = edit;
    const fixed = requestDiagnostics.filter((d) => d.source === diagnosticSource && action.fixes.includes(codeOf(d)));
    if (fixed.length > 0) codeAction.diagnostics = fixed;
    if (action.isPreferred) codeAction.isPreferred = true;
    return codeAction;
  }

  return {
    toPosition,
    toRange,
    fromPosition,
    fromRange,
    toDiagnostic,
    fromDiagnostics,
    toCompletionItem,
    toHover,
    toCodeAction,
  };
}

function codeOf(d: vscode.Diagnostic): string {
  const code = d.code;
  if (code === undefined) return '';
  return typeof code === 'object' ? String(code.value) : String(code);
}
