/**
 * `gate`/`compare --metric instructions|mispredicts`: deterministic counts
 * per dispatch, compared exactly against an absolute threshold, and refused
 * (exit 4) across valgrind versions, engine builds and flags. The datasets
 * are the gate tests' hand-built runs (test/sweep/fake-run.ts) with counts
 * added as `run --measure counts` records them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareDatasets } from "../../src/gate/compare.js";
import { decide } from "../../src/gate/decide.js";
import { gateJunit, gateMarkdown, gateText } from "../../src/gate/report.js";
import type { EventCounts } from "../../src/model/counts.js";
import type { EngineRecord } from "../../src/model/engines.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../../src/model/results.js";
import { cli } from "../cli-harness.js";
import { fakeRun } from "../sweep/fake-run.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "report");
/** A real run's results (time only, no counts). */
const NO_COUNTS = join(FIX, "results-a.json");

const VALGRIND = "valgrind-3.19.0";
const FLAGS = ["--tool=callgrind", "--branch-sim=yes", "--cache-sim=no"];

/** Per dispatch: the control's direct call, table's indirect call, chain's compare chain. */
const COUNTS: Record<string, EventCounts> = {
  direct: { Ir: 10, Bc: 2, Bcm: 0.01, Bi: 0, Bim: 0 },
  table: { Ir: 16, Bc: 2, Bcm: 0.01, Bi: 1, Bim: 0.7 },
  chain: { Ir: 20, Bc: 5, Bcm: 0.9, Bi: 0, Bim: 0 },
};

const node = (version: string, vm = "V8 13.6.233.17-node.63"): EngineRecord => ({ kind: "node", version, vm, inlining: "engine", source: "running" });

interface Options {
  /** Added to chain's instructions per dispatch. */
  ir?: number;
  /** Added to chain's conditional mispredicts per dispatch. */
  miss?: number;
  valgrind?: string;
  engine?: EngineRecord;
  flags?: string[];
  machine?: string;
  /** The control without counts (then cells are compared gross). */
  noControl?: boolean;
  /** chain failed to count. */
  chainError?: string;
}

/** A run of table and chain (and the control) on xen:pv64's uniform workload, timed and counted. */
function counted(o: Options = {}): RunRecord {
  const run = fakeRun({ spec: "xen:pv64", strategies: ["table", "chain"], workloads: ["uniform"], cost: (s) => (s === "chain" ? 8 : 9), control: 5 });
  const cells = run.cells.map((cell) => {
    if (cell.strategy === "direct" && o.noControl) return cell;
    if (cell.strategy === "chain" && o.chainError) return { ...cell, countsError: o.chainError };
    const base = COUNTS[cell.strategy]!;
    const perDispatch = cell.strategy === "chain" ? { ...base, Ir: base.Ir + (o.ir ?? 0), Bcm: base.Bcm + (o.miss ?? 0) } : base;
    return { ...cell, counts: { perDispatch, dispatches: 4 * 65536, valgrind: o.valgrind ?? VALGRIND, flags: o.flags ?? FLAGS } };
  });
  return {
    ...run,
    config: { ...run.config, measure: ["time", "counts"] },
    cells,
    engines: { node: o.engine ?? node("24.1.0") },
    fingerprint: { ...run.fingerprint, machineId: o.machine ?? run.fingerprint.machineId },
  };
}

const dataset = (...runs: RunRecord[]): Dataset => ({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs, sweep: null });
const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-gate-counts-"));
const file = (run: RunRecord): string => {
  const path = join(tmp(), "results.json");
  writeFileSync(path, JSON.stringify(dataset(run)));
  return path;
};

const chainOf = (base: RunRecord, current: RunRecord, o: Parameters<typeof compareDatasets>[2] = { metric: "instructions" }) => {
  const c = compareDatasets(dataset(base), dataset(current), o);
  return { comparison: c, chain: c.cells.find((x) => x.strategy === "chain")! };
};

describe("compareDatasets on instructions", () => {
  it("A/A: exactly 0 for every cell, unchanged, no CI, no p", () => {
    const c = compareDatasets(dataset(counted()), dataset(counted()), { metric: "instructions" });
    expect(c.incomparable).toEqual([]);
    expect(c.skipped).toEqual([]);
    expect(c.cells.map((x) => [x.strategy, x.metric, x.change.value, x.verdict])).toEqual([
      ["table", "net-instructions", 0, "unchanged"],
      ["chain", "net-instructions", 0, "unchanged"],
    ]);
    const chain = c.cells[1]!;
    expect(chain).toMatchObject({ p: null, detectable: 0, base: { median: 10, call: 20 }, counts: { valgrind: VALGRIND } });
    expect(chain.change).toEqual({ value: 0, ciLow: 0, ciHigh: 0 });
    expect(c.options).toMatchObject({ metric: "instructions", countThreshold: 0.5 });
    expect(c.unit).toBe("instructions per dispatch (simulated, valgrind)");
  });

  it("the net change in instructions per dispatch against 0.5 by default: +0.6 regressed, +0.4 unchanged, -0.6 improved", () => {
    const up = chainOf(counted(), counted({ ir: 0.6 })).chain;
    expect(up.verdict).toBe("regressed");
    expect(up.change.value).toBeCloseTo(0.6, 12);
    expect(up.relative.value).toBeCloseTo(0.6 / 20, 12);
    expect(chainOf(counted(), counted({ ir: 0.4 })).chain.verdict).toBe("unchanged");
    expect(chainOf(counted({ ir: 0.6 }), counted()).chain.verdict).toBe("improved");
    expect(chainOf(counted(), counted({ ir: 0.6 }), { metric: "instructions", countThreshold: 1 }).chain.verdict).toBe("unchanged");
    expect(chainOf(counted(), counted({ ir: 0.4 }), { metric: "instructions", countThreshold: 0.25 }).chain.verdict).toBe("regressed");
  });

  it("is net of the control: a harness change that costs every cell and the control alike is no change", () => {
    const harness = counted();
    harness.cells = harness.cells.map((c) => ({ ...c, counts: { ...c.counts!, perDispatch: { ...c.counts!.perDispatch, Ir: c.counts!.perDispatch.Ir + 3 } } }));
    const c = compareDatasets(dataset(counted()), dataset(harness), { metric: "instructions" });
    expect(c.cells.map((x) => [x.strategy, x.change.value, x.verdict])).toEqual([
      ["table", 0, "unchanged"],
      ["chain", 0, "unchanged"],
    ]);
  });

  it("falls back to gross on both sides when either side lacks the control's counts, and says so", () => {
    const { comparison, chain } = chainOf(counted(), counted({ ir: 0.6, noControl: true }));
    expect(chain).toMatchObject({ metric: "gross-instructions", base: { median: 20 }, verdict: "regressed" });
    expect(gateText(decide(comparison, []))).toContain("gross (no control counts to net them)");
  });

  it("a cell that failed to count is not compared: inconclusive with its reason, never a pass", () => {
    const c = compareDatasets(dataset(counted()), dataset(counted({ chainError: "valgrind exited 1" })), { metric: "instructions" });
    expect(c.cells.map((x) => x.strategy)).toEqual(["table"]);
    expect(c.skipped).toEqual([{ cell: "xen:pv64 chain @ uniform / turbofan", reason: expect.stringContaining("could not count it (valgrind exited 1)") }]);
    expect(decide(c, []).outcome).toBe("inconclusive");
  });

  it("compares across machines: the machine counted is valgrind's", () => {
    const { comparison, chain } = chainOf(counted(), counted({ machine: "ffffffffffffffff" }));
    expect(comparison.incomparable).toEqual([]);
    expect(chain.verdict).toBe("unchanged");
    expect(gateText(decide(comparison, []))).toContain("counted on other machines");
  });
});

describe("compareDatasets on mispredicts", () => {
  it("conditional + indirect mispredicts per dispatch, net, against 0.05 by default", () => {
    const aa = compareDatasets(dataset(counted()), dataset(counted()), { metric: "mispredicts" });
    expect(aa.cells.map((x) => [x.strategy, x.metric, x.change.value, x.verdict])).toEqual([
      ["table", "net-mispredicts", 0, "unchanged"],
      ["chain", "net-mispredicts", 0, "unchanged"],
    ]);
    // table: (0.01 + 0.7) - (0.01 + 0) net of the control
    expect(aa.cells[0]!.base.median).toBeCloseTo(0.7, 12);
    const { comparison, chain } = chainOf(counted(), counted({ miss: 0.06 }), { metric: "mispredicts" });
    expect(comparison.options.countThreshold).toBe(0.05);
    expect(chain.verdict).toBe("regressed");
    expect(chainOf(counted(), counted({ miss: 0.04 }), { metric: "mispredicts" }).chain.verdict).toBe("unchanged");
    expect(chainOf(counted(), counted({ miss: 0.06 }), { metric: "mispredicts", countThreshold: 0.1 }).chain.verdict).toBe("unchanged");
    // instructions did not move
    expect(chainOf(counted(), counted({ miss: 0.06 })).chain.verdict).toBe("unchanged");
  });
});

describe("incomparable counts (exit 4)", () => {
  const reasons = (base: RunRecord, current: RunRecord) => compareDatasets(dataset(base), dataset(current), { metric: "instructions" }).incomparable;

  it("another valgrind", () => {
    expect(reasons(counted(), counted({ valgrind: "valgrind-3.22.0" }))).toEqual([
      expect.stringMatching(/^valgrind mismatch: the baseline was counted with valgrind-3\.19\.0, the current results with valgrind-3\.22\.0: .* \(2 cells: /),
    ]);
  });

  it("another engine build: a patch release, or the same version with another VM", () => {
    expect(reasons(counted(), counted({ engine: node("24.2.0") }))).toEqual([
      expect.stringMatching(/^engine mismatch: the baseline was counted in node 24\.1\.0 \(V8 [^)]*\), the current results in node 24\.2\.0 /),
    ]);
    expect(reasons(counted(), counted({ engine: node("24.1.0", "V8 13.6.233.99") }))[0]).toMatch(/^engine mismatch: /);
    expect(reasons(counted({ engine: node("22.12.0") }), counted())).toEqual([
      expect.stringMatching(/^engine mismatch: the baseline was counted in node 22\.12\.0, the current results in node 24\.1\.0: /),
    ]);
  });

  it("a native build with other flags", () => {
    const native = (flags: string[]) => {
      const r = counted();
      r.config = { ...r.config, engines: ["native:retpoline"] };
      r.cells = r.cells.map((c) => ({ ...c, engine: "native:retpoline", tier: "native" as const }));
      r.engines = {
        "native:retpoline": {
          kind: "native",
          version: "12.2.0",
          vm: "gcc (Debian 12.2.0-14) 12.2.0",
          inlining: "off",
          source: "built",
          native: { compiler: "cc", variant: "retpoline", flags },
        },
      };
      return r;
    };
    const same = compareDatasets(dataset(native(["-O2", "-mindirect-branch=thunk"])), dataset(native(["-O2", "-mindirect-branch=thunk"])), {
      metric: "mispredicts",
    });
    expect(same.incomparable).toEqual([]);
    expect(same.cells.map((x) => x.engine)).toEqual(["native:retpoline", "native:retpoline"]);
    expect(reasons(native(["-O2", "-mindirect-branch=thunk"]), native(["-O2", "-mindirect-branch=thunk-extern"]))[0]).toMatch(
      /^engine mismatch: .*flags -O2 -mindirect-branch=thunk\).*flags -O2 -mindirect-branch=thunk-extern\)/,
    );
  });

  it("other flags for valgrind or the cell", () => {
    expect(reasons(counted(), counted({ flags: [...FLAGS, "--I1=32768,8,64"] }))[0]).toMatch(/^flags mismatch: /);
    const v8 = counted();
    v8.cells = v8.cells.map((c) => ({ ...c, flags: ["--no-liftoff"] }));
    expect(reasons(counted(), v8)[0]).toMatch(/^flags mismatch: .* --no-liftoff /);
  });

  it("a refused pair beside cells that compared: incomparable, and said even when another cell regressed", () => {
    const mixed = (ir: number) => {
      const r = counted({ ir });
      r.cells = r.cells.map((c) => (c.strategy === "table" ? { ...c, counts: { ...c.counts!, valgrind: "valgrind-3.22.0" } } : c));
      return r;
    };
    const same = decide(compareDatasets(dataset(counted()), dataset(mixed(0)), { metric: "instructions" }), []);
    expect(same.outcome).toBe("incomparable");
    expect(same.comparison!.cells.map((x) => x.strategy)).toEqual(["chain"]);
    expect(same.reasons).toEqual([expect.stringMatching(/^valgrind mismatch: .* \(1 cell: xen:pv64 table @ uniform \/ turbofan\)$/)]);
    const worse = decide(compareDatasets(dataset(counted()), dataset(mixed(0.6)), { metric: "instructions" }), []);
    expect(worse.outcome).toBe("regression");
    expect(worse.reasons).toEqual(["regressed: xen:pv64 chain @ uniform", expect.stringMatching(/^valgrind mismatch: /)]);
  });

  it("results without counts: says to measure them with run --measure counts", () => {
    const timed = counted();
    timed.cells = timed.cells.map(({ counts: _counts, ...c }) => c);
    expect(reasons(timed, counted())).toEqual([expect.stringMatching(/^no counts: the baseline has no deterministic counts .*`run --measure counts`/)]);
    expect(reasons(counted(), timed)[0]).toMatch(/^no counts: the current results has/);
  });

  it("refuses what does not apply to counts: --cross-engine, --basis reference, a relative --threshold", () => {
    const d = dataset(counted());
    expect(() => compareDatasets(d, d, { metric: "instructions", crossEngine: true })).toThrow(/never compared across engines/);
    expect(() => compareDatasets(d, d, { metric: "instructions", basis: "reference" })).toThrow(/--basis reference applies to ns/);
    expect(() => compareDatasets(d, d, { metric: "instructions", threshold: 0.05 })).toThrow(/a fraction of a cell's ns/);
    expect(() => compareDatasets(d, d, { countThreshold: 1 })).toThrow(/the metric is ns/);
  });
});

describe("reports name the metric and its unit", () => {
  const g = decide(compareDatasets(dataset(counted()), dataset(counted({ ir: 0.6 })), { metric: "instructions" }), []);

  it("terminal", () => {
    const text = gateText(g);
    expect(text).toMatch(/^gate: REGRESSION \(2 cells compared on instructions per dispatch \(simulated, valgrind\), threshold 0\.5, 0 assertions\)/);
    expect(text).toMatch(/spec +workload +strategy +tier +base +current +change +relative +verdict/);
    expect(text).toMatch(/chain +turbofan +10\.000 +10\.600 +\+0\.600 +\+3\.0% +regressed/);
    expect(text).toContain(
      "instructions per dispatch (simulated, valgrind), net of each group's control kernel (same workload, tier, engine), valgrind-3.19.0: exact counts",
    );
    expect(text).not.toMatch(/95% CI|noise/);
  });

  it("Markdown and JUnit", () => {
    expect(gateMarkdown(g)).toContain("_instructions per dispatch (simulated, valgrind), net");
    expect(gateJunit(g)).toContain('message="regressed: +0.600 instructions per dispatch (simulated, valgrind), net, 10.000 -&gt; 10.600, threshold 0.5"');
  });
});

describe("dispatch-lab gate/compare --metric", () => {
  it("gate: 0 on A/A, 1 on +0.6 instructions, 0 on +0.4, 1 on mispredicts, 0 under a larger --count-threshold", async () => {
    const base = file(counted());
    const aa = await cli(["gate", "--baseline", base, "--current", file(counted()), "--metric", "instructions"]);
    expect(aa.code, aa.out + aa.err).toBe(0);
    expect(aa.out).toMatch(/^gate: PASS \(2 cells compared on instructions per dispatch \(simulated, valgrind\), threshold 0\.5, 0 assertions\)/);
    const up = await cli(["gate", "--baseline", base, "--current", file(counted({ ir: 0.6 })), "--metric", "instructions"]);
    expect(up.code).toBe(1);
    expect(up.out).toContain("regressed: xen:pv64 chain @ uniform");
    expect((await cli(["gate", "--baseline", base, "--current", file(counted({ ir: 0.4 })), "--metric", "instructions"])).code).toBe(0);
    const miss = file(counted({ miss: 0.06 }));
    expect((await cli(["gate", "--baseline", base, "--current", miss, "--metric", "mispredicts"])).code).toBe(1);
    expect((await cli(["gate", "--baseline", base, "--current", miss, "--metric", "mispredicts", "--count-threshold", "0.1"])).code).toBe(0);
  });

  it("gate: 4 against another valgrind, another engine version, or results without counts, naming why", async () => {
    const base = file(counted());
    const valgrind = await cli(["gate", "--baseline", base, "--current", file(counted({ valgrind: "valgrind-3.22.0" })), "--metric", "instructions"]);
    expect(valgrind.code).toBe(4);
    expect(valgrind.out).toContain("valgrind mismatch: the baseline was counted with valgrind-3.19.0, the current results with valgrind-3.22.0");
    const engine = await cli(["gate", "--baseline", base, "--current", file(counted({ engine: node("24.2.0") })), "--metric", "mispredicts"]);
    expect(engine.code).toBe(4);
    expect(engine.out).toMatch(/engine mismatch: the baseline was counted in node 24\.1\.0 .*, the current results in node 24\.2\.0/);
    const none = await cli(["gate", "--baseline", NO_COUNTS, "--current", base, "--metric", "instructions"]);
    expect(none.code).toBe(4);
    expect(none.out).toContain("no counts: the baseline has no deterministic counts to compare instructions on: measure them with `run --measure counts`");
  });

  it("compare: the same verdicts, exit 4 when incomparable, JSON naming the metric and unit", async () => {
    const base = file(counted());
    const r = await cli(["compare", base, file(counted({ ir: 0.6 })), "--metric", "instructions", "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      unit: string;
      options: { metric: string; countThreshold: number };
      cells: { strategy: string; metric: string; p: null }[];
    };
    expect(json.unit).toBe("instructions per dispatch (simulated, valgrind)");
    expect(json.options).toMatchObject({ metric: "instructions", countThreshold: 0.5 });
    expect(json.cells.map((c) => [c.strategy, c.metric, c.p])).toEqual([
      ["table", "net-instructions", null],
      ["chain", "net-instructions", null],
    ]);
    const text = await cli(["compare", base, file(counted({ ir: 0.6 })), "--metric", "instructions"]);
    expect(text.out).toMatch(/^compare: 2 cells compared on instructions per dispatch \(simulated, valgrind\), threshold 0\.5: 1 regressed, 1 unchanged$/m);
    expect((await cli(["compare", base, file(counted({ valgrind: "valgrind-3.22.0" })), "--metric", "instructions"])).code).toBe(4);
  });

  it("--metric ns is the default, output for output", async () => {
    const [a, b] = [file(counted()), file(counted())];
    for (const argv of [
      ["gate", "--baseline", a, "--current", b],
      ["compare", a, b],
      ["compare", a, b, "--json"],
    ]) {
      const [plain, ns] = [await cli(argv), await cli([...argv, "--metric", "ns"])];
      expect(ns).toEqual(plain);
      expect(plain.out).not.toMatch(/instructions|valgrind/);
    }
  });

  it("exit 2 on options that do not go with the metric", async () => {
    const base = file(counted());
    const cases: [string[], RegExp][] = [
      [
        ["gate", "--baseline", base, "--current", base, "--metric", "instructions", "--max-regression", "5%"],
        /--max-regression: a fraction of a cell's ns.*\n.*--count-threshold N \(default 0\.5\)/,
      ],
      [["gate", "--baseline", base, "--current", base, "--metric", "instructions", "--confirm"], /--confirm: counts .* are exact/],
      [
        ["gate", "--current", base, "--metric", "instructions", "--assert", "chain < table @ uniform"],
        /--metric: --metric instructions compares against a baseline/,
      ],
      [["gate", "--baseline", base, "--current", base, "--count-threshold", "1"], /--count-threshold: .* the metric is ns/],
      [
        ["gate", "--baseline", base, "--current", base, "--metric", "instructions", "--count-threshold", "half"],
        /--count-threshold: "half" is not a count per dispatch/,
      ],
      [["compare", base, base, "--metric", "mispredicts", "--threshold", "5%"], /--threshold: a fraction of a cell's ns/],
      [["compare", base, base, "--metric", "mispredicts", "--cross-engine"], /--cross-engine: counts .* are never compared across engines/],
      [["compare", base, base, "--metric", "cycles"], /--metric: "cycles" is not ns or instructions or mispredicts/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("the Markdown summary names the metric", async () => {
    const md = join(tmp(), "gate.md");
    await cli(["gate", "--baseline", file(counted()), "--current", file(counted({ miss: 0.06 })), "--metric", "mispredicts", "--markdown", md]);
    expect(readFileSync(md, "utf8")).toMatch(
      /^### dispatch-lab gate: REGRESSION \(2 cells compared on mispredicts per dispatch \(simulated, valgrind: conditional \+ indirect\)/,
    );
  });
});
