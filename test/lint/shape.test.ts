import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { MaskMode, MaskWord, Node, Plan, Test } from "../../src/emit/plan.js";
import { xenPlan } from "../../src/emit/strategies/xen.js";
import { compareDepths, treeDepth, unguardedRoute, xenCosts, xenLevels } from "../../src/lint/shape.js";
import { compareTree } from "../../src/emit/strategies/shapes.js";
import { loadSpec } from "../../src/spec/load.js";
import type { Spec } from "../../src/spec/types.js";
import { validateSpec } from "../../src/spec/validate.js";

/**
 * lint's picture of the xen scheme must be the scheme dispatch-lab emits:
 * these tests run xenPlan's own plan (guarded and unguarded) with a small
 * interpreter and compare routes and compare counts with src/lint/shape.ts.
 */

/** Does `num` pass a mask test, the way binaryen.ts lowers each mode? */
function maskPasses(words: readonly MaskWord[], mode: MaskMode, num: number): boolean {
  const bitsOf = (word: number) => words.find((w) => w.word === word)?.bits ?? 0n;
  if (mode === "unguarded") return (bitsOf(0) & (1n << BigInt(num % 64))) !== 0n;
  if (mode === "guarded") return num <= 63 && (bitsOf(0) & (1n << BigInt(num))) !== 0n;
  return (bitsOf(Math.floor(num / 64)) & (1n << BigInt(num % 64))) !== 0n;
}

function passes(test: Test, mode: MaskMode | undefined, num: number): boolean {
  if (test.kind === "eq") return num === test.value;
  if (test.kind === "ltU") return num < test.value;
  return maskPasses(test.words, mode!, num);
}

/** The handler id a plan reaches for `num` (undefined: the fallback) and the tests it ran. */
function run(plan: Plan, num: number): { id: number | undefined; compares: number } {
  let compares = 0;
  let node: Node = plan.root;
  for (;;) {
    if (node.kind === "call") return { id: node.id, compares };
    if (node.kind !== "chain") return { id: undefined, compares };
    const chain: Extract<Node, { kind: "chain" }> = node;
    let next: Node = chain.otherwise;
    for (const arm of chain.arms) {
      compares++;
      if (passes(arm.test, plan.mask, num)) {
        next = arm.then;
        break;
      }
    }
    node = next;
  }
}

const fixture = (name: string) => loadSpec(join(import.meta.dirname, "..", "fixtures", "lint", name));

const specs: [string, () => Spec][] = [
  ["xen:pv64", () => loadSpec("xen:pv64")],
  ["xen:hvm64", () => loadSpec("xen:hvm64")],
  ["pv64-unguarded-hazard.json", () => fixture("pv64-unguarded-hazard.json")],
  ["synthetic:300,levels=5,sparse=8,seed=3", () => loadSpec("synthetic:300,levels=5,sparse=8,seed=3")],
  ["synthetic:40,levels=6", () => loadSpec("synthetic:40,levels=6")],
  [
    "all prioritised",
    () =>
      validateSpec({
        name: "p",
        handlers: [
          { id: 1, name: "a", priority: 1 },
          { id: 2, name: "b", priority: 1 },
          { id: 65, name: "c", priority: 2 },
          { id: 66, name: "d", priority: 2 },
        ],
      }),
  ],
  [
    "last level of two",
    () =>
      validateSpec({
        name: "p",
        handlers: [
          { id: 9, name: "a", priority: 1 },
          { id: 130, name: "b" },
          { id: 2, name: "c" },
        ],
      }),
  ],
];

describe("lint's model of the xen scheme", () => {
  it.each(specs)("%s: unguardedRoute matches xen-unguarded's plan on every number up to max id + 200", (_name, make) => {
    const spec = make();
    const lv = xenLevels(spec);
    const plan = xenPlan(spec, false);
    const top = Math.max(...spec.handlers.map((h) => h.id)) + 200;
    for (let num = 0; num <= top; num++) expect(unguardedRoute(lv, num).handler?.id, `num ${num}`).toBe(run(plan, num).id);
  });

  it.each(specs)("%s: xenCosts counts the compares the guarded xen plan runs to reach each handler", (_name, make) => {
    const spec = make();
    const plan = xenPlan(spec, true);
    const costs = xenCosts(xenLevels(spec));
    for (const h of spec.handlers) {
      const got = run(plan, h.id);
      expect(got.id).toBe(h.id);
      const cost = costs.get(h.id)!;
      expect(cost.before + cost.inLevel, h.name).toBe(got.compares);
    }
  });

  it("reproduces the 2022 bug on pv64: unguarded, 65 and 87 reach iret", () => {
    const lv = xenLevels(loadSpec("xen:pv64"));
    expect(unguardedRoute(lv, 65).handler?.name).toBe("iret");
    expect(unguardedRoute(lv, 87).handler?.name).toBe("iret");
    expect(unguardedRoute(lv, 66).handler).toBeUndefined();
  });

  it("a balanced compare tree of n ids is ceil(log2 n) + 1 deep", () => {
    for (const n of [1, 2, 3, 4, 5, 8, 9, 35, 100]) {
      const handlers = Array.from({ length: n }, (_, i) => ({ id: i * 3, name: `h${i}`, priority: undefined, params: [], body: { kind: "noop", ops: 0 } }));
      expect(Math.max(...compareDepths(compareTree(handlers)).values()), `n = ${n}`).toBe(treeDepth(n));
    }
  });
});
