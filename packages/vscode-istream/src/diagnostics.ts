import * as vscode from 'vscode';
import { KeyedCoalescer } from './coalesce.js';
import type { Converter } from './convert.js';
import { KeyedDebouncer } from './debounce.js';
import type { RemoteLanguageService } from './language-client.js';

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
  private readonly coalescer = new KeyedCoalescer<string>();
  private readonly subscriptions: vscode.Disposable[];
  private firstShown: (() => void) | undefined;
  /** Resolves when the first diagnostics of any document are set (for the activation timing in the log). */
  readonly firstDiagnosticsSet = new Promise<void>((resolve) => {
    this.firstShown = resolve;
  });

  constructor(
    private readonly service: () => RemoteLanguageService,
    private readonly convert: Converter,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => void this.validate(doc)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        const doc = event.document;
        if (isManifest(doc)) this.debouncer.schedule(doc.uri.toString(), () => void this.validate(doc));
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.debouncer.cancel(doc.uri.toString());
        this.collection.delete(doc.uri);
      }),
    ];
  }

  /** Validates every open document; resolves when their diagnostics are set. */
  async validateAll(): Promise<void> {
    await Promise.all(vscode.workspace.textDocuments.map((doc) => this.validate(doc)));
  }

  /**
   * Validates files whether open or not, for the Problems panel: open ones as they are in the
   * editor, the others as they are on disk.
   */
  async lintFiles(uris: readonly vscode.Uri[]): Promise<{ problems: number; filesWithProblems: number }> {
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    let problems = 0;
    let filesWithProblems = 0;
    for (const uri of uris) {
      const document = open.get(uri.toString());
      let text: string;
      try {
        text = document ? document.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch (err) {
        this.log.error(`reading ${uri.fsPath} failed: ${(err as Error).message}`);
        continue;
      }
      const found = await this.service()
        .validate(text)
        .catch((err: Error) => {
          this.log.error(`validating ${uri.fsPath} failed: ${err.message}`);
          return [];
        });
      this.collection.set(
        uri,
        found.map((d) => this.convert.toDiagnostic(d)),
      );
      problems += found.length;
      if (found.length > 0) filesWithProblems++;
    }
    return { problems, filesWithProblems };
  }

  private async validate(document: vscode.TextDocument): Promise<void> {
    if (!isManifest(document)) {
      // A document switched away from YAML keeps no stale problems.
      this.collection.delete(document.uri);
      return;
    }
    await this.coalescer.run(document.uri.toString(), () => this.validateNow(document));
  }

  private async validateNow(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    const version = document.version;
    const started = Date.now();
    let diagnostics;
    try {
      diagnostics = await this.service().validate(document.getText());
    } catch (err) {
      this.log.error(`validating ${document.uri.fsPath} failed: ${(err as Error).message}`);
      return;
    }
    // An answer for text that has changed since would put problems in the wrong places; the
    // change has scheduled its own validation.
    if (document.isClosed || document.version !== version) return;
    this.collection.set(
      document.uri,
      diagnostics.map((d) => {
        const converted = this.convert.toDiagnostic(d);
        converted.range = document.validateRange(converted.range);
        return converted;
      }),
    );
    this.firstShown?.();
    this.firstShown = undefined;
    this.log.trace(
      `validated ${document.uri.fsPath} v${version}: ${diagnostics.length} problems in ${Date.now() - started} ms`,
    );
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
