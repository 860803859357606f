// kubectl's JSONPath templates over JSON data:
//
//   const print = compileTemplate('{range .items[*]}{.metadata.name}{"\n"}{end}');  // TemplateError
//   print({ kind: 'List', items }) -> 'a\nb\n'
//   selectValues("$['metadata']['name']", object) -> ['a']
export { TemplateError, parseTemplate, relaxedPath, type TemplateNode } from './template.js';
export { compileTemplate, formatValue, selectValues } from './evaluate.js';
