/**
 * Untrusted text (spec, handler, workload and trace names, error messages,
 * anything read from a user's file) made safe for one output each: HTML and
 * inline SVG, Markdown, XML 1.0, CSV and the terminal. A leaf module: every
 * stage may import it. Control characters are never dropped silently: they
 * are shown as `\x1b`-style escapes, so what a name really holds stays visible.
 */

/** C0 controls, DEL, C1 controls, and the bidi overrides that reorder what a reader sees ("Trojan source"). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
};

/** Where `text` holds its first control character, or -1: names must have none (spec validation). */
export function controlIndex(text: string): number {
  return text.search(new RegExp(CONTROL.source));
}

/** Every control character as a visible escape, except those in `keep` (e.g. "\n"). */
export function visibleControls(text: string, keep = ""): string {
  return text.replace(CONTROL, (c) => (keep.includes(c) ? c : hex(c)));
}

/** One line for a terminal: no control character reaches the tty (no ESC, BEL, CR, newline or tab). */
export function escapeTerminal(text: unknown): string {
  return visibleControls(String(text));
}

/** Several lines for a terminal (an error message with a compiler's output): newlines kept, every other control shown. */
export function escapeTerminalLines(text: unknown): string {
  return visibleControls(String(text), "\n");
}

/** An SGR sequence (colour, bold, dim): the only escape sequence the CLI itself writes (picocolors). */
const SGR = /\u001b\[[0-9;]*m/y;

/**
 * Whatever the CLI writes to stdout or stderr, as the last line of defence:
 * colour (SGR) sequences and newlines and tabs pass, every other control
 * character (ESC of a cursor, title or hyperlink sequence, BEL, CR) is shown
 * as an escape.
 */
export function escapeTerminalOutput(text: string): string {
  return text.replace(CONTROL, (c, at: number) => {
    if (c === "\n" || c === "\t") return c;
    SGR.lastIndex = at;
    return c === "\u001b" && SGR.test(text) ? c : hex(c);
  });
}

const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** HTML (and inline SVG) element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return visibleControls(String(text), "\t\n\r").replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * XML 1.0 text and attribute values (JUnit). XML 1.0 forbids most C0
 * controls, lone surrogates and U+FFFE/U+FFFF even as character references,
 * so those are shown as escapes; tab, newline and CR are character
 * references, so attribute normalisation keeps them.
 */
export function escapeXml(text: unknown): string {
  return visibleControls(String(text), "\t\n\r")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, hex)
    .replace(
      /[&<>"'\t\n\r]/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;" })[c]!,
    );
}

/**
 * Markdown inline text or a GFM table cell, as GitHub renders it. Untrusted
 * text never starts a line here (newlines become spaces), so it cannot
 * start a block or a link definition; what remains is escaped: raw HTML and
 * <autolinks> (< > & backslash-escaped), emphasis, code and strikethrough,
 * an extra table column (|), inline links and images (the `]` of `](` and
 * `][`), bare-URL autolinks (`://`, `www.`) and @mentions. Brackets
 * otherwise stay as they are, so intervals read [low, high].
 */
export function escapeMarkdown(text: unknown): string {
  return visibleControls(String(text).replace(/\r\n|[\r\n]/g, " "))
    .replace(/[\\`*_|~<>&]/g, "\\$&")
    .replace(/\](?=[([])/g, "\\]")
    .replace(/:\/\//g, "\\://")
    .replace(/\b(www)\./gi, "$1\\.")
    .replace(/@(?=\w)/g, "\\@");
}

/**
 * A CSV text field that a spreadsheet must not run as a formula (OWASP CSV
 * injection): a leading = + - @ tab or CR gets a single quote in front.
 * Only for text columns: numbers are written as numbers (-0.5 stays -0.5).
 */
export function neutraliseCsvText(text: string): string {
  return /^['=+\-@\t\r]/.test(text) ? `'${text}` : text; // a leading quote is quoted too, so restoreCsvText is exact
}

/** neutraliseCsvText undone, for reading our own CSVs back: a quote before = + - @ tab or CR goes. */
export function restoreCsvText(text: string): string {
  return /^'['=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}
