import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { comparePaths, exitCodeFor, formatFindings, lint, rules, sortFindings, type Finding } from "../../src/lint/index.js";
import { packageRoot } from "../../src/paths.js";
import { loadSpec } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { tinySpec } from "../helpers.js";

const fixture = (name: string) => loadSpec(join(packageRoot, "test", "fixtures", "lint", name));
const finding = (severity: Finding["severity"], path: string, rule = "r"): Finding => ({ rule, severity, path, message: "m" });

describe("lint registry", () => {
  it("has the five rules, in the documented order, each with a summary", () => {
    expect(rules.map((r) => r.name)).toEqual(["mask-word", "unguarded-alias", "level-size", "position-cost", "abi-narrowing"]);
    for (const r of rules) expect(r.summary.length, r.name).toBeGreaterThan(20);
  });

  it("finds nothing in a clean tiny spec", () => {
    const clean = validateSpec({
      name: "clean",
      handlers: [
        { id: 0, name: "a", priority: 1 },
        { id: 1, name: "b" },
        { id: 2, name: "c", params: ["i64"] },
      ],
    });
    expect(lint(clean)).toEqual([]);
    expect(exitCodeFor(lint(clean))).toBe(0);
    expect(formatFindings(lint(clean))).toBe("0 errors, 0 warnings, 0 notes");
  });

  it("sorts errors first, then paths in file order (handlers[2] before handlers[10])", () => {
    const sorted = sortFindings([
      finding("note", "spec"),
      finding("note", "handlers[10].id"),
      finding("warning", "handlers[3]"),
      finding("note", "handlers[2].params[1]"),
      finding("error", "spec"),
      finding("note", "handlers[2]"),
    ]).map((f) => `${f.severity} ${f.path}`);
    expect(sorted).toEqual(["error spec", "warning handlers[3]", "note handlers[2]", "note handlers[2].params[1]", "note handlers[10].id", "note spec"]);
    const pv64 = lint(loadSpec("xen:pv64"));
    const paths = pv64.map((f) => f.path);
    expect(paths).toEqual([...paths].sort(comparePaths));
    expect(comparePaths("handlers[2]", "handlers[10]")).toBeLessThan(0);
    expect(comparePaths("handlers[2].params[1]", "handlers[2].params[0]")).toBeGreaterThan(0);
  });

  it("is pure: the same spec gives the same findings, and the spec is left unchanged", () => {
    const spec = tinySpec();
    const before = JSON.stringify(spec, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(lint(spec)).toEqual(lint(spec));
    expect(JSON.stringify(spec, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).toBe(before);
  });

  it("gives findings that are plain JSON (the --json form is the array)", () => {
    const findings = lint(fixture("kexec-new.json"), fixture("kexec-old.json"));
    expect(JSON.parse(JSON.stringify(findings))).toEqual(findings);
  });
});

describe("exitCodeFor", () => {
  it("is 1 iff some finding is an error", () => {
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([finding("note", "spec"), finding("warning", "spec")])).toBe(0);
    expect(exitCodeFor([finding("note", "spec"), finding("error", "spec")])).toBe(1);
  });
});

describe("formatFindings", () => {
  it("prints one line per finding, the fix on the same line, then the counts", () => {
    const text = formatFindings([
      { rule: "abi-narrowing", severity: "error", path: "handlers[3].params[0]", message: "narrowed", fix: "widen it" },
      { rule: "level-size", severity: "warning", path: "handlers[1].priority", message: "big" },
      { rule: "position-cost", severity: "note", path: "spec", message: "deep" },
      { rule: "position-cost", severity: "note", path: "handlers[9]", message: "deeper" },
    ]);
    expect(text).toBe(
      [
        "error abi-narrowing handlers[3].params[0]: narrowed; fix: widen it",
        "warning level-size handlers[1].priority: big",
        "note position-cost spec: deep",
        "note position-cost handlers[9]: deeper",
        "1 error, 1 warning, 2 notes",
      ].join("\n"),
    );
  });
});

describe("the 2022 kexec_op regression (fixtures)", () => {
  it("is an error against the old spec, and lint exits 1", () => {
    const findings = lint(fixture("kexec-new.json"), fixture("kexec-old.json"));
    const errors = findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([
      {
        rule: "abi-narrowing",
        severity: "error",
        path: "handlers[3].params[0]",
        message:
          "kexec_op params[0] narrowed from i64 to i32 since the old spec: guests passing values >= 2^32 now see a different result (the kexec_op regression of 2022)",
        fix: "declare params[0] as i64 again (as Xen did a week after the kexec_op regression)",
      },
    ]);
    expect(findings[0]).toBe(errors[0]);
    expect(exitCodeFor(findings)).toBe(1);
  });

  it("is only a note without --against, and the old spec against itself has no findings from the comparison", () => {
    const alone = lint(fixture("kexec-new.json"));
    expect(exitCodeFor(alone)).toBe(0);
    expect(alone.find((f) => f.path === "handlers[3].params[0]")).toMatchObject({ rule: "abi-narrowing", severity: "note" });
    const old = fixture("kexec-old.json");
    expect(lint(old, old)).toEqual(lint(old));
  });
});

describe("the 2022 shift hazard (fixture)", () => {
  const findings = lint(fixture("pv64-unguarded-hazard.json"));

  it("warns about 65 in a mask level and names iret as the alias target", () => {
    expect(findings.filter((f) => f.severity !== "note").map((f) => [f.rule, f.severity, f.path])).toEqual([["mask-word", "warning", "handlers[12].id"]]);
    expect(findings.filter((f) => f.rule === "unguarded-alias").map((f) => [f.path, f.message])).toEqual([
      ["handlers[6]", "an unguarded mask would route 64k+1 and 64k+23 (65, 87, 129, ...) to iret: `num == 1` fails and iret is not re-checked"],
      ["handlers[12].id", "an unguarded mask would send 65 into priority level 1 (bit 1) and on to iret (23): abi2_op unreachable"],
    ]);
    expect(exitCodeFor(findings)).toBe(0);
  });
});

describe("xen:pv64", () => {
  const findings = lint(loadSpec("xen:pv64"));

  it("has no errors or warnings (exit 0)", () => {
    expect(findings.filter((f) => f.severity !== "note")).toEqual([]);
    expect(exitCodeFor(findings)).toBe(0);
  });

  it("notes the unguarded alias to iret, the 4-handler level, and deep handlers", () => {
    expect(findings.filter((f) => f.rule === "unguarded-alias")).toEqual([
      {
        rule: "unguarded-alias",
        severity: "note",
        path: "handlers[22]",
        message: "an unguarded mask would route 64k+1 and 64k+23 (65, 87, 129, ...) to iret: `num == 1` fails and iret is not re-checked",
      },
    ]);
    expect(findings.filter((f) => f.rule === "level-size").map((f) => f.message)).toEqual([
      "priority level 2: mask + inner dispatch of 4 handlers, up to 3 compares after the mask (ceil(log2 4)+1)",
    ]);
    expect(findings.filter((f) => f.rule === "mask-word")).toEqual([]);
    expect(findings.filter((f) => f.rule === "position-cost")).toHaveLength(27);
  });
});

describe("docs/lint.md", () => {
  const doc = readFileSync(join(packageRoot, "docs", "lint.md"), "utf8");
  const examples = [...doc.matchAll(/```\n\$ (dispatch-lab lint[^\n]*)\n([\s\S]*?)```/g)].map((m) => ({ command: m[1]!, lines: m[2]!.trimEnd().split("\n") }));

  const output = (command: string): string => {
    const arg = (name: string) => command.match(new RegExp(`--${name} (\\S+)`))?.[1];
    const load = (s: string) => loadSpec(s.startsWith("test/") ? join(packageRoot, s) : s);
    const against = arg("against");
    return formatFindings(lint(load(arg("spec") ?? "xen:pv64"), against ? load(against) : undefined));
  };

  it("shows real output: full where complete, in order where an excerpt (...)", () => {
    expect(examples.map((e) => e.command)).toHaveLength(3);
    for (const { command, lines } of examples) {
      const actual = output(command).split("\n");
      if (!lines.includes("...")) {
        expect(lines, command).toEqual(actual);
        continue;
      }
      let at = 0;
      for (const line of lines.filter((l) => l !== "...")) {
        const found = actual.indexOf(line, at);
        expect(found, `${command}: ${line}`).toBeGreaterThanOrEqual(at);
        at = found + 1;
      }
    }
  });

  it("shows single findings that the rules really produce", () => {
    const all = [
      ...lint(loadSpec("xen:pv64")),
      ...lint(fixture("pv64-unguarded-hazard.json")),
      ...lint(
        validateSpec({
          name: "t",
          handlers: [
            { id: 1, name: "a", priority: 1 },
            { id: 65, name: "b", priority: 1 },
            { id: 5, name: "c" },
          ],
        }),
      ),
      ...lint(
        validateSpec({
          name: "t",
          handlers: [
            { id: 1, name: "a", priority: 1 },
            { id: 2, name: "b", priority: 1 },
            { id: 70, name: "c" },
          ],
        }),
      ),
    ];
    const printed = new Set(formatFindings(all).split("\n"));
    const blocks = [...doc.matchAll(/```\n((?:warning|note|error) [\s\S]*?)```/g)].flatMap((m) => m[1]!.trimEnd().split("\n"));
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    for (const line of blocks) expect(printed.has(line), line).toBe(true);
  });

  it("shows the --json form of the kexec error", () => {
    const json = doc.match(/```json\n([\s\S]*?)```/)![1]!;
    const error = lint(fixture("kexec-new.json"), fixture("kexec-old.json"))[0];
    expect(JSON.parse(json)).toEqual([error]);
  });
});
