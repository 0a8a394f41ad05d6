/**
 * What the CLI prints of a user's files: control characters never reach the
 * terminal (picocolors' colours still do), and long error and lint lists
 * are cut. The terminal boundary is the bin's own stdout and stderr: those
 * tests spawn the built CLI (dist/), with colours forced on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeTerminalOutput } from "../../src/text/escape.js";
import { cli as inProcess, spawnCli } from "../cli-harness.js";

const spawned = (...args: string[]) => spawnCli(args, { FORCE_COLOR: "1" });
const cli = (...args: string[]) => inProcess(args);
const file = (name: string, content: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), "dispatch-lab-untrusted-")), name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
/** Any control character except newline, and except the colour (SGR) sequences the CLI writes itself. */
const RAW_CONTROL = /\u001b(?!\[[0-9;]*m)|[\u0000-\u0009\u000b-\u001a\u001c-\u001f\u007f-\u009f]/;

describe("untrusted text on the terminal", () => {
  it("a spec name with ESC and BEL: exit 2 naming `name`, the characters shown, not sent", () => {
    const r = spawned("check", "--spec", file("spec.json", { name: "evil\u001b]0;owned\u0007\u001b[2J", handlers: [{ id: 1, name: "h" }] }));
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: name: holds the control character \\x1b at index 4");
    expect(r.err).not.toMatch(RAW_CONTROL);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("a results file's spec name printed by merge: shown, not sent (the stdout boundary)", () => {
    const d = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "report", "results-a.json"), "utf8")) as {
      runs?: { spec: { name: string } }[];
      spec?: { name: string };
    };
    for (const r of d.runs ?? [d as { spec: { name: string } }]) r.spec.name = "pv64\u001b]0;owned\u0007\u001b[2J";
    const out = join(mkdtempSync(join(tmpdir(), "dispatch-lab-untrusted-")), "merged");
    const r = spawned("merge", file("results.json", d), "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toContain("pv64\\x1b]0;owned\\x07\\x1b[2J");
    expect(r.out).not.toMatch(RAW_CONTROL);
  });

  it("the output boundary passes colour codes and escapes every other control sequence", () => {
    expect(escapeTerminalOutput("\u001b[1mbold\u001b[22m \u001b]8;;http://x\u0007link\u001b]8;;\u0007")).toBe(
      "\u001b[1mbold\u001b[22m \\x1b]8;;http://x\\x07link\\x1b]8;;\\x07",
    );
  });
});

describe("capped lists", () => {
  it("a spec with 40 problems prints 20 and how many more", async () => {
    const handlers = Array.from({ length: 41 }, (_, i) => ({ id: 3, name: `h${i}` }));
    const r = await cli("check", "--spec", file("dupes.json", { name: "dupes", handlers }));
    expect(r.code).toBe(2);
    const errors = r.err.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors).toHaveLength(21);
    expect(errors[20]).toBe("error: ... and 20 more problems");
  });

  it("lint prints at most 100 findings, then how many more; the counts and --json keep them all", async () => {
    const r = await cli("lint", "--spec", "synthetic:300,levels=4,sparse=8");
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(102);
    expect(lines[100]).toMatch(/^\.\.\. and 649 more findings \(--json lists all\)$/);
    expect(lines[101]).toBe("0 errors, 12 warnings, 737 notes");
    expect(lines[0]).toMatch(/^warning /);
    expect(JSON.parse((await cli("lint", "--spec", "synthetic:300,levels=4,sparse=8", "--json")).out)).toHaveLength(749);
  });
});
