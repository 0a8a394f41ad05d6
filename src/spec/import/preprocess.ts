/**
 * A C-preprocessor subset: just enough to read Xen's hypercall-defs.c, which
 * the Xen build runs through $(CPP) before gen_hypercall.awk reads it
 * (docs/import.md). Pure: text and defines in, surviving lines out.
 *
 * Supported, in C's order of translation phases:
 * 1. line splicing (backslash-newline);
 * 2. comments (`/* *\/`, also across lines, and `//`), each replaced by a space;
 * 3. directives: #ifdef, #ifndef, #if, #elif, #else, #endif, object-like
 *    #define and #undef, #error; #include and #pragma are ignored (the
 *    importer has no headers to read, and hypercall-defs.c needs none);
 * 4. object-like macro expansion of every line that survives.
 *
 * Not supported (an error, not a silent misreading): function-like macros,
 * #line and any other directive. As in C, directives other than the
 * conditionals are not looked at inside a skipped group, and an #if or #elif
 * expression is evaluated only when its group could be taken.
 */
import { LabError, type Problem } from "../../errors.js";

/** One logical line that survived preprocessing, with the (first) physical line it came from. */
export interface SourceLine {
  text: string;
  line: number;
}

export interface Preprocessed {
  /** Non-blank lines of the active groups, macros expanded, trimmed. */
  lines: SourceLine[];
  /** The macros defined at the end of the file: the input defines plus #define, less #undef. */
  defines: Map<string, string>;
}

/** Expansion nests at most this deep (a cycle is already stopped by C's rule; this bounds the rest). */
export const MAX_EXPANSION_DEPTH = 10;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Phase 1: join lines ending in a backslash; each logical line keeps its first physical line number. */
export function spliceLines(text: string): SourceLine[] {
  const physical = text.split(/\r?\n/);
  const out: SourceLine[] = [];
  let pending: SourceLine | undefined;
  physical.forEach((raw, i) => {
    const continued = raw.endsWith("\\");
    const piece = continued ? raw.slice(0, -1) : raw;
    pending = pending ? { text: pending.text + piece, line: pending.line } : { text: piece, line: i + 1 };
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/** The index just past a string or character literal starting at `at` (or the end of the line if unclosed). */
function literalEnd(s: string, at: number): number {
  const quote = s[at];
  let i = at + 1;
  while (i < s.length && s[i] !== quote) i += s[i] === "\\" ? 2 : 1;
  return Math.min(i + 1, s.length);
}

/**
 * Phase 2: comments become one space. A block comment spanning lines joins
 * the text before it and the text after it into one logical line (as in C),
 * numbered by the line where that text began.
 */
export function stripComments(lines: readonly SourceLine[], file: string): { lines: SourceLine[]; problems: Problem[] } {
  const out: SourceLine[] = [];
  let acc = "";
  let start = 0;
  let inComment = false;
  let openedAt = 0;
  for (const { text, line } of lines) {
    if (!inComment) {
      acc = "";
      start = line;
    }
    let i = 0;
    while (i < text.length) {
      if (inComment) {
        const close = text.indexOf("*/", i);
        if (close < 0) break;
        inComment = false;
        acc += " ";
        i = close + 2;
        continue;
      }
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const end = literalEnd(text, i);
        acc += text.slice(i, end);
        i = end;
      } else if (text.startsWith("//", i)) {
        break;
      } else if (text.startsWith("/*", i)) {
        inComment = true;
        openedAt = line;
        i += 2;
      } else {
        acc += c;
        i++;
      }
    }
    if (!inComment) out.push({ text: acc, line: start });
  }
  const problems = inComment ? [{ path: `${file}:${openedAt}`, message: "unterminated /* comment" }] : [];
  return { lines: out, problems };
}

/** Thrown inside expansion, caught where the line number is known. */
class TooDeep extends Error {}

/** Words of a line: literals and pp-numbers are kept whole so nothing inside them is expanded. */
const WORDS = /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|\.?\d(?:[eEpP][+-]|[A-Za-z0-9_.])*|[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * Phase 4: replace each object-like macro by its value, itself expanded,
 * whole words only. A macro is not expanded again inside its own expansion
 * (C's rule), so `#define A A` or a cycle stops instead of looping; a macro
 * with no value expands to nothing.
 */
export function expandMacros(text: string, defines: ReadonlyMap<string, string>, hidden: ReadonlySet<string> = new Set(), depth = 0): string {
  return text.replace(WORDS, (word) => {
    const value = IDENT.test(word) && !hidden.has(word) ? defines.get(word) : undefined;
    if (value === undefined) return word;
    if (depth >= MAX_EXPANSION_DEPTH) throw new TooDeep(word);
    return expandMacros(value, defines, new Set([...hidden, word]), depth + 1);
  });
}

const EXPR_TOKEN = /\s*(?:(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*(?![A-Za-z0-9_])|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||==|!=|<=|>=|[!()<>])|(\S))/y;

/** `#if` text -> tokens; a character outside the supported operators is an error. */
function tokenizeExpr(text: string): string[] {
  const tokens: string[] = [];
  EXPR_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  // biome-ignore lint/suspicious/noAssignInExpressions: the exec loop of a global regex
  while ((m = EXPR_TOKEN.exec(text)) !== null) {
    if (m[4] !== undefined) throw new Error(`unsupported "${m[4]}"`);
    tokens.push(m[1] ?? m[2] ?? m[3]!);
    if (EXPR_TOKEN.lastIndex >= text.length) break;
  }
  return tokens;
}

/**
 * `defined X` / `defined(X)` become 1 or 0, then macros expand (their values
 * tokenized the same way); names left over are 0, as in C.
 */
function resolveExpr(tokens: readonly string[], defines: ReadonlyMap<string, string>, hidden: ReadonlySet<string> = new Set(), depth = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "defined") {
      const paren = tokens[i + 1] === "(";
      const name = tokens[i + (paren ? 2 : 1)];
      if (name === undefined || !IDENT.test(name) || (paren && tokens[i + 3] !== ")"))
        throw new Error("defined needs a macro name: defined(NAME) or defined NAME");
      out.push(defines.has(name) ? "1" : "0");
      i += paren ? 3 : 1;
    } else if (IDENT.test(t)) {
      const value = hidden.has(t) ? undefined : defines.get(t);
      if (value === undefined) out.push("0");
      else if (depth >= MAX_EXPANSION_DEPTH) throw new TooDeep(t);
      else out.push(...resolveExpr(tokenizeExpr(value), defines, new Set([...hidden, t]), depth + 1));
    } else {
      out.push(t);
    }
  }
  return out;
}

/** A C integer literal (decimal, hex, octal; suffixes already dropped). */
const literalValue = (t: string): number => (/^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t));

/** Recursive descent with C's precedence: ! over relational over equality over && over ||. */
function parseExpr(tokens: readonly string[]): number {
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const fail = (): never => {
    throw new Error(peek() === undefined ? "unexpected end" : `unexpected "${peek()}"`);
  };
  const primary = (): number => {
    const t = peek();
    if (t === "!") return (at++, primary() === 0 ? 1 : 0);
    if (t === "(") {
      at++;
      const v = or();
      if (peek() !== ")") fail();
      at++;
      return v;
    }
    if (t !== undefined && /^[0-9]/.test(t)) return (at++, literalValue(t));
    return fail();
  };
  const binary = (ops: readonly string[], next: () => number, apply: (op: string, a: number, b: number) => boolean) => (): number => {
    let v = next();
    while (ops.includes(peek() ?? "")) {
      const op = tokens[at++]!;
      const rhs = next();
      v = apply(op, v, rhs) ? 1 : 0;
    }
    return v;
  };
  const relational = binary(["<", ">", "<=", ">="], primary, (op, a, b) => (op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b));
  const equality = binary(["==", "!="], relational, (op, a, b) => (op === "==" ? a === b : a !== b));
  const and = binary(["&&"], equality, (_, a, b) => a !== 0 && b !== 0);
  const or = binary(["||"], and, (_, a, b) => a !== 0 || b !== 0);
  if (tokens.length === 0) throw new Error("no expression");
  const value = or();
  if (at !== tokens.length) fail();
  return value;
}

/**
 * Evaluate an #if/#elif expression: defined(X), defined X, !, &&, ||, ==,
 * !=, <, >, <=, >=, parentheses, integer literals and macro names (a macro's
 * value is expanded; a name that is not a macro is 0). Throws Error(why).
 */
export function evalIfExpression(expr: string, defines: ReadonlyMap<string, string>): boolean {
  try {
    return parseExpr(resolveExpr(tokenizeExpr(expr), defines)) !== 0;
  } catch (e) {
    if (e instanceof TooDeep) throw new Error(`macro ${e.message} expands more than ${MAX_EXPANSION_DEPTH} levels deep`);
    throw e;
  }
}

/** One open conditional: where it began and which of its groups has been taken. */
interface Frame {
  line: number;
  directive: string;
  /** Whether the group around this conditional is active. */
  outer: boolean;
  /** Whether some group of this conditional has been taken already. */
  taken: boolean;
  /** Whether the current group is active. */
  active: boolean;
  sawElse: boolean;
}

/** The preprocessor's running state (kept in one object so each directive is a small function). */
interface State {
  file: string;
  defines: Map<string, string>;
  stack: Frame[];
  out: SourceLine[];
  problems: Problem[];
}

const isActive = (s: State): boolean => s.stack[s.stack.length - 1]?.active ?? true;
const report = (s: State, line: number, message: string): void => {
  s.problems.push({ path: `${s.file}:${line}`, message });
};

/** The condition of an #if / #elif, or false (and a problem) when it cannot be evaluated. */
function condition(s: State, line: number, directive: string, expr: string): boolean {
  try {
    return evalIfExpression(expr, s.defines);
  } catch (e) {
    report(s, line, `bad #${directive} expression "${expr}": ${(e as Error).message}`);
    return false;
  }
}

/** The macro name an #ifdef/#ifndef/#undef names, or undefined (and a problem). */
function macroName(s: State, line: number, directive: string, rest: string): string | undefined {
  const name = rest.split(/\s+/)[0] ?? "";
  if (IDENT.test(name)) return name;
  report(s, line, `#${directive} needs a macro name`);
  return undefined;
}

function openIf(s: State, line: number, directive: string, rest: string): void {
  const outer = isActive(s);
  let value = false;
  if (outer && directive === "if") value = condition(s, line, directive, rest);
  else if (outer) {
    const name = macroName(s, line, directive, rest);
    value = name !== undefined && s.defines.has(name) === (directive === "ifdef");
  }
  s.stack.push({ line, directive, outer, taken: value, active: value, sawElse: false });
}

/** #elif / #else: the innermost conditional's next group. */
function nextGroup(s: State, line: number, directive: "elif" | "else", rest: string): void {
  const top = s.stack[s.stack.length - 1];
  if (!top) return report(s, line, `#${directive} without #if`);
  if (top.sawElse) {
    report(s, line, `#${directive} after #else`);
    top.active = false;
    return;
  }
  if (directive === "else") {
    top.sawElse = true;
    top.active = top.outer && !top.taken;
  } else {
    top.active = top.outer && !top.taken && condition(s, line, directive, rest);
  }
  top.taken ||= top.active;
}

function define(s: State, line: number, rest: string): void {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(\(?)\s*(.*)$/.exec(rest);
  if (!m) return report(s, line, "#define needs a macro name");
  if (m[2]) return report(s, line, `function-like macro "${m[1]}(" is not supported (only object-like #define NAME [value])`);
  s.defines.set(m[1]!, m[3]!.trim());
}

/** Directives other than the conditionals: only looked at in an active group (C's rule). */
function otherDirective(s: State, line: number, directive: string, rest: string): void {
  switch (directive) {
    case "define":
      return define(s, line, rest);
    case "undef": {
      const name = macroName(s, line, directive, rest);
      if (name !== undefined) s.defines.delete(name);
      return;
    }
    case "include":
    case "pragma":
    case "": // the null directive, a lone `#`
      return;
    case "error":
      return report(s, line, `#error ${rest}`.trim());
    default:
      return report(s, line, `unknown directive "#${directive}"`);
  }
}

function directiveLine(s: State, line: number, directive: string, rest: string): void {
  if (directive === "if" || directive === "ifdef" || directive === "ifndef") return openIf(s, line, directive, rest);
  if (directive === "elif" || directive === "else") return nextGroup(s, line, directive, rest);
  if (directive === "endif") {
    if (!s.stack.pop()) report(s, line, "#endif without #if");
    return;
  }
  if (isActive(s)) otherDirective(s, line, directive, rest);
}

function textLine(s: State, line: number, text: string): void {
  if (!isActive(s) || text.trim() === "") return;
  try {
    const expanded = expandMacros(text, s.defines).trim();
    if (expanded !== "") s.out.push({ text: expanded, line });
  } catch (e) {
    if (!(e instanceof TooDeep)) throw e;
    report(s, line, `macro ${e.message} expands more than ${MAX_EXPANSION_DEPTH} levels deep`);
  }
}

/**
 * Preprocess `text` (named `file` in messages) starting from `defines`
 * (NAME -> value; not modified). Returns the lines of the active groups,
 * expanded, and the final defines. Throws one LabError("spec-invalid")
 * listing every problem, each at `FILE:LINE`.
 */
export function preprocess(text: string, file: string, defines: ReadonlyMap<string, string>): Preprocessed {
  const stripped = stripComments(spliceLines(text), file);
  const s: State = { file, defines: new Map(defines), stack: [], out: [], problems: [...stripped.problems] };
  for (const { text: t, line } of stripped.lines) {
    const m = /^\s*#\s*([A-Za-z0-9_]*)\s*(.*)$/.exec(t);
    if (m) directiveLine(s, line, m[1]!, m[2]!.trim());
    else textLine(s, line, t);
  }
  for (const open of s.stack) report(s, open.line, `unterminated #${open.directive}: no #endif before the end of the file`);
  if (s.problems.length > 0) {
    const sorted = [...s.problems].sort((a, b) => lineOf(a) - lineOf(b));
    throw new LabError("spec-invalid", sorted, `fix the preprocessor directives in ${file} (supported subset: docs/import.md)`);
  }
  return { lines: s.out, defines: s.defines };
}

const lineOf = (p: Problem): number => Number(/:(\d+)$/.exec(p.path)?.[1] ?? 0);
