/** A GitHub Markdown table whose cells are escaped (untrusted text cannot break out of its cell). */
import { escapeMarkdown } from "./escape.js";

const pipeRow = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(" | ")} |`;

export function markdownTable(header: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const align = header.map((_, i) => (rightAligned.has(i) ? "---:" : "---"));
  return [pipeRow(header), `| ${align.join(" | ")} |`, ...rows.map(pipeRow)].join("\n");
}
