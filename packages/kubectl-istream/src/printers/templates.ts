// kubectl's template outputs: `-o jsonpath=TEMPLATE` (and jsonpath-file=FILE) prints a template
// over the object, or over a List wrapping several; `-o custom-columns=HEADER:PATH,...` (and
// custom-columns-file=FILE) prints one row per object, a column per path. Templates are parsed
// once, before the cluster is asked anything, so a typo fails fast.
import { readFileSync } from 'node:fs';
import { compileTemplate, relaxedPath, selectValues, TemplateError } from '@istream/core/jsonpath';
import { CliError } from '../errors.js';
import { listOf, plainData } from './objects.js';
import { formatTabbed, KUBECTL_TABLE } from './tabwriter.js';
import { TEMPLATE_FORMATS } from '../output-formats.js';

/** Prints objects; `asList` says the command listed them (so a template sees `{kind: List, items}`). */
export type ObjectsPrinter = (objects: unknown[], asList: boolean) => string;

function compile(template: string): (data: unknown) => string {
  try {
    return compileTemplate(template);
  } catch (e) {
    if (e instanceof TemplateError) throw new CliError(e.message);
    throw e;
  }
}

function readTemplateFile(format: string, path: string): string {
  if (path === '') throw new CliError(`-o ${format} needs a file: -o ${format}=FILE`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the ${format} template ${path}: ${(e as Error).message}`);
  }
}

function jsonpathPrinter(template: string): ObjectsPrinter {
  if (template === '')
    throw new CliError("template format specified but no template given: use -o jsonpath='{.metadata.name}'");
  const print = compile(template);
  return (objects, asList) => print(plainData(asList ? listOf(objects) : objects[0]));
}

/** A value as Go's fmt.Sprint writes it, which kubectl's custom columns use. */
function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `map[${Object.keys(record)
      .sort()
      .map((k) => `${k}:${goSprint(record[k])}`)
      .join(' ')}]`;
  }
  return String(value);
}

/** The values one custom column's path selects in an object. */
function columnSelector(header: string, expression: string): (data: unknown) => unknown[] {
  let path: string;
  try {
    path = relaxedPath(expression);
  } catch (e) {
    if (e instanceof TemplateError) throw new CliError(`column ${header}: ${e.message}`);
    throw e;
  }
  return (data) => selectValues(path, data);
}

function customColumnsPrinter(columns: { header: string; expression: string }[]): ObjectsPrinter {
  if (columns.length === 0) throw new CliError('custom-columns format specified but no custom columns given');
  const compiled = columns.map((c) => ({ header: c.header, select: columnSelector(c.header, c.expression) }));
  return (objects) => {
    const rows = objects.map((o) => {
      const data = plainData(o);
      return compiled.map((c) => {
        const values = c.select(data);
        return values.length === 0 ? '<none>' : values.map(goSprint).join(',');
      });
    });
    return formatTabbed(
      [compiled.map((c) => c.header), ...rows].map((cells) => `${cells.join('\t')}\n`).join(''),
      KUBECTL_TABLE,
    );
  };
}

/** kubectl's -o custom-columns=HEADER:PATH,HEADER:PATH. */
function parseColumnsSpec(spec: string): { header: string; expression: string }[] {
  if (spec === '') return [];
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0) throw new CliError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, colon), expression: part.slice(colon + 1) };
  });
}

/** kubectl's custom-columns-file: a line of headers, then a line of paths, split on whitespace. */
function parseColumnsFile(path: string, text: string): { header: string; expression: string }[] {
  const [headers, expressions] = text.split('\n').map((l) =>
    l
      .trim()
      .split(/\s+/)
      .filter((w) => w !== ''),
  );
  if (headers === undefined || expressions === undefined) {
    throw new CliError(
      `${path}: invalid template, expected a line of space-separated headers and a line of space-separated column specs`,
    );
  }
  if (headers.length !== expressions.length) {
    throw new CliError(
      `${path}: number of headers (${headers.length}) and field specifications (${expressions.length}) don't match`,
    );
  }
  return headers.map((header, i) => ({ header, expression: expressions[i] ?? '' }));
}

/**
 * The printer for a template output format (`jsonpath=...`, `custom-columns=...`, and their
 * `-file` forms), or undefined when `output` is not one.
 */
export function templatePrinter(output: string): ObjectsPrinter | undefined {
  const eq = output.indexOf('=');
  const format = eq < 0 ? output : output.slice(0, eq);
  if (!(TEMPLATE_FORMATS as readonly string[]).includes(format)) return undefined;
  const argument = eq < 0 ? '' : output.slice(eq + 1);
  switch (format) {
    case 'jsonpath':
      return jsonpathPrinter(argument);
    case 'jsonpath-file':
      return jsonpathPrinter(readTemplateFile(format, argument));
    case 'custom-columns':
      return customColumnsPrinter(parseColumnsSpec(argument));
    default:
      return customColumnsPrinter(parseColumnsFile(argument, readTemplateFile(format, argument)));
  }
}
