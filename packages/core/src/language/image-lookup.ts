// A single-segment image (`myapp:latest`) that names an ImageStream whose lookupPolicy.local is
// not true: admission leaves it alone and the node pulls docker.io/library/myapp from Docker Hub,
// a stranger's image or none. The linter knows the streams of every file it reads; the editor
// those of the open file.
import { child, type ParsedFile } from './document.js';
import type { Finding } from './validation.js';
import type { WorkspaceImageStream } from './types.js';

/** `kind: ImageStream` in YAML or JSON form: every trigger names ImageStreamTag, so the word alone is no filter. */
const DECLARES_STREAM = /\bkind["']?\s*:\s*["']?ImageStream["']?\s*(?:[,}]|$)/m;

/** The ImageStreams a file declares, with their lookup policy. */
export function declaredImageStreams(file: ParsedFile): WorkspaceImageStream[] {
  const found: WorkspaceImageStream[] = [];
  for (const i of file.chunksContaining('ImageStream')) {
    const { start, end } = file.chunks[i]!;
    if (!DECLARES_STREAM.test(file.text.slice(start, end))) continue;
    for (const r of file.chunk(i).resources) {
      if (r.kind !== 'ImageStream' || !r.name) continue;
      const policy = child(r.doc, child(r.doc, r.node, 'spec'), 'lookupPolicy');
      const local = child(r.doc, policy, 'local') as { value?: unknown } | undefined;
      found.push({ name: r.name, namespace: r.namespace, local: local?.value === true });
    }
  }
  return found;
}

/** `myapp:latest` -> `myapp`; undefined for anything local lookup never resolves. */
function singleSegmentName(image: string): string | undefined {
  if (image.includes('/') || image.includes('@')) return undefined;
  const name = image.split(':')[0] ?? '';
  return /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) ? name : undefined;
}

export function imageLookupFindings(file: ParsedFile, streams: readonly WorkspaceImageStream[]): Finding[] {
  const notLocal = streams.filter((s) => !s.local);
  if (notLocal.length === 0) return [];
  const sameNamespace = (s: WorkspaceImageStream, ns: string | undefined): boolean =>
    s.namespace === undefined || ns === undefined || s.namespace === ns;
  const chunks = new Set(notLocal.flatMap((s) => file.chunksContaining(s.name)));
  const findings: Finding[] = [];
  for (const i of [...chunks].sort((a, b) => a - b)) {
    for (const r of file.chunk(i).resources) {
      for (const c of r.containers) {
        const name = c.image && singleSegmentName(c.image.value);
        if (!c.image || !name) continue;
        const matching = streams.filter((s) => s.name === name && sameNamespace(s, r.namespace));
        if (matching.length === 0 || matching.some((s) => s.local)) continue;
        findings.push({
          span: c.image.span,
          code: 'image-lookup-disabled',
          message:
            `"${c.image.value}" names ImageStream ${name}, whose spec.lookupPolicy.local is not true, so it is not resolved from the stream: ` +
            `the node pulls docker.io/library/${c.image.value.includes(':') ? c.image.value : `${c.image.value}:latest`} instead. ` +
            `Enable lookup (kubectl istream set image-lookup ${name}, or spec.lookupPolicy.local: true) or name the image by its full reference`,
        });
      }
    }
  }
  return findings;
}
