import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import {
  DEFAULT_STREAM_LENGTH,
  defaultWorkloads,
  MAX_STREAM_LENGTH,
  buildWorkload,
  listWorkloads,
  parseWorkloadName,
  workloadSeed,
} from "../../src/workload/index.js";
import { validateSpec } from "../../src/spec/validate.js";
import { labError } from "../spec/helpers.js";

const pv64 = loadSpec("xen:pv64");
const sha = (a: Int32Array): string =>
  createHash("sha256")
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest("hex")
    .slice(0, 16);

/** One name per kind that builds on xen:pv64 without a file. */
const SEEDED = [
  "uniform",
  "zipf:1.1",
  "invalid:0.25",
  "xen:pv-guest-build",
  "xen:pv-guest-scp",
  "xen:dom0-build",
  "xen:dom0-scp",
  "xen:pvh-guest-build",
  "xen:pvh-guest-scp",
];
const UNSEEDED = ["fixed:hottest", "fixed:coldest", "cyclic"];

describe("workload registry", () => {
  it("lists every kind once, xen profiles included", () => {
    const syntaxes = listWorkloads().map((w) => w.syntax);
    expect(new Set(syntaxes).size).toBe(syntaxes.length);
    expect(syntaxes).toEqual(
      expect.arrayContaining(["uniform", "zipf:S", "fixed:X", "cyclic", "trace:FILE", "invalid:P", "xen:pv-guest-build", "xen:pvh-guest-scp"]),
    );
    for (const w of listWorkloads()) expect(w.summary.length, w.syntax).toBeGreaterThan(10);
  });

  it("matches kinds by longest prefix: xen profile names contain a colon", () => {
    expect(parseWorkloadName("xen:pv-guest-build")).toMatchObject({ kind: { kind: "xen:pv-guest-build" }, arg: undefined });
    expect(parseWorkloadName("zipf:1.5")).toMatchObject({ kind: { kind: "zipf" }, arg: "1.5" });
    expect(parseWorkloadName("trace:C:/x.csv")).toMatchObject({ kind: { kind: "trace" }, arg: "C:/x.csv" });
    expect(parseWorkloadName("uniformly")).toBeUndefined();
    expect(parseWorkloadName("xen:pv-guest")).toBeUndefined();
  });

  it("builds the default workloads on xen:pv64 at the default length", () => {
    expect(DEFAULT_STREAM_LENGTH).toBeGreaterThanOrEqual(65536);
    for (const name of defaultWorkloads(pv64)) {
      const w = buildWorkload(name, pv64, { seed: 1 });
      expect(w.name).toBe(name);
      expect(w.stream.length, name).toBe(DEFAULT_STREAM_LENGTH);
      expect(w.description.length, name).toBeGreaterThan(10);
      expect(
        w.mix.reduce((a, m) => a + m.share, 0),
        name,
      ).toBeCloseTo(1, 12);
    }
  });

  it("is deterministic: same spec, name, seed and length give the same bytes", () => {
    for (const name of [...SEEDED, ...UNSEEDED]) {
      const a = buildWorkload(name, pv64, { seed: 7, length: 5000 });
      const b = buildWorkload(name, loadSpec("xen:pv64"), { seed: 7, length: 5000 });
      expect(a.stream.length, name).toBe(5000);
      expect(sha(a.stream), name).toBe(sha(b.stream));
      expect(a.mix).toEqual(b.mix);
    }
  });

  it("gives another stream for another seed (seeded kinds only)", () => {
    for (const name of SEEDED) {
      expect(sha(buildWorkload(name, pv64, { seed: 1, length: 5000 }).stream), name).not.toBe(sha(buildWorkload(name, pv64, { seed: 2, length: 5000 }).stream));
    }
  });

  it("derives each workload's seed from the run seed and its own name only", () => {
    expect(workloadSeed(1, "uniform")).toBe(workloadSeed(1, "uniform"));
    expect(workloadSeed(1, "uniform")).not.toBe(workloadSeed(2, "uniform"));
    expect(workloadSeed(1, "uniform")).not.toBe(workloadSeed(1, "zipf:1"));
    expect(workloadSeed(1, "zipf:1")).not.toBe(workloadSeed(1, "zipf:1.0"));
    for (const s of [0, 1, 0xffff_ffff]) expect(workloadSeed(s, "x")).toBeGreaterThanOrEqual(0);
  });

  it("pins the streams: a change in draw order or hashing shows here (update deliberately)", () => {
    const pinned = Object.fromEntries(
      ["uniform", "zipf:1", "invalid:0.01", "xen:pv-guest-build"].map((n) => [n, sha(buildWorkload(n, pv64, { seed: 1, length: 1000 }).stream)]),
    );
    expect(pinned).toMatchInlineSnapshot(`
      {
        "invalid:0.01": "d80bce4f10bdfd18",
        "uniform": "a5d5b47515ca5332",
        "xen:pv-guest-build": "21bfee8755c27182",
        "zipf:1": "fc4d38dd1fb3599b",
      }
    `);
  });

  it("works on a spec that is not Xen's", () => {
    const tiny = validateSpec({
      name: "tiny",
      handlers: [
        { id: 0, name: "a", priority: 2 },
        { id: 5, name: "b" },
        { id: 9, name: "c", priority: 1 },
      ],
    });
    for (const name of ["uniform", "zipf:2", "fixed:hottest", "fixed:coldest", "cyclic", "invalid:0.5"]) {
      const ids = new Set(tiny.handlers.map((h) => h.id));
      const w = buildWorkload(name, tiny, { seed: 3, length: 999 });
      expect(w.stream.length).toBe(999);
      if (!name.startsWith("invalid"))
        expect(
          [...w.stream].every((v) => ids.has(v)),
          name,
        ).toBe(true);
    }
  });
});

describe("workload registry errors", () => {
  it("names an unknown workload and lists every syntax", () => {
    for (const name of ["nope", "xen:pv-guest", "", "Uniform"]) {
      const e = labError(() => buildWorkload(name, pv64, { seed: 1 }));
      expect(e.code).toBe("usage");
      expect(e.problems).toEqual([{ path: name, message: "unknown workload" }]);
      for (const w of listWorkloads()) expect(e.fix).toContain(w.syntax);
    }
  });

  it("rejects an argument to a kind that takes none", () => {
    for (const [name, kind] of [
      ["uniform:3", "uniform"],
      ["cyclic:", "cyclic"],
      ["xen:pv-guest-build:x", "xen:pv-guest-build"],
    ] as const) {
      const e = labError(() => buildWorkload(name, pv64, { seed: 1 }));
      expect(e.problems).toEqual([{ path: name, message: `${kind} takes no argument` }]);
      expect(e.fix).toBe(`write ${kind}`);
    }
  });

  it("asks for the argument a kind needs", () => {
    for (const [name, syntax] of [
      ["zipf", "zipf:S"],
      ["fixed:", "fixed:X"],
      ["trace", "trace:FILE"],
      ["invalid", "invalid:P"],
    ] as const) {
      const e = labError(() => buildWorkload(name, pv64, { seed: 1 }));
      expect(e.problems).toEqual([{ path: name, message: `${syntax.split(":")[0]} needs an argument` }]);
      expect(e.fix).toBe(`write ${syntax}`);
    }
  });

  it("rejects a bad length or seed", () => {
    for (const length of [0, -1, 1.5, MAX_STREAM_LENGTH + 1]) {
      expect(labError(() => buildWorkload("uniform", pv64, { seed: 1, length })).problems).toEqual([
        { path: "length", message: `stream length ${length} is not an integer in 1..${MAX_STREAM_LENGTH}` },
      ]);
    }
    for (const seed of [-1, 2 ** 32, 0.5]) {
      expect(labError(() => buildWorkload("uniform", pv64, { seed })).problems).toEqual([
        { path: "seed", message: `seed ${seed} is not an integer in 0..4294967295` },
      ]);
    }
  });
});
