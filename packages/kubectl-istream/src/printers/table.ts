// kubectl's human-readable table: upper-case headers, tab-separated cells aligned by Go's
// tabwriter with kubectl's settings.
import { formatTabbed, KUBECTL_TABLE } from './tabwriter.js';

export function formatTable(headers: string[], rows: string[][]): string {
  const lines = [headers.map((h) => h.toUpperCase()), ...rows].map((cells) => `${cells.join('\t')}\n`);
  return formatTabbed(lines.join(''), KUBECTL_TABLE);
}
