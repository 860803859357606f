// The language service's editor-agnostic vocabulary. Positions are 0-based lines and UTF-16
// code-unit columns, as LSP and VS Code count them, so adapters convert nothing but types.

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable kebab-case rule code, e.g. `paused-not-boolean`. */
  code: string;
  message: string;
}

export interface TextEdit { range: Range; newText: string }

export interface CompletionItem {
  label: string;
  /** Text to insert; a snippet (`$1`, `${1:name}`) when `isSnippet`. */
  insertText: string;
  isSnippet?: boolean;
  /** The text the insertion replaces; defaults to the word at the cursor. */
  range?: Range;
  detail?: string;
  documentation?: string;
  kind: 'value' | 'snippet' | 'reference';
}

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Range;
}

export interface CodeAction {
  title: string;
  kind: 'quickfix' | 'refactor';
  /** The diagnostic codes this action fixes (empty for refactors). */
  fixes: string[];
  edits: TextEdit[];
  isPreferred?: boolean;
}

/** An ImageStream known to the workspace: whether single-segment images resolve to it. */
export interface WorkspaceImageStream {
  name: string;
  namespace?: string;
  /** spec.lookupPolicy.local */
  local: boolean;
}

export interface LanguageService {
  /** `workspace`: ImageStreams declared in other files (the linter reads them all first). */
  validate(text: string, workspace?: { imageStreams: readonly WorkspaceImageStream[] }): Diagnostic[];
  /** The ImageStreams a file declares, for other files' `validate`. */
  imageStreams(text: string): WorkspaceImageStream[];
  complete(text: string, position: Position, signal?: AbortSignal): Promise<CompletionItem[]>;
  hover(text: string, position: Position, signal?: AbortSignal): Promise<Hover | null>;
  codeActions(text: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]>;
}

/** What the registry says about an image reference, for hovers and pinning. */
export interface ImageDescription {
  /** The digest the reference resolves to: an index digest for a multi-platform image. */
  digest: string;
  mediaType?: string;
  /** RFC 3339 creation time from the image config, when known. */
  created?: string;
  /** For an index: each child with its platform, e.g. `linux/arm64/v8`. */
  platforms?: Array<{ platform: string; digest: string; created?: string }>;
}

/** Resolves image references; the real one wraps the registry client. */
export interface ImageLookup {
  describe(reference: string, signal: AbortSignal): Promise<ImageDescription>;
}

/** One tag of an ImageStream, from workspace files or the cluster. */
export interface StreamTagInfo {
  /** `stream:tag`, as `from.name` writes it. */
  name: string;
  namespace?: string;
  /** status.tags[].items[0]: what a trigger would write now. */
  current?: { image: string; dockerImageReference?: string; created?: string };
  /** Older items, newest first. */
  history?: Array<{ image: string; dockerImageReference?: string; created?: string }>;
  source: 'document' | 'workspace' | 'cluster';
}

/** Stream tags the editor knows beyond the open text: workspace files, and the cluster when reachable. */
export interface StreamSource {
  streamTags(signal: AbortSignal): Promise<StreamTagInfo[]>;
}
