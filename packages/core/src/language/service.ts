import { ParsedFile } from './document.js';
import type { CodeAction, CompletionItem, Diagnostic, Hover, ImageLookup, LanguageService, Position, Range, StreamSource } from './types.js';
import { validateParsed } from './validation.js';
import { LineIndex } from './positions.js';

export interface LanguageServiceOptions {
  /** Digest, platforms and creation time of image references (hover, "Pin image to digest"). */
  imageLookup?: ImageLookup;
  /** ImageStream tags from the workspace and the cluster (completion of from.name, hover). */
  streams?: StreamSource;
  /** How long hover and completion wait for a lookup before answering without it; default 2000 ms. */
  lookupTimeoutMs?: number;
  /** How long a lookup result is reused; default 60 s. */
  cacheTtlMs?: number;
  /** Milliseconds since the epoch; injectable so cache expiry is testable. */
  now?: () => number;
  /** Files larger than this many characters get one diagnostic instead of a parse; default 64 MiB. */
  maxFileSize?: number;
  /** Characters of documents with triggers checked per file; default 2 MiB. */
  maxCheckedSize?: number;
  /** Alias expansions per document before it counts as an alias bomb; default 100. */
  maxAliasCount?: number;
}

export function createLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const maxFileSize = options.maxFileSize ?? 64 * 1024 * 1024;
  const maxCheckedSize = options.maxCheckedSize ?? 2 * 1024 * 1024;
  const maxAliasCount = options.maxAliasCount ?? 100;
  let last: ParsedFile | undefined;

  /** The parse of `text`, reused while the editor asks several features about one version. */
  const parse = (text: string): ParsedFile => {
    if (last?.text !== text) last = new ParsedFile(text);
    return last;
  };

  return {
    validate(text: string): Diagnostic[] {
      const early = precheck(text, maxFileSize);
      if (early) return early;
      try {
        return validateParsed(parse(text), { maxAliasCount, maxCheckedSize });
      } catch (e) {
        return [internalError(text, e)];
      }
    },
    async complete(_text: string, _position: Position, _signal?: AbortSignal): Promise<CompletionItem[]> {
      return [];
    },
    async hover(_text: string, _position: Position, _signal?: AbortSignal): Promise<Hover | null> {
      return null;
    },
    async codeActions(_text: string, _range: Range, _diagnostics: Diagnostic[]): Promise<CodeAction[]> {
      return [];
    },
  };
}

/** Inputs refused before parsing: binary files and files too large to read in an editor's time. */
function precheck(text: string, maxFileSize: number): Diagnostic[] | undefined {
  const start = { line: 0, character: 0 };
  if (text.length > maxFileSize) {
    const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
    return [{ range: { start, end: start }, severity: 'error', code: 'file-too-large', message: `the file has ${mib(text.length)} MiB; the linter reads files up to ${mib(maxFileSize)} MiB: split it into smaller manifests` }];
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const at = new LineIndex(text).position(nul);
    return [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, severity: 'error', code: 'not-text', message: 'the file contains a NUL byte: it is binary, not a YAML manifest' }];
  }
  return undefined;
}

/** A bug of ours must not take the editor down: it becomes one diagnostic that says so. */
function internalError(text: string, e: unknown): Diagnostic {
  const start = { line: 0, character: 0 };
  void text;
  return { range: { start, end: start }, severity: 'error', code: 'internal-error', message: `the linter failed on this file (${e instanceof Error ? e.message : String(e)}): please report it` };
}
