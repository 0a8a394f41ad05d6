import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { chainOrder } from "../../src/spec/types.js";
import type { MeasureSettings } from "../../src/model/settings.js";
import { SWEEP_KINDS } from "../../src/sweep/kinds/index.js";

const settings: MeasureSettings = {
  tiers: ["turbofan"],
  samples: null,
  processes: 2,
  seed: 1,
  targetSampleMs: 10,
  streamLength: 4096,
  cpu: 0,
  bodies: null,
  timeBudgetS: 160,
};

describe("sweep plans", () => {
  it("position: one run of xen:pv64, a fixed workload per handler in dispatch order, the control and the reference added", () => {
    const plan = SWEEP_KINDS.position.plan({}, settings, loadSpec);
    expect(plan.points).toHaveLength(1);
    const { config, point } = plan.points[0]!;
    expect(point).toEqual({ label: "xen:pv64", variable: "position", x: null });
    expect(config.workloads).toEqual(chainOrder(loadSpec("xen:pv64").handlers).map((h) => `fixed:${h.id}`));
    expect(config.workloads).toHaveLength(41);
    expect(config.strategies).toEqual(["chain", "xen", "bsearch", "hybrid", "table", "switch", "direct"]);
    expect(config).toMatchObject({ reference: "table", control: "direct", processes: 2 });
  });

  it("every point measures with every setting given: engines, compiler, measures, inlining", () => {
    const given: MeasureSettings = { ...settings, engines: ["node", "native"], cc: "clang", measure: ["time", "counts"], inlining: "off" };
    for (const kind of Object.values(SWEEP_KINDS))
      for (const { config } of kind.plan({ sizes: [4, 8] }, given, loadSpec).points)
        expect(config, kind.kind).toMatchObject({ engines: ["node", "native"], cc: "clang", measure: ["time", "counts"], inlining: "off", timeBudgetS: 160 });
  });

  it("scale: a run per size of the family, four workloads", () => {
    const plan = SWEEP_KINDS.scale.plan({ sizes: [4, 64] }, settings, loadSpec);
    expect(plan.points.map((p) => [p.point.x, p.config.spec])).toEqual([
      [4, "synthetic:4,levels=4"],
      [64, "synthetic:64,levels=4"],
    ]);
    expect(plan.points[0]!.config.workloads).toEqual(["uniform", "zipf:1.1", "fixed:hottest", "fixed:coldest"]);
  });

  it("crossover: a run per size with the pair, then one run over the skews (0 is uniform)", () => {
    const plan = SWEEP_KINDS.crossover.plan({ sizes: [8, 16], skews: [0, 0.5, 2], pair: ["switch", "bsearch"] }, settings, loadSpec);
    expect(plan.points.map((p) => p.point.label)).toEqual(["N=8", "N=16", "skew on xen:pv64"]);
    expect(plan.points[0]!.config).toMatchObject({ strategies: ["switch", "bsearch", "direct"], reference: "bsearch", workloads: ["uniform"] });
    expect(plan.points[2]!.config.workloads).toEqual(["uniform", "zipf:0.5", "zipf:2"]);
    expect(plan.options["pair"]).toEqual(["switch", "bsearch"]);
  });

  it("body: a run per body size, every handler given that body", () => {
    const plan = SWEEP_KINDS.body.plan({}, settings, loadSpec);
    expect(plan.points.map((p) => p.config.spec)).toEqual([0, 10, 100, 1000, 10000].map((k) => `xen:pv64+body=alu:${k}`));
    expect(plan.points[0]!.config.workloads).toEqual(["xen:pv-guest-build"]);
    // Big bodies get shorter streams, so one pass (the least a sample times) stays short.
    expect(plan.points.map((p) => p.config.streamLength)).toEqual([4096, 4096, 1024, 1024, 1024]);
  });
});
