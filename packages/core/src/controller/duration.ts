const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's duration syntax as kube flags take it ("15m", "1h30m", "500ms"); milliseconds. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`invalid duration "${text}": use a number with a unit, such as 30s, 15m or 1h`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? ''] ?? 0), 0);
  if (ms <= 0) throw new Error(`invalid duration "${text}": it must be greater than zero`);
  return ms;
}
