import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { selectStrategies } from "../../src/emit/strategies/index.js";
import { packageRoot } from "../../src/paths.js";
import { parseTiers } from "../../src/model/tiers.js";
import { loadSpec } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { didYouMean, editDistance, nearest } from "../../src/suggest.js";
import { buildWorkload } from "../../src/workload/index.js";
import { cli } from "../cli-harness.js";
import { labError } from "../spec/helpers.js";

describe("did you mean", () => {
  it("counts a transposition as one edit, and suggests within 2 edits (1 for short names)", () => {
    expect(editDistance("tabel", "table")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(nearest("Chian", ["table", "chain"])).toBe("chain");
    expect(nearest("rnu", ["run", "report"])).toBe("run");
    expect(nearest("xyz", ["run", "report"])).toBeUndefined();
    expect(nearest("abcd", ["wxyz"])).toBeUndefined();
    expect(didYouMean([undefined, "a", "b"])).toBe('did you mean "a", "b"? ');
    expect(didYouMean([undefined])).toBe("");
  });

  it("strategies: the nearest name, a pad suffix kept; the valid ones still listed", () => {
    const e = labError(() => selectStrategies("tabel,chian+pad:8,nope"));
    expect(e.message).toBe('--strategies: unknown strategy "tabel", "chian+pad:8", "nope"');
    expect(e.fix).toMatch(/^did you mean "table", "chain\+pad:8"\? valid strategies: table, chain,/);
  });

  it("workloads: the nearest kind, for the whole name or its head (the argument kept)", () => {
    const spec = loadSpec("xen:pv64");
    for (const [typo, meant] of [
      ["unifrom", "uniform"],
      ["Uniform", "uniform"],
      ["zpif:1.1", "zipf:1.1"],
      ["xen:pv-gust-build", "xen:pv-guest-build"],
      ["fixd:hottest", "fixed:hottest"],
    ]) {
      const e = labError(() => buildWorkload(typo!, spec, { seed: 1 }));
      expect(e.problems, typo).toEqual([{ path: typo, message: "unknown workload" }]);
      expect(e.fix, typo).toMatch(new RegExp(`^did you mean "${meant!.replace(/[.]/g, "\\.")}"\\? use one of: uniform,`));
    }
    expect(labError(() => buildWorkload("qwertyuiop", spec, { seed: 1 })).fix).toMatch(/^use one of:/);
  });

  it("tiers", () => {
    const e = labError(() => parseTiers("turbofan,liftof"));
    expect(e.message).toBe('--tiers: unknown tier "liftof"');
    expect(e.fix).toBe('did you mean "liftoff"? tiers: turbofan, liftoff, tiered');
  });

  it("commands, and a name from Object's prototype is an unknown command (exit 2), not a crash", async () => {
    const r = await cli(["rnu"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: rnu: unknown command");
    expect(r.err).toContain('fix: did you mean "run"? commands: run, sweep,');
    for (const name of ["toString", "constructor", "__proto__"]) {
      const p = await cli([name]);
      expect(p.code, name).toBe(2);
      expect(p.err, name).toContain(`error: ${name}: unknown command`);
    }
  });

  it("sweep kinds", async () => {
    const r = await cli(["sweep", "postion"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('fix: did you mean "position"? dispatch-lab sweep position|scale|crossover|body');
  });

  it("spec keys use the same helper (a transposed key is one edit)", () => {
    const e = labError(() => validateSpec({ name: "x", handlers: [{ id: 0, name: "a", prioirty: 1 }] }));
    expect(e.problems).toEqual([{ path: "handlers[0].prioirty", message: 'unknown key; did you mean "priority"?' }]);
  });
});

describe("usage errors on the command line: exit 2, nothing written, no stack trace", () => {
  const cases: [string[], string][] = [
    [["--time-budget", "0"], '--time-budget: "0" is not an integer in 1..'],
    [["--samples", "0"], '--samples: "0" is not an integer in 1..'],
    [["--processes", "0"], '--processes: "0" is not an integer in 1..'],
    [["--workloads", ",,,"], "--workloads: no workload named"],
    [["--workloads", "uniform,uniform"], '--workloads: "uniform" given twice'],
    [["--strategies", "table,chain,chain"], '--strategies: "chain" given twice'],
    [["--tiers", ""], "--tiers: no tier named"],
    [["--workloads", "unifrom"], 'fix: did you mean "uniform"?'],
  ];
  for (const [args, message] of cases) {
    it(`run ${args.join(" ")}`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), "dispatch-lab-usage-")), "out");
      const r = await cli(["run", "--spec", "synthetic:4", "--cpu", "0", "--out", out, ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("sweep: a workload or strategy given twice", async () => {
    const cases: [string[], string][] = [
      [["--workloads", "uniform,uniform"], '--workloads: "uniform" given twice'],
      [["--strategies", "chain,chain"], '--strategies: "chain" given twice'],
      [["--samples", "0"], '--samples: "0" is not an integer in 1..'],
    ];
    for (const [args, message] of cases) {
      const out = join(mkdtempSync(join(tmpdir(), "dispatch-lab-usage-")), "out");
      const r = await cli(["sweep", "scale", "--sizes", "4", "--cpu", "0", "--out", out, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("installing the lab from git or a folder", () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
    bin: Record<string, string>;
    main: string;
    types: string;
    files: string[];
  };

  it("builds on install: `prepare` (run by npm for git and folder installs, and by npm ci) builds dist/ and the body library", () => {
    expect(pkg.scripts["prepare"]).toBe("npm run build");
    expect(pkg.scripts["build"]).toContain("npm run build:assembly");
    expect(pkg.scripts["build"]).toContain("npm run build:ts");
    expect(pkg.scripts["build:assembly"]).toContain("assembly/bodies.ts");
  });

  it("packs what the bin and the library need (npm pack, scripts not run: the build is the test suite's)", () => {
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: packageRoot, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const files = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    for (const path of [...Object.values(pkg.bin), pkg.main, pkg.types, "build/bodies.wasm", "package.json"])
      expect(files.has(path.replace(/^\.\//, "")), path).toBe(true);
    expect([...files].some((f) => f.startsWith("test/"))).toBe(false);
  });
});
