/** Plain-text formatting helpers shared by the report's sections. */

/** a / b, or null when b is 0 (JSON has no Infinity). */
export const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** `value` with `digits` decimals, or "n/a" for null. */
export const fixed = (value: number | null, digits: number): string =>
  value === null ? "n/a" : value.toFixed(digits);

/** A ratio as "1.23x", or "n/a" for null. */
export const times = (value: number | null): string =>
  value === null ? "n/a" : `${value.toFixed(2)}x`;

/** Renders rows as a plain-text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}
