import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createLanguageService, RULES, ruleHelpUri, type Diagnostic } from '@istream/core/language';
import { CliError } from '../errors.js';
import type { Factory } from '../factory.js';

export type LintFormat = 'text' | 'json' | 'sarif';

export interface LintOptions {
  /** Files, directories (searched for *.yaml and *.yml) or `-` for standard input. */
  paths: string[];
  output?: LintFormat;
}

/** One finding with 1-based positions, as `-o json` prints it. */
export interface LintFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
}

const STDIN_NAME = '<stdin>';

export interface LintResult {
  findings: LintFinding[];
  /** 0 without errors, 1 when any finding is an error. */
  exitCode: number;
}

/** Lints every input and prints the findings; an unreadable input throws (exit 2) after the rest is printed. */
export async function runLint(options: LintOptions, factory: Factory): Promise<LintResult> {
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  const unreadable: string[] = [];
  const inputs: Array<{ file: string; text: string }> = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ file: STDIN_NAME, text: await factory.io.readStdin() });
      continue;
    }
    let files: string[];
    try {
      files = await manifestFiles(path);
    } catch (e) {
      unreadable.push(`${path}: ${reason(e)}`);
      continue;
    }
    for (const file of files) {
      try {
        inputs.push({ file, text: await readFile(file, 'utf8') });
      } catch (e) {
        unreadable.push(`${file}: ${reason(e)}`);
      }
    }
  }
  const service = createLanguageService();
  // The files linted together are the workspace: a stream declared in one decides how another's
  // single-segment images resolve.
  const imageStreams = inputs.flatMap(({ text }) => service.imageStreams(text));
  const findings = inputs.flatMap(({ file, text }) =>
    service.validate(text, { imageStreams }).map((d) => toFinding(file, d)),
  );
  factory.io.out.write(format(findings, options.output ?? 'text'));
  if (unreadable.length > 0) {
    throw new CliError(
      `cannot read ${unreadable.join('; ')}: pass readable files, directories or - for standard input`,
      2,
    );
  }
  return { findings, exitCode: findings.some((f) => f.severity === 'error') ? 1 : 0 };
}

/** The file itself, or every *.yaml and *.yml below a directory (hidden folders and node_modules skipped). */
async function manifestFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') found.push(...(await manifestFiles(full)));
    } else if (/\.ya?ml$/i.test(entry.name)) found.push(full);
  }
  return found;
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(e);
}

function toFinding(file: string, d: Diagnostic): LintFinding {
  return {
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

function format(findings: LintFinding[], output: LintFormat): string {
  if (output === 'json') return `${JSON.stringify(findings, null, 2)}\n`;
  if (output === 'sarif') return `${JSON.stringify(sarif(findings), null, 2)}\n`;
  return findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}\n`).join('');
}

const SARIF_LEVEL: Record<Diagnostic['severity'], string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** SARIF 2.1.0 for code scanning; columns are UTF-16 code units, SARIF's default. */
function sarif(findings: LintFinding[]): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.code, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubectl-istream lint',
            informationUri: 'https://github.com/istream/istream',
            rules: RULES.map((r) => ({
              id: r.code,
              name: r.code,
              shortDescription: { text: r.description },
              helpUri: ruleHelpUri(r.code),
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ...(ruleIndex.has(f.code) ? { ruleIndex: ruleIndex.get(f.code) } : {}),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file === STDIN_NAME ? 'stdin' : f.file.split('\\').join('/') },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}
