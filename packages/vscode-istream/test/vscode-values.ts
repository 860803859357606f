// Stand-ins for the few vscode classes the converters construct: the vscode module exists only
// inside VS Code's extension host. They hold what they are given, like the real value classes.
import type { VscodeValues } from '../src/convert.js';

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}
enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}
class Diagnostic {
  source?: string;
  code?: string | number | { value: string | number; target: unknown };
  constructor(
    public range: Range,
    public message: string,
    public severity: DiagnosticSeverity,
  ) {}
}
enum CompletionItemKind {
  Value = 11,
  Snippet = 14,
  Reference = 17,
}
class CompletionItem {
  insertText?: unknown;
  range?: Range;
  filterText?: string;
  sortText?: string;
  detail?: string;
  documentation?: unknown;
  constructor(
    readonly label: string | { label: string; detail?: string; description?: string },
    readonly kind: CompletionItemKind,
  ) {}
}
class SnippetString {
  constructor(readonly value: string) {}
}
class MarkdownString {
  constructor(readonly value: string) {}
}
class Hover {
  constructor(
    readonly contents: MarkdownString,
    readonly range: Range,
  ) {}
}
class CodeActionKind {
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  constructor(readonly value: string) {}
}
class CodeAction {
  edit?: WorkspaceEdit;
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  constructor(
    readonly title: string,
    readonly kind: CodeActionKind,
  ) {}
}
class Uri {
  private constructor(readonly value: string) {}
  static parse(value: string): Uri {
    return new Uri(value);
  }
  toString(): string {
    return this.value;
  }
}
class WorkspaceEdit {
  readonly replacements: Array<{ uri: unknown; range: Range; newText: string }> = [];
  replace(uri: unknown, range: Range, newText: string): void {
    this.replacements.push({ uri, range, newText });
  }
}

export const vscodeValues = {
  Position,
  Range,
  Diagnostic,
  DiagnosticSeverity,
  CompletionItem,
  CompletionItemKind,
  SnippetString,
  MarkdownString,
  Hover,
  CodeAction,
  CodeActionKind,
  WorkspaceEdit,
  Uri,
} as unknown as VscodeValues;
