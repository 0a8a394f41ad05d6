import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/model/results.js";
import { cli, spawnCli } from "../cli-harness.js";

const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-sweep-"));

describe("dispatch-lab sweep (end to end, tiny)", () => {
  it("crossover: one run per size plus the skew run, the analysis, CSVs and report.html", () => {
    const out = tmp();
    const r = spawnCli(["sweep", "crossover", "--sizes", "4,8", "--skews", "0,1", "--samples", "6", "--processes", "1", "--cpu", "0", "--out", out]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\[dispatch-lab\] point 1\/3: /);
    expect(r.out).toMatch(/^uniform: /m);
    expect(r.out).toMatch(/^xen-pv64: /m);
    const d = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Dataset;
    expect(d).toMatchObject({ schema: "dispatch-lab/results@2", kind: "sweep", complete: true });
    expect(d.runs.map((run) => run.spec.name)).toEqual(["synthetic-4,levels=4", "synthetic-8,levels=4", "xen-pv64"]);
    expect(d.runs.every((run) => run.cells.every((c) => c.samples.length === 6))).toBe(true);
    expect(d.sweep!.points.map((p) => p.label)).toEqual(["N=4", "N=8", "skew on xen:pv64"]);
    expect([...d.sweep!.order].sort()).toEqual([0, 1, 2]);
    expect(d.sweep!.analysis).toMatchObject({ kind: "crossover", a: "chain", b: "table" });
    const summary = readFileSync(join(out, "summary.csv"), "utf8").trim().split("\n");
    expect(summary).toHaveLength(1 + 2 * 3 + 2 * 3); // per size: chain, table, direct on uniform; skew run: 3 strategies x 2 workloads
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain('data-chart="crossover"');
  });

  it("report renders a sweep's results.json, in Markdown too", async () => {
    const md = await cli(["report", join(import.meta.dirname, "..", "fixtures", "report", "sweep-position.json"), "--format", "md"]);
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^### Position sweep/m);
    expect(md.out).toMatch(/\| chain \|/);
  });
});

describe("dispatch-lab sweep: bad input exits 2 before anything runs", () => {
  const cases: [string[], RegExp][] = [
    [["sweep"], /give exactly one sweep kind/],
    [["sweep", "diagonal"], /"diagonal" is not a sweep kind/],
    [["sweep", "scale", "--sizes", "4,x,0"], /--sizes: "x", "0": not an integer N in 1\.\.4096/],
    [["sweep", "crossover", "--skews=0.5,-1"], /--skews: "-1": not a skew S/],
    [["sweep", "crossover", "--pair", "chain,chain"], /--pair: "chain,chain" is not two different strategies/],
    [["sweep", "crossover", "--pair", "chain,nope"], /nope/],
    [["sweep", "body", "--ops", "2000000"], /--ops: "2000000": not an integer op count/],
    [["sweep", "position", "--spec", "nope.json"], /nope\.json: no such file/],
    [["sweep", "scale", "--family", "synthetic:{n},levels=x"], /levels/],
    // 287 cells in 2 processes cannot get 6 rounds each in 20 s: refused with the smallest budget that works.
    [
      ["sweep", "position", "--time-budget", "20"],
      /--time-budget: 20 s is too small for this sweep: 1 point, 287 cells in 2 processes each, need about \d+ s for 6 rounds per cell[\s\S]*fix: use --time-budget \d+ or more/,
    ],
  ];
  for (const [args, message] of cases) {
    it(args.slice(1).join(" ") || "(no kind)", async () => {
      const out = tmp();
      const r = await cli([...args, "--out", out]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(existsSync(join(out, "results.json"))).toBe(false);
    });
  }
});
