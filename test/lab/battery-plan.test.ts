import { describe, expect, it } from "vitest";
import { batteryPlan, measuredMixes, nativeEngines, wasmEngines, type BatteryFacts } from "../../src/lab/battery-plan.js";
import { loadSpec } from "../../src/spec/load.js";

const INSTALLED = [
  { kind: "node", version: "26.12.1" },
  { kind: "node", version: "24.22.3" },
  { kind: "node", version: "22.23.5" },
  { kind: "deno", version: "2.9.6" },
  { kind: "bun", version: "1.4.5" },
];
const FACTS: BatteryFacts = { quick: false, arch: "x64", nodeMajor: 20, installed: INSTALLED, valgrind: true };

describe("the battery's plan", () => {
  it("takes each spec's measured Xen mixes, of its own guest kind", () => {
    expect(measuredMixes(loadSpec("xen:pv64"))).toEqual(["xen:pv-guest-build", "xen:pv-guest-scp", "xen:dom0-build", "xen:dom0-scp"]);
    expect(measuredMixes(loadSpec("xen:hvm64"))).toEqual(["xen:pvh-guest-build", "xen:pvh-guest-scp"]);
    expect(measuredMixes(loadSpec("synthetic:8"))).toEqual([]);
  });

  it("full: every mix and baseline, the running node, the newest other Node major and Bun, four native builds, counts", () => {
    const plan = batteryPlan(FACTS, loadSpec);
    expect(plan.runs.map((r) => r.spec)).toEqual(["xen:pv64", "xen:hvm64"]);
    const [pv, hvm] = plan.runs;
    expect(pv!.workloads).toEqual([
      "xen:pv-guest-build",
      "xen:pv-guest-scp",
      "xen:dom0-build",
      "xen:dom0-scp",
      "uniform",
      "fixed:hottest",
      "fixed:coldest",
      "cyclic",
    ]);
    expect(hvm!.workloads).toEqual(["xen:pvh-guest-build", "xen:pvh-guest-scp", "uniform", "fixed:hottest", "fixed:coldest", "cyclic"]);
    expect(pv!.engines).toEqual(["node", "node@26", "bun", "native", "native:nojt", "native:retpoline", "native:rethunk"]);
    expect(pv).toMatchObject({ measure: "time,counts", processes: 2, folder: "pv64" });
    // The budget is shared by cells: pv64 has 8 workloads to hvm64's 6.
    expect(pv!.timeBudgetS + hvm!.timeBudgetS).toBe(340);
    expect(pv!.timeBudgetS).toBeGreaterThan(hvm!.timeBudgetS);
    expect(plan.skipped).toEqual([expect.stringMatching(/^installed engines node@24, node@22, deno: /)]);
  });

  it("--quick: the leading mix, uniform and cyclic; the running node; native o2 and retpoline; no counts", () => {
    const plan = batteryPlan({ ...FACTS, quick: true }, loadSpec);
    expect(plan.runs.map((r) => r.workloads)).toEqual([
      ["xen:pv-guest-build", "uniform", "cyclic"],
      ["xen:pvh-guest-build", "uniform", "cyclic"],
    ]);
    expect(plan.runs[0]).toMatchObject({ engines: ["node", "native", "native:retpoline"], measure: "time", processes: 1, timeBudgetS: 38 });
    expect(plan.skipped).toContain("counts: --quick measures time only");
  });

  it("arm64: the x86 mitigations are left out, each with its reason", () => {
    const native = nativeEngines({ quick: false, arch: "arm64" });
    expect(native.engines).toEqual(["native", "native:nojt"]);
    expect(native.skipped).toEqual([
      expect.stringMatching(/^native:retpoline skipped on arm64: /),
      expect.stringMatching(/^native:rethunk skipped on arm64: /),
    ]);
  });

  it("no valgrind: time only, and says so; no installed engines: the running node alone", () => {
    const plan = batteryPlan({ ...FACTS, valgrind: false, installed: [] }, loadSpec);
    expect(plan.runs.every((r) => r.measure === "time")).toBe(true);
    expect(plan.skipped).toEqual(["counts: valgrind is not installed (apt-get install valgrind)"]);
    expect(wasmEngines({ ...FACTS, installed: [] }).engines).toEqual(["node"]);
    // The running node's own major is not another engine.
    expect(wasmEngines({ ...FACTS, nodeMajor: 26 }).engines).toEqual(["node", "node@24", "bun"]);
  });
});
