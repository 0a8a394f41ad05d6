import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import type { Dataset } from "../../src/model/results.js";
import { writeDocsSpecExample } from "../spec-example.js";

const BIN = join(packageRoot, "dist", "src", "cli", "main.js");

/**
 * The `run:` steps of docs/ci.md's workflow, in order: a one-line value as
 * it is, a `>-` block folded into one line, a `|` block kept as a script.
 */
function workflowSteps(): string[] {
  const doc = readFileSync(join(packageRoot, "docs", "ci.md"), "utf8");
  const yaml = /## A GitHub Actions workflow[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!yaml) throw new Error("docs/ci.md has no workflow");
  const lines = yaml.split("\n");
  const indent = (l: string) => l.length - l.trimStart().length;
  const steps: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:- )?run: ?(.*)$/.exec(lines[i]!);
    if (!m) continue;
    if (m[2] !== "|" && m[2] !== ">-") {
      steps.push(m[2]!);
      continue;
    }
    const body: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1]!.trim() === "" || indent(lines[i + 1]!) > m[1]!.length)) body.push(lines[++i]!.trim());
    steps.push(body.join(m[2] === "|" ? "\n" : " ").trim());
  }
  return steps;
}

/**
 * docs/ci.md's ready-made workflow, tried as a project that does not
 * measure Xen would run it: docs/spec.md's example as dispatch.json, the
 * default workloads, the workflow's own commands through an `npx` that runs
 * this build, the artifact moves between jobs done by hand. Shorter: a 4 s
 * budget and two strategies (the control comes with them).
 */
describe("docs/ci.md's workflow on a spec without Xen's hypercalls", () => {
  it("measures, asserts, merges, reports and gates with the exit codes the workflow expects", () => {
    const work = mkdtempSync(join(tmpdir(), "dispatch-lab-workflow-"));
    writeDocsSpecExample(work);
    const bin = join(work, ".bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "npx"), `#!/bin/sh\n[ "$1" = dispatch-lab ] || exit 127\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, "npx"), 0o755);
    const summary = join(work, "step-summary.md");
    /** Runs a step's script; its exit code must be one of `codes`. */
    const step = (script: string, codes: number[]) => {
      const r = spawnSync("bash", ["-c", script], {
        cwd: work,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, CI: "true", PATH: `${bin}:${process.env["PATH"]}`, GITHUB_STEP_SUMMARY: summary },
      });
      expect(codes, `${script}\nexit ${r.status}\n${r.stdout}\n${r.stderr}`).toContain(r.status);
    };

    const steps = workflowSteps().filter((s) => s.includes("dispatch-lab"));
    expect(steps).toHaveLength(6);
    const [measure, assert, merge, report, stepSummary, gate] = steps as [string, string, string, string, string, string];
    expect(measure).toMatch(/--spec dispatch\.json --time-budget \d+ /);

    // measure job, one runner: exit 0 (a failed cell would be 1, bad input 2).
    step(`${measure.replace(/--time-budget \d+/, "--time-budget 4")} --strategies table,chain`, [0]);
    const run = (JSON.parse(readFileSync(join(work, "results", "results.json"), "utf8")) as Dataset).runs[0]!;
    expect(run.config.workloads[0]).toBe("zipf:1.1");
    expect(run.config.strategies).toEqual(["table", "chain", "direct"]);
    // An assertion's verdict: pass, fail or (too few rounds in 8 s) inconclusive; never a usage error.
    step(assert, [0, 1, 3]);
    expect(existsSync(join(work, "results", "junit-assert.xml"))).toBe(true);

    // dataset job: the runners' artifacts downloaded into all/.
    cpSync(join(work, "results"), join(work, "all", "results-ubuntu-24.04"), { recursive: true });
    step(merge, [0]);
    step(report, [0]);
    expect(existsSync(join(work, "dataset", "report.html"))).toBe(true);
    step(stepSummary, [0]);
    expect(readFileSync(summary, "utf8")).toContain("zipf:1.1");

    // gate job: this runner's results against a baseline of the same runner type (here: themselves).
    cpSync(join(work, "results"), join(work, "current"), { recursive: true });
    cpSync(join(work, "results"), join(work, "baseline"), { recursive: true });
    step(gate, [0, 3]);
    for (const f of ["gate-junit.xml", "bench.json", "bmf.json"]) expect(existsSync(join(work, f)), f).toBe(true);
  }, 90_000);
});
