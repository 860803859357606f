import { MAX_ALIAS_COUNT, ParsedFile } from './document.js';
import { TtlCache, withDeadline } from './cache.js';
import { codeActions } from './code-actions.js';
import { complete } from './completion.js';
import { hover } from './hover.js';
import { documentStreamTags } from './streams.js';
import { pinImages } from './pin-images.js';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  Hover,
  ImageDescription,
  ImageLookup,
  LanguageService,
  PinImagesResult,
  PinStyle,
  Position,
  Range,
  StreamSource,
  StreamTagAnswer,
  WorkspaceImageStream,
} from './types.js';
import { FindingsCache, toDiagnostic, validateParsed } from './validation.js';
import { declaredImageStreams, imageLookupFindings } from './image-lookup.js';
import { LineIndex } from './positions.js';
import { ruleHelpUri } from './rules.js';

export interface LanguageServiceOptions {
  /** Digest, platforms and creation time of image references (hover, "Pin image to digest"). */
  imageLookup?: ImageLookup;
  /** ImageStream tags from the workspace and the cluster (completion of from.name, hover). */
  streams?: StreamSource;
  /** How long hover and completion wait for a lookup before answering without it; default 2000 ms. */
  lookupTimeoutMs?: number;
  /** How long a lookup result is reused; default 60 s. A failed lookup is reused for 5 s at most. */
  cacheTtlMs?: number;
  /**
   * How long code actions wait for a lookup ("Pin image to digest"); default 0: only a digest
   * already looked up is offered, and the lookup started for the next time. VS Code asks again 250
   * ms after the cursor moves and drops a Ctrl+. still waiting then ("No code actions available"),
   * and its own ask on moving to the line has usually started the lookup by the time of Ctrl+.
   */
  codeActionLookupMs?: number;
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
  const maxAliasCount = options.maxAliasCount ?? MAX_ALIAS_COUNT;
  const timeoutMs = options.lookupTimeoutMs ?? 2000;
  const now = options.now ?? Date.now;
  const images = new TtlCache<ImageDescription>(options.cacheTtlMs ?? 60_000, now);
  const streams = new TtlCache<StreamTagAnswer>(options.cacheTtlMs ?? 60_000, now);
  const findings = new FindingsCache();
  let last: ParsedFile | undefined;

  /** The parse of `text`, reused while the editor asks several features about one version. */
  const parse = (text: string): ParsedFile => {
    if (last?.source !== text) last = new ParsedFile(text);
    return last;
  };

  const lookup = options.imageLookup;
  /** Shared by every caller; a caller's cancellation stops its wait, not the cached lookup. */
  const describe = (reference: string, signal?: AbortSignal, waitMs = timeoutMs): Promise<ImageDescription> => {
    if (!lookup) return Promise.reject(new Error('no image lookup configured'));
    const cached = images.get(reference, () =>
      withDeadline(timeoutMs, undefined, (s) => lookup.describe(reference, s)),
    );
    return signal || waitMs < timeoutMs ? withDeadline(waitMs, signal, () => cached) : cached;
  };
  const codeActionLookupMs = options.codeActionLookupMs ?? 0;
  const streamTags = async (file: ParsedFile, signal?: AbortSignal): Promise<StreamTagAnswer> => {
    const local = documentStreamTags(file);
    const source = options.streams;
    if (!source) return { tags: local, failures: [] };
    const load = (): Promise<StreamTagAnswer> =>
      withDeadline(timeoutMs, undefined, (s) => source.streamTags(s)).then((answer) =>
        Array.isArray(answer) ? { tags: answer, failures: [] } : answer,
      );
    const external = await streams
      .get('all', load, (answer) => answer.failures.length > 0)
      .then((answer) => (signal ? withDeadline(timeoutMs, signal, async () => answer) : answer))
      .catch((): StreamTagAnswer => ({ tags: [], failures: [] }));
    return { tags: [...local, ...external.tags], failures: external.failures };
  };

  return {
    validate(text: string, workspace?: { imageStreams: readonly WorkspaceImageStream[] }): Diagnostic[] {
      const early = precheck(text, maxFileSize);
      if (early) return early;
      try {
        const file = parse(text);
        const lookups = imageLookupFindings(file, [...declaredImageStreams(file), ...(workspace?.imageStreams ?? [])]);
        const diagnostics = validateParsed(file, { maxAliasCount, maxCheckedSize }, findings);
        if (lookups.length === 0) return diagnostics;
        return [...diagnostics, ...lookups.map((f) => toDiagnostic(file, f))].sort(
          (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
        );
      } catch (e) {
        return [internalError(e)];
      }
    },
    imageStreams(text: string): WorkspaceImageStream[] {
      return precheck(text, maxFileSize) ? [] : declaredImageStreams(parse(text));
    },
    async complete(text: string, position: Position, signal?: AbortSignal): Promise<CompletionItem[]> {
      if (precheck(text, maxFileSize)) return [];
      const file = parse(text);
      return complete(
        file,
        file.lines.offset(position),
        { streamTags: async (s) => (await streamTags(file, s)).tags },
        signal,
      );
    },
    async hover(text: string, position: Position, signal?: AbortSignal): Promise<Hover | null> {
      if (precheck(text, maxFileSize)) return null;
      const file = parse(text);
      return hover(
        file,
        file.lines.offset(position),
        { describe, streamTags: (s) => streamTags(file, s), canDescribe: lookup !== undefined },
        signal,
      );
    },
    async codeActions(text: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
      if (precheck(text, maxFileSize)) return [];
      const file = parse(text);
      const span: [number, number] = [file.lines.offset(range.start), file.lines.offset(range.end)];
      return codeActions(file, span, diagnostics, {
        describe: (r) => describe(r, undefined, codeActionLookupMs),
        canDescribe: lookup !== undefined,
      });
    },
    async pinImages(text: string, style: PinStyle): Promise<PinImagesResult> {
      if (precheck(text, maxFileSize)) return { edits: [], pinned: [], failed: [] };
      const file = parse(text);
      const result = await pinImages(file, style, (r) => describe(r));
      return {
        ...result,
        edits: result.edits.map((e) => ({ range: file.lines.range(e.span[0], e.span[1]), newText: e.newText })),
      };
    },
    forgetLookups(): void {
      images.clear();
      streams.clear();
    },
  };
}

/** Inputs refused before parsing: binary files and files too large to read in an editor's time. */
function precheck(text: string, maxFileSize: number): Diagnostic[] | undefined {
  const start = { line: 0, character: 0 };
  if (text.length > maxFileSize) {
    const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
    return [
      {
        range: { start, end: start },
        severity: 'error',
        code: 'file-too-large',
        message: `the file has ${mib(text.length)} MiB; the linter reads files up to ${mib(maxFileSize)} MiB: split it into smaller manifests`,
        codeDescription: { href: ruleHelpUri('file-too-large') },
      },
    ];
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const at = new LineIndex(text).position(nul);
    return [
      {
        range: { start: at, end: { line: at.line, character: at.character + 1 } },
        severity: 'error',
        code: 'not-text',
        message: 'the file contains a NUL byte: it is binary, not a YAML manifest',
        codeDescription: { href: ruleHelpUri('not-text') },
      },
    ];
  }
  return undefined;
}

/** A bug of ours must not take the editor down: it becomes one diagnostic that says so. */
function internalError(e: unknown): Diagnostic {
  const start = { line: 0, character: 0 };
  return {
    range: { start, end: start },
    severity: 'error',
    code: 'internal-error',
    message: `the linter failed on this file (${e instanceof Error ? e.message : String(e)}): please report it`,
    codeDescription: { href: ruleHelpUri('internal-error') },
  };
}
