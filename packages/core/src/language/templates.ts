// Helm templates in manifests: `{{ ... }}` is Go template syntax, not YAML. A chart's template is
// YAML only after rendering, so its template actions are skipped rather than parsed as YAML (a
// line starting with `{{` reads as a flow mapping and would be a syntax error).

/**
 * The text with every template action blanked to spaces, offsets and line breaks kept: a line
 * that starts with `{{` wholly, otherwise from the scalar holding the first `{{` (its opening
 * quote included) to the line's end, so `image: "{{ .Values.image }}"` becomes `image:` with no value.
 */
export function blankTemplates(text: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(/^([^\r\n]*?)(\{\{[^\r\n]*)$/gm, (_line, before: string, rest: string) => {
    if (before.trim() === '') return ' '.repeat(before.length + rest.length);
    const quote = /["'][^"']*$/.exec(before);
    const keep = quote ? before.slice(0, quote.index) : before;
    return keep + ' '.repeat(before.length - keep.length + rest.length);
  });
}
