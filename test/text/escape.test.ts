import { describe, expect, it } from "vitest";
import {
  controlIndex,
  escapeHtml,
  escapeMarkdown,
  escapeTerminal,
  escapeTerminalLines,
  escapeTerminalOutput,
  escapeXml,
  neutraliseCsvText,
} from "../../src/text/escape.js";

const HOSTILE = 'trace:x"><script>alert(5)</script>\u0000\u0007\u001b]0;owned\u0007\u001b[2J\u009b\u202e]]>';

describe("escapeTerminal", () => {
  it("shows ESC, BEL, NUL, C1 and bidi overrides as escapes, and drops nothing", () => {
    const out = escapeTerminal(HOSTILE);
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(out).toContain("\\x00\\x07\\x1b]0;owned\\x07\\x1b[2J\\x9b\\u202e");
    expect(escapeTerminal("a\nb\tc\rd")).toBe("a\\x0ab\\x09c\\x0dd");
  });
  it("keeps newlines where a message has several lines", () => {
    expect(escapeTerminalLines("line 1\nline\u001b[31m 2")).toBe("line 1\nline\\x1b[31m 2");
  });
  it("lets the CLI's own colour codes through at the output boundary, nothing else", () => {
    const red = "\u001b[31mfailed\u001b[39m";
    expect(escapeTerminalOutput(`${red} spec\u001b]8;;x\u0007 \u0007\r\n\tok`)).toBe(`${red} spec\\x1b]8;;x\\x07 \\x07\\x0d\n\tok`);
  });
});

describe("escapeHtml", () => {
  it("escapes markup and quotes and shows control characters", () => {
    expect(escapeHtml(`<img src=x onerror=alert(9)>"'&\u001b`)).toBe("&lt;img src=x onerror=alert(9)&gt;&quot;&#39;&amp;\\x1b");
  });
});

describe("escapeXml", () => {
  it("never yields a character XML 1.0 forbids, and escapes markup", () => {
    const out = escapeXml(`a\u0000b\u001bc]]><d>&"'\ud800\uffff\t\n`);
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] (plus valid surrogate pairs)
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/);
    expect(out).toBe("a\\x00b\\x1bc]]&gt;&lt;d&gt;&amp;&quot;&apos;\\ud800\\uffff&#9;&#10;");
  });
  it("keeps valid surrogate pairs (emoji)", () => {
    expect(escapeXml("ok \u{1f600}")).toBe("ok \u{1f600}");
  });
});

describe("escapeMarkdown", () => {
  it("makes no HTML, link, image, autolink, mention, emphasis, code, new block or column", () => {
    const out = escapeMarkdown(
      "a|b <img src=x onerror=alert(1)> ![i](http://x/y.png) [l](javascript:alert(1)) [r][ref] *em* `code` ~~s~~ @octocat www.evil.com &lt;\n# head\r\n- item",
    );
    expect(out).not.toMatch(/[\n\r]/);
    // Every markup character is backslash-escaped, and no `](` or `][` is left to open a link.
    expect(out).not.toMatch(/(^|[^\\])[|*`~<>&]/);
    expect(out).not.toMatch(/(^|[^\\])\][([]/);
    expect(out).toContain("\\<img src=x onerror=alert(1)\\>");
    expect(out).toContain("http\\://x/y.png");
    expect(out).toContain("\\@octocat");
    expect(out).toContain("www\\.evil.com");
  });
  it("leaves ordinary text and intervals as they read", () => {
    expect(escapeMarkdown("xen:pv-guest-build: xen is 0.77x table [0.75, 0.78] (whole call) @ uniform")).toBe(
      "xen:pv-guest-build: xen is 0.77x table [0.75, 0.78] (whole call) @ uniform",
    );
  });
});

describe("neutraliseCsvText", () => {
  it("prefixes a quote to text a spreadsheet would run as a formula", () => {
    for (const t of ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]) expect(neutraliseCsvText(t)).toBe(`'${t}`);
    expect(neutraliseCsvText("uniform")).toBe("uniform");
  });
});

describe("controlIndex", () => {
  it("finds the first control character", () => {
    expect(controlIndex("abc")).toBe(-1);
    expect(controlIndex("ab\u001bc")).toBe(2);
    expect(controlIndex("a\u202eb")).toBe(1);
  });
});

describe("restoreCsvText", () => {
  it("undoes neutraliseCsvText, and leaves other text alone", async () => {
    const { neutraliseCsvText, restoreCsvText } = await import("../../src/text/escape.js");
    for (const t of ["=1+1", "-x", "@a", "+", "\tx", "plain", "'quoted", "'=x", "-0.5"]) expect(restoreCsvText(neutraliseCsvText(t))).toBe(t);
    expect(restoreCsvText("'plain")).toBe("'plain");
  });
});
