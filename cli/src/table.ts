import prettyBytes from 'pretty-bytes';

/** A plain-text table (no colours: it is read by people and by `grep`). */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

/** 1337 → "1.34 kB" (pretty-bytes), for progress lines and tables. */
export const formatBytes = (n: number): string => prettyBytes(n);
