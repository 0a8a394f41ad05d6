import { describe, expect, it } from "vitest";
import { abiNarrowing } from "../../src/lint/rules/abi-narrowing.js";
import { levelSize } from "../../src/lint/rules/level-size.js";
import { maskWord } from "../../src/lint/rules/mask-word.js";
import { positionCost } from "../../src/lint/rules/position-cost.js";
import { unguardedAlias } from "../../src/lint/rules/unguarded-alias.js";
import type { HandlerInput } from "../../src/spec/types.js";
import { validateSpec } from "../../src/spec/validate.js";

const spec = (handlers: HandlerInput[]) => validateSpec({ name: "t", handlers });
/** `count` unprioritised handlers with ids from `from`, named u<id>. */
const plain = (count: number, from = 0): HandlerInput[] => Array.from({ length: count }, (_, i) => ({ id: from + i, name: `u${from + i}` }));

describe("mask-word", () => {
  it("warns about an id >= 64 in a mask level", () => {
    const s = spec([
      { id: 1, name: "a", priority: 1 },
      { id: 65, name: "b", priority: 1 },
      { id: 5, name: "c" },
    ]);
    expect(maskWord.check(s)).toEqual([
      {
        rule: "mask-word",
        severity: "warning",
        path: "handlers[1].id",
        message:
          "id 65 in priority level 1 (2 handlers) does not fit a single 64-bit mask: unguarded (`1 << num`; i64.shl and x86 take the count mod 64) " +
          "it sets bit 1, as every 64k+1 does; guarded as in Xen (`num > 63 ? 0 : 1 << num`) it is unreachable; " +
          "dispatch-lab's xen strategy uses one mask word per 64 numbers, Xen's gen_hypercall.awk does not",
        fix: "give b an id below 64, or move it to a one-handler level or to the unprioritised level",
      },
    ]);
  });

  it("notes the guard when the masks fit in 0..63 but some id is >= 64", () => {
    const one = spec([
      { id: 1, name: "a", priority: 1 },
      { id: 2, name: "b", priority: 1 },
      { id: 70, name: "c" },
    ]);
    expect(maskWord.check(one)).toEqual([
      {
        rule: "mask-word",
        severity: "note",
        path: "spec",
        message:
          "c (70) has an id >= 64: the mask must reject numbers >= 64 (`num > 63 ? 0 : 1 << num`) or they alias ids mod 64; " +
          "the 2022 unguarded-shift bug let 65 and 87 reach iret on pv64",
      },
    ]);
    const two = spec([
      { id: 1, name: "a", priority: 1 },
      { id: 2, name: "b", priority: 1 },
      { id: 70, name: "c" },
      { id: 64, name: "d" },
    ]);
    expect(maskWord.check(two).map((f) => f.message.split("): ")[0])).toEqual(["2 handlers have ids >= 64 (first: c (70)"]);
  });

  it("is silent without a mask, and for a last level (no mask test) that holds ids >= 64", () => {
    expect(
      maskWord.check(
        spec([
          { id: 1, name: "a", priority: 1 },
          { id: 70, name: "b" },
        ]),
      ),
    ).toEqual([]);
    // Every handler prioritised: level 2 is the last level, a compare tree, so 65 needs no mask bit.
    expect(
      maskWord.check(
        spec([
          { id: 1, name: "a", priority: 1 },
          { id: 2, name: "b", priority: 2 },
          { id: 65, name: "c", priority: 2 },
        ]),
      ),
    ).toEqual([]);
    expect(
      maskWord.check(
        spec([
          { id: 1, name: "a", priority: 1 },
          { id: 2, name: "b", priority: 1 },
          { id: 5, name: "c" },
        ]),
      ),
    ).toEqual([]);
  });
});

describe("unguarded-alias", () => {
  it("names the numbers a two-handler level's second handler would receive", () => {
    const s = spec([
      { id: 1, name: "mmu_update", priority: 1 },
      { id: 23, name: "iret", priority: 1 },
      { id: 5, name: "c" },
    ]);
    expect(unguardedAlias.check(s)).toEqual([
      {
        rule: "unguarded-alias",
        severity: "note",
        path: "handlers[1]",
        message: "an unguarded mask would route 64k+1 and 64k+23 (65, 87, 129, ...) to iret: `num == 1` fails and iret is not re-checked",
      },
    ]);
  });

  it("follows the spec's order inside a level: the first listed is compared, the second reached", () => {
    const s = spec([
      { id: 23, name: "iret", priority: 1 },
      { id: 1, name: "mmu_update", priority: 1 },
      { id: 5, name: "c" },
    ]);
    expect(unguardedAlias.check(s).map((f) => [f.path, f.message])).toEqual([
      ["handlers[1]", "an unguarded mask would route 64k+1 and 64k+23 (65, 87, 129, ...) to mmu_update: `num == 23` fails and mmu_update is not re-checked"],
    ]);
  });

  it("leaves out aliases an earlier level catches by its exact id", () => {
    const s = spec([
      { id: 65, name: "early", priority: 1 },
      { id: 1, name: "a", priority: 2 },
      { id: 23, name: "b", priority: 2 },
      { id: 5, name: "c" },
    ]);
    expect(unguardedAlias.check(s).map((f) => f.message)).toEqual([
      "an unguarded mask would route 64k+1 and 64k+23 (87, 129, 151, ...) to b: `num == 1` fails and b is not re-checked",
    ]);
  });

  it("names handlers with ids >= 64 that an earlier mask level would catch", () => {
    const s = spec([
      { id: 1, name: "a", priority: 1 },
      { id: 2, name: "b", priority: 1 },
      { id: 3, name: "x", priority: 2 },
      { id: 4, name: "y", priority: 2 },
      { id: 5, name: "z", priority: 2 },
      { id: 66, name: "w" },
      { id: 67, name: "v" },
    ]);
    expect(unguardedAlias.check(s).map((f) => [f.path, f.message])).toEqual([
      ["handlers[1]", "an unguarded mask would route 64k+1 and 64k+2 (65, 66, 129, ...) to b: `num == 1` fails and b is not re-checked"],
      ["handlers[5].id", "an unguarded mask would send 66 into priority level 1 (bit 2) and on to b (2): w unreachable"],
      ["handlers[6].id", "an unguarded mask would send 67 into priority level 2 (bit 3) and on to the fallback: v unreachable"],
    ]);
  });

  it("is silent when no level tests a mask, or when the mask levels hold 3+ handlers and every id is < 64", () => {
    expect(unguardedAlias.check(spec([{ id: 1, name: "a", priority: 1 }, { id: 23, name: "b", priority: 2 }, ...plain(3, 30)]))).toEqual([]);
    expect(
      unguardedAlias.check(spec([{ id: 1, name: "a", priority: 1 }, { id: 2, name: "b", priority: 1 }, { id: 3, name: "c", priority: 1 }, ...plain(3, 30)])),
    ).toEqual([]);
    // Two handlers in the last level: compares, no mask.
    expect(
      unguardedAlias.check(
        spec([
          { id: 1, name: "a", priority: 1 },
          { id: 23, name: "b", priority: 1 },
        ]),
      ),
    ).toEqual([]);
  });
});

describe("level-size", () => {
  const level = (n: number, priority = 1): HandlerInput[] => Array.from({ length: n }, (_, i) => ({ id: 10 + i, name: `p${i}`, priority }));

  it("notes a mask level of 3..7 handlers with its inner dispatch depth", () => {
    expect(levelSize.check(spec([...plain(2), ...level(3)]))).toEqual([
      {
        rule: "level-size",
        severity: "note",
        path: "handlers[2].priority",
        message: "priority level 1: mask + inner dispatch of 3 handlers, up to 3 compares after the mask (ceil(log2 3)+1)",
      },
    ]);
    expect(levelSize.check(spec([...plain(2), ...level(7)])).map((f) => [f.severity, f.message])).toEqual([
      ["note", "priority level 1: mask + inner dispatch of 7 handlers, up to 4 compares after the mask (ceil(log2 7)+1)"],
    ]);
  });

  it("warns from 8 handlers", () => {
    expect(levelSize.check(spec([...plain(1), ...level(9, 4)]))).toEqual([
      {
        rule: "level-size",
        severity: "warning",
        path: "handlers[1].priority",
        message: "priority level 4: mask + inner dispatch of 9 handlers, up to 5 compares after the mask (ceil(log2 9)+1); consider splitting the level",
        fix: "give the hottest of its 9 handlers a priority of their own (one or two per level)",
      },
    ]);
  });

  it("ignores two-handler levels and the last level, however large", () => {
    expect(levelSize.check(spec([...plain(2), ...level(2)]))).toEqual([]);
    expect(levelSize.check(spec([{ id: 0, name: "a", priority: 1 }, ...level(12, 2)]))).toEqual([]);
    expect(levelSize.check(spec(plain(40)))).toEqual([]);
  });
});

describe("position-cost", () => {
  it("notes each handler 16+ compares deep with its cost in the xen scheme", () => {
    // Chain order: hot (16) first, then 0..15; the xen scheme: one level, then a 16-leaf tree (5 compares each).
    const s = spec([...plain(16), { id: 16, name: "hot", priority: 1 }]);
    expect(positionCost.check(s)).toEqual([
      {
        rule: "position-cost",
        severity: "note",
        path: "handlers[14]",
        message: "handler u14 is compare #16 in a linear chain (and #6 in the xen scheme: 1 level before it + 5 in its level)",
      },
      {
        rule: "position-cost",
        severity: "note",
        path: "handlers[15]",
        message: "handler u15 is compare #17 in a linear chain (and #6 in the xen scheme: 1 level before it + 5 in its level)",
      },
    ]);
  });

  it("adds a summary past 10 deep handlers", () => {
    const findings = positionCost.check(spec(plain(30)));
    expect(findings).toHaveLength(16);
    expect(findings.at(-1)).toEqual({
      rule: "position-cost",
      severity: "note",
      path: "spec",
      message: "15 handlers are 16+ compares deep in a linear chain (up to #30); the xen scheme reaches each in at most 6",
    });
    expect(positionCost.check(spec(plain(25)))).toHaveLength(10);
  });

  it("is silent for 15 handlers", () => {
    expect(positionCost.check(spec(plain(15)))).toEqual([]);
  });
});

describe("abi-narrowing", () => {
  it("notes every i32 param", () => {
    expect(
      abiNarrowing.check(
        spec([
          { id: 0, name: "a", params: ["i64"] },
          { id: 1, name: "b", params: ["i32", "i64", "i32"] },
        ]),
      ),
    ).toEqual([
      {
        rule: "abi-narrowing",
        severity: "note",
        path: "handlers[1].params[0]",
        message: "i32: b sees only the low 32 bits of a 64-bit argument register (like C `unsigned int`)",
      },
      {
        rule: "abi-narrowing",
        severity: "note",
        path: "handlers[1].params[2]",
        message: "i32: b sees only the low 32 bits of a 64-bit argument register (like C `unsigned int`)",
      },
    ]);
  });

  it("makes i64 -> i32 since the old spec an error (and drops that param's plain note)", () => {
    const old = spec([
      { id: 1, name: "x", params: [] },
      { id: 37, name: "kexec_op", params: ["i64", "i64"] },
    ]);
    const now = spec([
      { id: 1, name: "x", params: [] },
      { id: 37, name: "kexec_op", params: ["i32", "i64"] },
    ]);
    expect(abiNarrowing.check(now, old)).toEqual([
      {
        rule: "abi-narrowing",
        severity: "error",
        path: "handlers[1].params[0]",
        message:
          "kexec_op params[0] narrowed from i64 to i32 since the old spec: guests passing values >= 2^32 now see a different result (the kexec_op regression of 2022)",
        fix: "declare params[0] as i64 again (as Xen did a week after the kexec_op regression)",
      },
    ]);
  });

  it("notes widening and a change in param count", () => {
    const old = spec([
      { id: 1, name: "a", params: ["i32"] },
      { id: 2, name: "b", params: ["i64"] },
      { id: 3, name: "c", params: ["i64", "i64"] },
    ]);
    const now = spec([
      { id: 1, name: "a", params: ["i64"] },
      { id: 2, name: "b", params: ["i64", "i64"] },
      { id: 3, name: "c", params: ["i64"] },
    ]);
    expect(abiNarrowing.check(now, old).map((f) => [f.severity, f.path, f.message])).toEqual([
      ["note", "handlers[0].params[0]", "a params[0] widened from i32 to i64 since the old spec: it now sees the high 32 bits, which it ignored before"],
      ["note", "handlers[1].params", "b declares 2 params, 1 in the old spec: it now reads argument registers it ignored before"],
      ["note", "handlers[2].params", "c declares 1 param, 2 in the old spec: it now ignores argument registers it read before"],
    ]);
  });

  it("warns about a handler that is gone or changed id, and notes a rename (matched by id)", () => {
    const old = spec([
      { id: 1, name: "a", params: [] },
      { id: 2, name: "b", params: [] },
      { id: 3, name: "c", params: [] },
      { id: 4, name: "d", params: [] },
    ]);
    const now = spec([
      { id: 5, name: "b", params: [] },
      { id: 3, name: "c2", params: [] },
      { id: 4, name: "d", params: [] },
    ]);
    expect(abiNarrowing.check(now, old)).toEqual([
      {
        rule: "abi-narrowing",
        severity: "warning",
        path: "spec",
        message: "a (1) is gone since the old spec: guests calling 1 now reach the fallback (-38)",
        fix: "keep a at 1, or make sure no guest still calls it",
      },
      {
        rule: "abi-narrowing",
        severity: "warning",
        path: "handlers[0].id",
        message: "b changed id from 2 to 5 since the old spec: guests calling 2 now reach the fallback (-38)",
        fix: "keep b at 2: hypercall numbers are ABI",
      },
      { rule: "abi-narrowing", severity: "note", path: "handlers[1].name", message: "c2 (3) was c in the old spec (matched by id)" },
    ]);
  });

  it("does not call a handler that moved onto a vanished one's id a rename", () => {
    const old = spec([
      { id: 1, name: "a", params: [] },
      { id: 2, name: "b", params: [] },
    ]);
    const now = spec([{ id: 1, name: "b", params: [] }]);
    expect(abiNarrowing.check(now, old).map((f) => f.message)).toEqual([
      "a (1) is gone since the old spec: guests calling 1 now reach b (1)",
      "b changed id from 2 to 1 since the old spec: guests calling 2 now reach the fallback (-38)",
    ]);
  });
});
