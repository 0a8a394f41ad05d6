import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StrategyCheck } from "../../src/check/check.js";
import { printReport } from "../../src/cli/commands/check.js";
import { supportsTypedFunctionReferences } from "../../src/emit/features.js";
import type { CheckReport, CheckResult, EngineCheck } from "../../src/lab/check.js";
import { cli } from "../cli-harness.js";

const result = (strategy: string, over: Partial<StrategyCheck> = {}): CheckResult => ({
  strategy,
  control: false,
  cases: 100,
  mismatches: 0,
  examples: [],
  routes: {},
  failure: null,
  audit: { strategy, dispatchBytes: 30, dispatch: { call_indirect: 1 }, claims: {} as CheckResult["audit"]["claims"], violations: [] },
  ...over,
});

const SKIP = "skipped: table-ref needs typed-function-references, which Node 20.20.2 (V8 11.3) lacks; it runs on V8 >= 12";

const engine = (name: string, results: CheckResult[], source: EngineCheck["source"] = "installed"): EngineCheck => ({
  engine: name,
  kind: name.startsWith("bun") ? "bun" : "node",
  version: "1.2.3",
  vm: "VM 9",
  source,
  results,
});

function text(engines: EngineCheck[]): string {
  const lines: string[] = [];
  const report: CheckReport = {
    spec: "s",
    specHash: "0123456789abcdef",
    handlers: 3,
    args: 2,
    random: 10,
    seed: 1,
    results: engines[0]!.results,
    engines,
    toolVersions: {},
  };
  printReport(report, { out: (t) => void lines.push(t), err: () => {} });
  return lines.join("\n");
}

describe("check's text report", () => {
  it("lists a skipped strategy as skipped, with its reason, and does not count it as identical", () => {
    const out = text([engine("node", [result("table"), result("table-ref", { cases: 0, skipped: SKIP })], "running")]);
    expect(out).toMatch(/\ntable-ref\s+-\s+skipped\s+30 /);
    expect(out).toContain(`\ntable-ref: ${SKIP}\n`);
    expect(out).not.toMatch(/^node: /m); // one engine: no heading
    expect(out.split("\n").at(-1)).toBe("all 1 strategies dispatch identically (table-ref skipped in node: needs typed-function-references)");
  });

  it("prints a table per engine, headed, and names the engines in the verdict", () => {
    const out = text([
      engine("node", [result("table"), result("table-ref", { cases: 0, skipped: SKIP })], "running"),
      engine("node@24", [result("table"), result("table-ref")]),
      engine("bun", [result("table"), result("table-ref")], "path"),
    ]);
    expect(out).toContain("\nnode: node 1.2.3, VM 9 (running the lab)\nstrategy");
    expect(out).toContain("\nnode@24: node 1.2.3, VM 9\nstrategy");
    expect(out).toContain("\nbun: bun 1.2.3, VM 9 (--engine-path)\nstrategy");
    expect(out.split("\n").at(-1)).toBe(
      "all 2 strategies dispatch identically in node, node@24 and bun (table-ref skipped in node: needs typed-function-references)",
    );
  });

  it("names what mismatches or fails, and in which engines", () => {
    const out = text([
      engine("node", [result("table"), result("chain", { failure: "timed out" })], "running"),
      engine("bun", [result("table", { mismatches: 2 }), result("chain", { failure: "timed out" })]),
    ]);
    expect(out).toContain("\nchain: check failed: timed out");
    expect(out.split("\n").at(-1)).toBe("2 strategies mismatch or fail: table (bun), chain (node and bun)");
    expect(
      text([engine("node", [result("table", { cases: 0, skipped: SKIP })], "running")])
        .split("\n")
        .at(-1),
    ).toBe("no strategy was checked (table skipped in node)");
  });
});

describe("check --engines", () => {
  const major = process.versions.node.split(".")[0]!;
  const args = ["check", "--spec", "xen:pv64", "--strategies", "table,table-ref", "--random", "10"];
  // The running node again, under another name and path (a link): two names for one path are refused as one engine named twice.
  const link = join(mkdtempSync(join(tmpdir(), "dispatch-lab-node-")), "node");
  symlinkSync(process.execPath, link);
  const twoNodes = ["--engines", `node,node@${major}`, "--engine-path", `node@${major}=${link}`];

  it("checks in the running node and in a child process of another engine, a table each", async () => {
    const r = await cli([...args, ...twoNodes]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`\nnode: node ${process.versions.node}, V8 ${process.versions.v8} (running the lab)\n`);
    expect(r.out).toContain(`\nnode@${major}: node ${process.versions.node}, V8 ${process.versions.v8} (--engine-path)\n`);
    const verdict = r.out.trim().split("\n").at(-1)!;
    if (supportsTypedFunctionReferences()) expect(verdict).toBe(`all 2 strategies dispatch identically in node and node@${major}`);
    else {
      expect(r.out).toMatch(/\ntable-ref\s+-\s+skipped\s/);
      expect(verdict).toBe(
        `all 1 strategies dispatch identically in node and node@${major} (table-ref skipped in node and node@${major}: needs typed-function-references)`,
      );
    }
  });

  it("--json keeps `results` (the first engine's) and lists every engine", async () => {
    const r = await cli([...args, ...twoNodes, "--json"]);
    const report = JSON.parse(r.out) as { results: unknown[]; engines: { engine: string; version: string; source: string; results: unknown[] }[] };
    expect(report.engines.map((e) => [e.engine, e.version, e.source])).toEqual([
      ["node", process.versions.node, "running"],
      [`node@${major}`, process.versions.node, "path"],
    ]);
    expect(report.results).toEqual(report.engines[0]!.results);
  });

  it("an engine that is not installed is a usage error naming its install command, before anything is built", async () => {
    const r = await cli(["check", "--engines", "node,bun@0.1"], { DISPATCH_LAB_CACHE: mkdtempSync(join(tmpdir(), "dispatch-lab-no-engines-")) });
    expect(r.code).toBe(2);
    expect(r.err).toContain("bun@0.1 is not installed");
    expect(r.err).toContain("dispatch-lab engines install bun@0.1");
    expect(r.out).toBe("");
  });

  it("--inlining is not an option of check", async () => {
    expect((await cli(["check", "--inlining", "off"])).code).toBe(2);
  });
});
