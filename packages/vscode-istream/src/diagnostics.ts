import * as vscode from 'vscode';
import type { LanguageService } from '@istream/core/language';
import type { Converter } from './convert.js';
import { KeyedDebouncer } from './debounce.js';

/** Quiet time after the last keystroke before a document is validated again. */
export const validateDelayMs = 200;

export function isManifest(document: vscode.TextDocument): boolean {
  return document.languageId === 'yaml';
}

/**
 * Keeps the Problems panel in step with every open YAML document: validated at once when opened,
 * again once typing pauses, and cleared when closed.
 */
export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('istream');
  private readonly debouncer = new KeyedDebouncer<string>(validateDelayMs);
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly service: () => LanguageService,
    private readonly convert: Converter,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.validate(doc)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        const doc = event.document;
        if (isManifest(doc)) this.debouncer.schedule(doc.uri.toString(), () => this.validate(doc));
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.debouncer.cancel(doc.uri.toString());
        this.collection.delete(doc.uri);
      }),
    ];
  }

  validateAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.validate(doc);
  }

  private validate(document: vscode.TextDocument): void {
    if (!isManifest(document)) {
      // A document switched away from YAML keeps no stale problems.
      this.collection.delete(document.uri);
      return;
    }
    if (document.isClosed) return;
    const started = Date.now();
    const diagnostics = this.service().validate(document.getText());
    this.collection.set(document.uri, diagnostics.map((d) => {
      const converted = this.convert.toDiagnostic(d);
      converted.range = document.validateRange(converted.range);
      return converted;
    }));
    this.log.trace(`validated ${document.uri.fsPath} v${document.version}: ${diagnostics.length} problems in ${Date.now() - started} ms`);
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
