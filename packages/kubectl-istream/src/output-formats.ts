// The names `-o` accepts, kept apart from the printers so that a command's flag definitions can
// list them without loading the printers (and the JSONPath evaluator behind them).

export const GET_FORMATS = ['wide', 'json', 'yaml', 'name'] as const;

export const TEMPLATE_FORMATS = ['jsonpath', 'jsonpath-file', 'custom-columns', 'custom-columns-file'] as const;

/** The template formats as `--help` and errors show them: `jsonpath=TEMPLATE`, `custom-columns-file=FILE`, ... */
export const TEMPLATE_OUTPUTS = TEMPLATE_FORMATS.map(
  (f) => `${f}=${f.endsWith('-file') ? 'FILE' : f === 'jsonpath' ? 'TEMPLATE' : 'SPEC'}`,
);
