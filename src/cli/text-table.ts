// Plain-text tables and short counts for what the commands print.

/** Rows (the first is the head) padded to their columns' widths, two spaces apart. */
export function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
}

/** 1.23 G, 4.56 M, 7.8 k; below `thousandsFrom` the plain number. */
export function humanCount(n: number, thousandsFrom = 1e3): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= thousandsFrom) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}
