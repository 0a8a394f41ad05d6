import { describe, expect, it } from "vitest";
import { levelSizes, parseSynthetic, syntheticSpec } from "../../src/spec/builtin/synthetic.js";
import { specHash } from "../../src/spec/load.js";
import type { Spec } from "../../src/spec/types.js";
import { labError } from "./helpers.js";

const levelCounts = (spec: Spec): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const h of spec.handlers) counts[String(h.priority ?? "none")] = (counts[String(h.priority ?? "none")] ?? 0) + 1;
  return counts;
};

describe("synthetic defaults", () => {
  const s = syntheticSpec("synthetic:10");

  it("gives ids 0..N-1 named h_<id>, in id order, unprioritised noop handlers", () => {
    expect(s.name).toBe("synthetic-10");
    expect(s.args).toBe(5);
    expect(s.fallback).toBe(-38n);
    expect(s.handlers.map((h) => h.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.handlers.map((h) => h.name)).toEqual(s.handlers.map((h) => `h_${h.id}`));
    expect(s.handlers.every((h) => h.priority === undefined && h.body.kind === "noop" && h.body.ops === 0)).toBe(true);
  });

  it("mixes param counts and types within args", () => {
    const big = syntheticSpec("synthetic:200");
    expect(big.handlers.every((h) => h.params.length <= 5)).toBe(true);
    expect(new Set(big.handlers.map((h) => h.params.length))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    const types = new Set(big.handlers.flatMap((h) => h.params));
    expect(types).toEqual(new Set(["i32", "i64"]));
  });

  it("is the same spec as the defaults spelled out", () => {
    expect(syntheticSpec("synthetic:10,levels=0,sparse=1,seed=1,args=5,params=mixed,body=noop")).toEqual(s);
  });
});

describe("synthetic determinism", () => {
  it("gives the same spec for the same string", () => {
    const arg = "synthetic:300,levels=3,sparse=4,seed=7";
    expect(specHash(syntheticSpec(arg))).toBe(specHash(syntheticSpec(arg)));
    expect(syntheticSpec(arg)).toEqual(syntheticSpec(arg));
  });

  it("is stable across versions (a change here changes every recorded synthetic result)", () => {
    const s = syntheticSpec("synthetic:8,levels=2,sparse=2,seed=3");
    expect(s.handlers.map((h) => `${h.id}:${h.priority ?? "-"}:${h.params.join(",")}`)).toEqual([
      "0:1:",
      "2:-:i64,i64",
      "4:-:i32,i32,i64,i32,i32",
      "5:2:i32",
      "6:-:i64",
      "8:-:i64,i64,i32,i32",
      "11:2:",
      "14:-:",
    ]);
  });

  it("depends on the seed", () => {
    expect(syntheticSpec("synthetic:50,sparse=3,seed=1").handlers.map((h) => h.id)).not.toEqual(
      syntheticSpec("synthetic:50,sparse=3,seed=2").handlers.map((h) => h.id),
    );
  });

  it("ignores option order, and names itself canonically", () => {
    const a = syntheticSpec("synthetic:40,seed=9,levels=2,sparse=2.50");
    const b = syntheticSpec("synthetic:40,sparse=2.5,levels=2,seed=9");
    expect(a).toEqual(b);
    expect(a.name).toBe("synthetic-40,levels=2,sparse=2.5,seed=9");
  });
});

describe("synthetic options", () => {
  it("levels=L puts 2^(j-1) handlers at level j", () => {
    expect(levelCounts(syntheticSpec("synthetic:300,levels=3,sparse=4,seed=7"))).toEqual({ "1": 1, "2": 2, "3": 4, none: 293 });
    expect(levelCounts(syntheticSpec("synthetic:64,levels=5"))).toEqual({ "1": 1, "2": 2, "3": 4, "4": 8, "5": 16, none: 33 });
  });

  it("caps levels so one handler stays unprioritised", () => {
    expect(levelSizes(3, 4)).toEqual([1, 2]);
    expect(levelSizes(3, 6)).toEqual([1, 2, 2]);
    expect(levelSizes(3, 8)).toEqual([1, 2, 4]);
    expect(levelSizes(99, 2)).toEqual([1]);
    expect(levelSizes(0, 10)).toEqual([]);
    expect(levelCounts(syntheticSpec("synthetic:6,levels=3"))).toEqual({ "1": 1, "2": 2, "3": 2, none: 1 });
    expect(levelCounts(syntheticSpec("synthetic:4096,levels=99"))).toMatchObject({ "12": 2048, none: 1 });
  });

  it("prioritises the single handler of a one-handler spec", () => {
    expect(levelSizes(3, 1)).toEqual([1]);
    expect(syntheticSpec("synthetic:1,levels=3").handlers[0]?.priority).toBe(1);
  });

  it("sparse=S samples ids from 0..floor(S*N)-1", () => {
    const s = syntheticSpec("synthetic:100,sparse=4,seed=5");
    const ids = s.handlers.map((h) => h.id);
    expect(new Set(ids).size).toBe(100);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(Math.max(...ids)).toBeLessThan(400);
    expect(Math.max(...ids)).toBeGreaterThan(100);
  });

  it("computes floor(S*N) exactly", () => {
    // 8.2 * 15 is 122.99999999999999 in binary floating point; the exact range is 0..122.
    expect(parseSynthetic("synthetic:15,sparse=8.2").sparse).toEqual({ numerator: 82n, denominator: 10n });
    const ids = syntheticSpec("synthetic:15,sparse=8.2,seed=7").handlers.map((h) => h.id);
    expect(Math.max(...ids)).toBe(122);
  });

  it("reaches the whole id space", () => {
    const s = syntheticSpec("synthetic:4096,sparse=16");
    expect(s.handlers).toHaveLength(4096);
    expect(s.handlers.every((h) => h.id <= 65535)).toBe(true);
  });

  it("args, params=i64 and body apply to every handler", () => {
    const s = syntheticSpec("synthetic:30,args=3,params=i64,body=alu:100");
    expect(s.args).toBe(3);
    expect(s.handlers.every((h) => h.params.join() === "i64,i64,i64" && h.body.kind === "alu" && h.body.ops === 100)).toBe(true);
    expect(syntheticSpec("synthetic:3,body=mem").handlers[0]?.body).toEqual({ kind: "mem", ops: 0 });
    expect(syntheticSpec("synthetic:30,args=0").handlers.every((h) => h.params.length === 0)).toBe(true);
  });
});

describe("synthetic errors", () => {
  const messages = (arg: string) => {
    const e = labError(() => syntheticSpec(arg));
    expect(e.code).toBe("spec-invalid");
    expect(e.problems.every((p) => p.path === arg)).toBe(true);
    expect(e.fix).toMatch(/^write synthetic:N/);
    return e.problems.map((p) => p.message);
  };

  it.each([
    ["synthetic:", 'N "" is not a non-negative integer'],
    ["synthetic:0", "N 0 is outside 1..4096"],
    ["synthetic:4097", "N 4097 is outside 1..4096"],
    ["synthetic:-3", 'N "-3" is not a non-negative integer'],
    ["synthetic:10,levels=100", "levels 100 is outside 0..99"],
    ["synthetic:10,sparse=0.5", "sparse 0.5 is below 1"],
    ["synthetic:10,sparse=1e3", 'sparse "1e3" is not a decimal number'],
    ["synthetic:4096,sparse=16.001", "sparse gives 65540 possible ids (floor(S*N)); at most 65536 fit in 0..65535"],
    ["synthetic:10,seed=4294967296", "seed 4294967296 is outside 0..4294967295"],
    ["synthetic:10,seed=-1", 'seed "-1" is not a non-negative integer'],
    ["synthetic:10,args=7", "args 7 is outside 0..6"],
    ["synthetic:10,params=i32", 'params "i32" is not mixed or i64'],
    ["synthetic:10,body=1x", 'body "1x" is not KIND or KIND:OPS (KIND an identifier)'],
    ["synthetic:10,body=alu:1:2", 'body "alu:1:2" is not KIND or KIND:OPS (KIND an identifier)'],
    ["synthetic:10,body=alu:1000001", "body ops 1000001 is outside 0..1000000"],
    ["synthetic:10,levls=2", 'unknown option "levls" (known: levels, sparse, seed, args, params, body)'],
    ["synthetic:10,seed", 'option "seed" needs a value (seed=...)'],
    ["synthetic:10,seed=1,seed=2", 'option "seed" is given twice'],
    ["synthetic:10,", 'unknown option "" (known: levels, sparse, seed, args, params, body)'],
  ])("%s", (arg, message) => expect(messages(arg)).toEqual([message]));

  it("reports every bad option together", () => {
    expect(messages("synthetic:x,levels=-1,args=9,params=x")).toEqual([
      'N "x" is not a non-negative integer',
      'levels "-1" is not a non-negative integer',
      "args 9 is outside 0..6",
      'params "x" is not mixed or i64',
    ]);
  });
});
