import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabError } from "../../src/errors.js";
import { settingsOf } from "../../src/lab/settings.js";
import { newConfig, run } from "../../src/lab/run.js";
import { sweep, type SweepRequest } from "../../src/lab/sweep.js";
import { CONTROL } from "../../src/model/results.js";
import { loadSpec } from "../../src/spec/load.js";
import { pointConfig } from "../../src/sweep/kind.js";
import { SWEEP_KINDS } from "../../src/sweep/kinds/index.js";
import { buildWorkload, defaultWorkloads, xenMixFor } from "../../src/workload/index.js";
import { labError } from "../spec/helpers.js";
import { writeDocsSpecExample } from "../spec-example.js";

const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-usage-"));
const example = writeDocsSpecExample(tmp());
const settings = settingsOf({ cpu: 0 }, { processes: 2, timeBudgetS: 60 });

/** The LabError an async call rejects with. */
async function rejection(p: Promise<unknown>): Promise<LabError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof LabError)) throw new Error(`expected a LabError, got ${String(e)}`);
  return e;
}

describe("the control is in every run", () => {
  it("is added, last, when --strategies does not list it", () => {
    expect(newConfig({ out: "x", strategies: "table,chain", cpu: 0 }).strategies).toEqual(["table", "chain", CONTROL]);
    expect(newConfig({ out: "x", strategies: "chain,xen", reference: "chain", cpu: 0 }).strategies).toEqual(["chain", "xen", CONTROL]);
  });

  it("keeps the user's order, once, when listed", () => {
    expect(newConfig({ out: "x", strategies: "direct,table", cpu: 0 }).strategies).toEqual(["direct", "table"]);
    expect(newConfig({ out: "x", cpu: 0 }).strategies.filter((s) => s === CONTROL)).toEqual([CONTROL]);
  });

  it("is in every point of every sweep kind, whatever strategies are given", () => {
    for (const kind of Object.values(SWEEP_KINDS)) {
      const plan = kind.plan({ strategies: ["chain", "table"], sizes: [4], skews: [0, 1], ops: [0], pair: ["chain", "table"] }, settings, loadSpec);
      for (const p of plan.points) expect(p.config.strategies, `${kind.kind} ${p.point.label}`).toContain(CONTROL);
    }
  });
});

describe("default workloads follow the spec", () => {
  it("lead with Xen's measured mix only on a spec that holds its hypercalls", () => {
    expect(xenMixFor(loadSpec("xen:pv64"))).toBe("xen:pv-guest-build");
    expect(xenMixFor(loadSpec("xen:hvm64"))).toBe("xen:pvh-guest-build");
    expect(xenMixFor(loadSpec(example))).toBeUndefined();
    expect(xenMixFor(loadSpec("synthetic:8"))).toBeUndefined();
    expect(defaultWorkloads(loadSpec("xen:pv64"))).toEqual(["xen:pv-guest-build", "uniform", "fixed:hottest", "fixed:coldest", "invalid:0.01"]);
    expect(defaultWorkloads(loadSpec(example))).toEqual(["zipf:1.1", "uniform", "fixed:hottest", "fixed:coldest", "invalid:0.01"]);
  });

  it("build on any spec: docs/spec.md's example, one handler, Xen's", () => {
    for (const name of [example, "synthetic:1", "synthetic:300,levels=3,sparse=4", "xen:pv64", "xen:hvm64", "xen:arm", "xen:hvm32"]) {
      const spec = loadSpec(name);
      for (const w of defaultWorkloads(spec)) expect(() => buildWorkload(w, spec, { seed: 1, length: 1000 }), `${w} on ${name}`).not.toThrow();
    }
  });

  it("are a run's workloads when none are given (docs/spec.md's example: no Xen mix)", () => {
    expect(newConfig({ out: "x", spec: example, cpu: 0 }).workloads).toEqual(defaultWorkloads(loadSpec(example)));
    expect(newConfig({ out: "x", cpu: 0 }).workloads[0]).toBe("xen:pv-guest-build");
  });

  it("sweep body: the spec's Xen mix, else zipf:1.1", () => {
    const workloads = (spec: string) => SWEEP_KINDS.body.plan({ spec, ops: [0] }, settings, loadSpec).points[0]!.config.workloads;
    expect(workloads("xen:pv64")).toEqual(["xen:pv-guest-build"]);
    expect(workloads(example)).toEqual(["zipf:1.1"]);
  });
});

describe("usage errors from the library, before anything is written", () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["samples 0", { samples: 0 }, "--samples", /^0 is not an integer above 0/],
    ["processes 0", { processes: 0 }, "--processes", /^0 is not an integer above 0/],
    ["a time budget of 0", { timeBudgetS: 0 }, "--time-budget", /^0 is not a number above 0/],
    ["a time budget of NaN", { timeBudgetS: Number.NaN }, "--time-budget", /^NaN is not a number/],
    ["a fractional sample count", { samples: 2.5 }, "--samples", /^2\.5 is not an integer/],
    ["an empty workload list", { workloads: ",,," }, "--workloads", /^no workload named$/],
    ["an empty workload string", { workloads: "" }, "--workloads", /^no workload named$/],
    ["a workload given twice", { workloads: "uniform, zipf:1, uniform" }, "--workloads", /^"uniform" given twice$/],
    ["a strategy given twice", { strategies: "table,chain,table" }, "--strategies", /^"table" given twice$/],
    ["an empty strategy list", { strategies: " , " }, "--strategies", /^no strategy named$/],
    ["a tier given twice", { tiers: "turbofan,liftoff,turbofan" }, "--tiers", /^"turbofan" given twice$/],
    ["an empty tier list", { tiers: "," }, "--tiers", /^no tier named$/],
  ];
  for (const [what, req, path, message] of cases) {
    it(`run: ${what}`, async () => {
      const out = join(tmp(), "out");
      const e = await rejection(run({ spec: "synthetic:4", cpu: 0, out, ...req }));
      expect(e.code).toBe("usage");
      expect(e.problems[0]).toMatchObject({ path, message: expect.stringMatching(message) });
      expect(e.fix).toBeTruthy();
      expect(existsSync(out)).toBe(false);
    });
  }

  it("sweep: zero samples, and a workload or strategy given twice", async () => {
    const cases: [Partial<SweepRequest>, string][] = [
      [{ samples: 0 }, "--samples"],
      [{ workloads: ["uniform", "uniform"] }, "--workloads"],
      [{ strategies: ["chain", "chain"] }, "--strategies"],
      [{ workloads: [] }, "--workloads"],
    ];
    for (const [req, path] of cases) {
      const out = join(tmp(), "out");
      const e = await rejection(sweep({ kind: "scale", sizes: [4], cpu: 0, out, ...req }));
      expect(e.problems[0]!.path).toBe(path);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("pointConfig: names the duplicate", () => {
    expect(labError(() => pointConfig("synthetic:4", ["table"], ["zipf:1", "zipf:1"], "table", settings)).problems).toEqual([
      { path: "--workloads", message: '"zipf:1" given twice' },
    ]);
  });
});
