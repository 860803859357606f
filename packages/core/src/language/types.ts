// The language service's editor-agnostic vocabulary. Positions are 0-based lines and UTF-16
// code-unit columns, as LSP and VS Code count them, so adapters convert nothing but types.

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable kebab-case rule code, e.g. `paused-not-boolean`. */
  code: string;
  message: string;
  /** The rule's documentation page (LSP's codeDescription), linked from the code. */
  codeDescription?: { href: string };
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface CompletionItem {
  /** What the list shows first; it should fit the list's width (a container name, not a path). */
  label: string;
  /** Shown right after the label, dimmed (e.g. ` init container`). */
  labelDetail?: string;
  /** Shown right-aligned (e.g. the full fieldPath the item inserts). */
  labelDescription?: string;
  /**
   * What typing is matched against, from the start of `range`; defaults to `insertText`. Editors
   * list items in the order given, so the first item matching the typed text is the one chosen.
   */
  filterText?: string;
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
  /** Which refactoring this is, for editor commands that apply one directly. */
  refactoring?: 'pin-image' | 'add-trigger';
  kind: 'quickfix' | 'refactor';
  /** The diagnostic codes this action fixes (empty for refactors). */
  fixes: string[];
  edits: TextEdit[];
  isPreferred?: boolean;
}

/** How "pin every image" writes a digest: `web:1@sha256:...`, or `web@sha256:... # web:1`. */
export type PinStyle = 'tag-and-digest' | 'digest-tag-comment';

export interface PinImagesResult {
  edits: TextEdit[];
  /** The references pinned, each once. */
  pinned: string[];
  /** The references the registry could not resolve, and why. */
  failed: Array<{ image: string; reason: string }>;
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
  /** Edits pinning every container image of the text that has no digest yet. */
  pinImages(text: string, style: PinStyle): Promise<PinImagesResult>;
  /** Drops every cached lookup (registry digests, stream tags): the next ones ask again. */
  forgetLookups(): void;
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

/** A lookup that could not be made, so a hover says which source failed and why. */
export interface SourceFailure {
  source: 'registry' | 'cluster' | 'workspace';
  reason: string;
}

/** What a stream source found, and the sources it could not read. */
export interface StreamTagAnswer {
  tags: StreamTagInfo[];
  failures: SourceFailure[];
}

/**
 * Stream tags the editor knows beyond the open text: workspace files, and the cluster when
 * reachable. A plain list means nothing failed.
 */
export interface StreamSource {
  streamTags(signal: AbortSignal): Promise<StreamTagInfo[] | StreamTagAnswer>;
}
