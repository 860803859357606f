// Go's text/tabwriter (the elastic tabstops kubectl and oc print with), so that tables and
// describe output line up byte for byte with theirs. Cells are tab-terminated; the text after a
// line's last tab is not part of any column; a column block is a run of lines that have a cell in
// that column.

export interface TabwriterOptions {
  minWidth: number;
  tabWidth: number;
  padding: number;
  /** ' ' pads with spaces; '\t' pads with tabs, assuming `tabWidth` columns per tab. */
  padChar: ' ' | '\t';
}

/** kubectl's table writer (printers.GetNewTabWriter). */
export const KUBECTL_TABLE: TabwriterOptions = { minWidth: 6, tabWidth: 4, padding: 3, padChar: ' ' };
/** oc's describe writer (tabbedString). */
export const OC_DESCRIBE: TabwriterOptions = { minWidth: 0, tabWidth: 8, padding: 1, padChar: '\t' };

const width = (text: string): number => [...text].length;

export function formatTabbed(text: string, options: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const pad = (textWidth: number, cellWidth: number): string => {
    if (options.padChar === '\t') {
      const cell = Math.ceil(cellWidth / options.tabWidth) * options.tabWidth;
      return '\t'.repeat(Math.ceil((cell - textWidth) / options.tabWidth));
    }
    return ' '.repeat(cellWidth - textWidth);
  };

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let line = '';
      cells.forEach((cell, j) => {
        line += cell;
        if (j < widths.length && j < cells.length - 1) line += pad(width(cell), widths[j]!);
      });
      out.push(line);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      writeLines(start, i);
      start = i;
      let w = options.minWidth;
      for (; i < line1 && column < lines[i]!.length - 1; i++) {
        w = Math.max(w, width(lines[i]![column]!) + options.padding);
      }
      widths.push(w);
      format(start, i);
      widths.pop();
      start = i;
      i--;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
