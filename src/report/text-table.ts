/**
 * Text columns for terminals, two spaces apart, every column as wide as its
 * widest cell. The first column is left-aligned; the others are left-aligned
 * (labels; the last one is not padded, so lines carry no trailing blanks) or
 * right-aligned (numbers).
 */
export function textTable(rows: readonly (readonly string[])[], align: "left" | "right" = "left"): string[] {
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
