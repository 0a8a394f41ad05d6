import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { pointCost, pointShareMs, sweepCost } from "../../src/sweep/budget.js";
import type { MeasureSettings } from "../../src/model/settings.js";
import { SWEEP_KINDS } from "../../src/sweep/kinds/index.js";
import { DEFAULT_SWEEP_BUDGET_S } from "../../src/lab/sweep.js";

const settings: MeasureSettings = {
  tiers: ["turbofan"],
  samples: null,
  processes: 2,
  seed: 1,
  targetSampleMs: 10,
  streamLength: 65536,
  cpu: 0,
  bodies: null,
  timeBudgetS: 160,
};

describe("sweep budget", () => {
  it("a point's minimum: start-up in every process, 6 rounds of its cells, the statistics reserve", () => {
    const { config } = SWEEP_KINDS.body.plan({ ops: [0] }, settings, loadSpec).points[0]!;
    const c = pointCost(config); // table, chain, xen, direct x 1 workload: 4 cells, 4 groups, 2 processes
    expect(c.startupMs).toBe(2 * (4 * 200 + 4 * 120));
    expect(c.roundMs).toBeCloseTo(4 * 13, 9);
    expect(c.rounds).toBe(6);
    expect(c.minimumMs).toBeCloseTo(c.startupMs + 6 * c.roundMs + 500 + 30 * 4, 9);
    expect(pointCost({ ...config, samples: 40 }).rounds).toBe(40);
  });

  it("every kind's defaults fit the default budget", () => {
    for (const kind of Object.values(SWEEP_KINDS)) {
      const points = kind.plan({}, settings, loadSpec).points;
      const cost = sweepCost(
        points.map((p) => p.config),
        points.map((p) => loadSpec(p.config.spec).handlers.length),
        5000,
      );
      expect(cost.minimumS, kind.kind).toBeLessThanOrEqual(DEFAULT_SWEEP_BUDGET_S);
    }
  });

  it("shares: each point its minimum plus an equal part of the surplus; when short, in proportion", () => {
    const small = { startupMs: 0, roundMs: 0, reserveMs: 0, rounds: 6, minimumMs: 1000 };
    const big = { ...small, minimumMs: 3000 };
    expect(pointShareMs(10_000, [small, big])).toBe(1000 + 3000);
    expect(pointShareMs(10_000, [big, small])).toBe(3000 + 3000);
    expect(pointShareMs(2000, [small, big])).toBe(500);
    expect(pointShareMs(5000, [])).toBe(0);
  });
});
