import { escapeTerminal } from "./escape.js";

/**
 * Text columns for terminals, two spaces apart, every column as wide as its
 * widest cell. The first column is left-aligned; the others are left-aligned
 * (labels; the last one is not padded, so lines carry no trailing blanks) or
 * right-aligned (numbers). Cells hold untrusted names, so their control
 * characters are shown as escapes (and counted in the widths); colour the
 * returned lines, never the cells.
 */
export function textTable(cells: readonly (readonly string[])[], align: "left" | "right" = "left"): string[] {
  const rows = cells.map((r) => r.map(escapeTerminal));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, i) => {
        if (i === 0 || align === "left") return i === r.length - 1 && align === "left" ? cell : cell.padEnd(widths[i]!);
        return cell.padStart(widths[i]!);
      })
      .join("  "),
  );
}
