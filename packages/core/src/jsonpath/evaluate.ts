// Runs a parsed kubectl JSONPath template over JSON data and prints the results as kubectl does:
// the values of one action separated by spaces, strings as they are, objects and lists as
// compact JSON. Paths are evaluated by jsonpath-plus in its safe mode (its own interpreter for
// filters, no eval or Function); missing fields print nothing, as kubectl's default
// --allow-missing-template-keys does.
import { JSONPath } from 'jsonpath-plus';
import { parseTemplate, type TemplateNode } from './template.js';

/** The values a template path selects in `data` (JSON's data model). */
export function selectValues(path: string, data: unknown): unknown[] {
  if (path === '$') return [data];
  if (typeof data !== 'object' || data === null) return [];
  return JSONPath({
    path,
    json: data,
    eval: 'safe',
    ignoreEvalErrors: true,
    wrap: true,
    resultType: 'value',
  }) as unknown[];
}

/** Go's json.Marshal: HTML characters and line separators escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** One value as kubectl's jsonpath printer writes it. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') return goJson(value);
  return String(value);
}

function render(nodes: TemplateNode[], data: unknown): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text') return node.text;
      const values = selectValues(node.path, data);
      if (node.kind === 'path') return values.map(formatValue).join(' ');
      return values.map((value) => render(node.body, value)).join('');
    })
    .join('');
}

/** A compiled template: parse once (errors name the template and position), print many times. */
export function compileTemplate(template: string): (data: unknown) => string {
  const nodes = parseTemplate(template);
  return (data) => render(nodes, data);
}
