/** An HTML table for the report's sections: every cell escaped. */
import { escapeHtml } from "../text/escape.js";

export const table = (header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set(), rowClass?: (i: number) => string): string =>
  `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map(
      (r, i) =>
        `<tr${rowClass?.(i) ? ` class="${rowClass(i)}"` : ""}>${r.map((c, j) => `<td${numeric.has(j) ? ' class="num"' : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`,
    )
    .join("")}</tbody></table>`;
