import prettyBytes from 'pretty-bytes';

/** Colour codes (SGR escapes), which take no room on the screen. */
// eslint-disable-next-line no-control-regex -- matching the ESC character is the point
const SGR = /\x1b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(SGR, '').length;

/** "a-very-long-name.png" → "a-very-l…name.png": keeps both ends, which tell files apart. */
export const ellipsize = (s: string, max: number): string => {
  if (s.length <= max) return s;
  if (max <= 1) return s.slice(0, max);
  const tail = Math.ceil((max - 1) / 2);
  return `${s.slice(0, max - 1 - tail)}…${s.slice(s.length - tail)}`;
};

/** `456-3fa4c1…91c2.png`: enough of the SHA-256 to tell pictures apart in a table (`--wide` shows it whole). */
export const shortFileName = (name: string): string => name.replace(/-([0-9a-f]{6})[0-9a-f]{54}([0-9a-f]{4})\./, '-$1…$2.');

export interface TableOptions {
  /** Fit in this many columns by shortening the last column (then `shrinkable` ones). */
  width?: number;
  /** Indexes of columns that may be cut (with an ellipsis in the middle) to fit; the last column always may. */
  shrinkable?: number[];
  /** Paints a header cell (e.g. bold); widths ignore colour codes. */
  paintHeader?: (s: string) => string;
  /** Leave the last column out rather than cut it below this many characters (its content is also shown elsewhere). */
  dropLastBelow?: number;
}

/**
 * A plain-text table: header, a rule, rows; colour codes allowed in cells. With `width`, the
 * last (then each shrinkable) column is cut so that no line is longer.
 */
export const table = (header: readonly string[], rows: readonly (readonly string[])[], o: TableOptions = {}): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? ''))));
  const cut = new Array<number | undefined>(header.length);
  if (o.width) {
    const last = header.length - 1;
    const total = () => widths.reduce((a, b) => a + b, 0) + 2 * last;
    for (const i of [last, ...(o.shrinkable ?? [])]) {
      const over = total() - o.width;
      if (over <= 0) break;
      const floor = Math.max(header[i]!.length, i === last ? 0 : 10);
      const next = Math.max(floor, widths[i]! - over);
      if (next < widths[i]!) cut[i] = widths[i] = next;
      if (i === last && o.dropLastBelow !== undefined && widths[i]! < o.dropLastBelow && cut[i] !== undefined) {
        const { dropLastBelow: _drop, ...rest } = o;
        return table(header.slice(0, last), rows.map((r) => r.slice(0, last)), rest);
      }
    }
  }
  const cell = (c: string, i: number) => (cut[i] !== undefined && visible(c) > cut[i]! ? ellipsize(c.replace(SGR, ''), cut[i]!) : c);
  const line = (cells: readonly string[], paint = (s: string) => s) =>
    cells
      .map((raw, i) => {
        const c = paint(cell(raw, i));
        return i === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, widths[i]! - visible(c)));
      })
      .join('  ')
      .trimEnd();
  return [line(header, o.paintHeader), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(r))].join('\n');
};

/** 1337 → "1.34 kB" (pretty-bytes), for progress lines and tables. */
export const formatBytes = (n: number): string => prettyBytes(n);
