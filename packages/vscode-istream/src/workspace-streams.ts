// ImageStream manifests anywhere in the workspace: their tags for from.name completion, and
// their lookup policies for the image-lookup-disabled warning. Read in the worker thread.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { streamTagsInText, type StreamTagInfo, type WorkspaceImageStream } from '@istream/core/language';

const skippedDirectories = new Set(['node_modules', '.git', 'dist', 'out']);
const maxFiles = 2000;
const maxFileBytes = 1024 * 1024;

async function yamlFiles(root: string, signal: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  const pending = [root];
  while (pending.length > 0 && found.length < maxFiles && !signal.aborted) {
    const dir = pending.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !skippedDirectories.has(entry.name) && !entry.name.startsWith('.'))
        pending.push(join(dir, entry.name));
      else if (entry.isFile() && ['.yaml', '.yml'].includes(extname(entry.name))) found.push(join(dir, entry.name));
    }
  }
  return found.slice(0, maxFiles);
}

/** The text of every workspace manifest that mentions ImageStream, within the size limits. */
async function* streamManifests(folders: readonly string[], signal: AbortSignal): AsyncGenerator<string> {
  for (const folder of folders) {
    for (const file of await yamlFiles(folder, signal)) {
      if (signal.aborted) return;
      const size = (await stat(file).catch(() => undefined))?.size;
      if (size === undefined || size > maxFileBytes) continue;
      const text = await readFile(file, 'utf8').catch(() => '');
      if (text.includes('ImageStream')) yield text;
    }
  }
}

export function workspaceStreamSource(folders: readonly string[]): {
  streamTags(signal: AbortSignal): Promise<StreamTagInfo[]>;
} {
  return {
    async streamTags(signal) {
      const tags: StreamTagInfo[] = [];
      for await (const text of streamManifests(folders, signal)) tags.push(...streamTagsInText(text));
      return tags;
    },
  };
}

/** The workspace's ImageStreams and whether each resolves local names (`read`: the language service's imageStreams). */
export async function workspaceImageStreams(
  folders: readonly string[],
  read: (text: string) => WorkspaceImageStream[],
  signal: AbortSignal,
): Promise<WorkspaceImageStream[]> {
  const streams: WorkspaceImageStream[] = [];
  for await (const text of streamManifests(folders, signal)) streams.push(...read(text));
  return streams;
}
