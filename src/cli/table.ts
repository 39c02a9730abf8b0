/** Colours a cell's text (not its padding) after the widths were measured; identity when absent. */
export type CellPaint = (text: string, row: number, column: number) => string;

/**
 * Left-aligned columns separated by two spaces, header first. `paint` adds colour to data cells
 * without disturbing the alignment (widths are measured on the plain text).
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], paint?: CellPaint): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[], row: number) =>
    cells
      .map((c, i) => {
        const padding = i === cells.length - 1 ? "" : " ".repeat(Math.max(0, (widths[i] ?? 0) - c.length));
        return `${row >= 0 && paint ? paint(c, row, i) : c}${padding}`;
      })
      .join("  ")
      .trimEnd();
  return [line(header, -1), ...rows.map((r, i) => line(r, i))].join("\n");
}
