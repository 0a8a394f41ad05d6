import { describe, expect, it } from "vitest";
import { bootstrapMedianCI, pairedBootstrapMediansCI } from "../../src/stats/bootstrap.js";

describe("two-stage (blocked) median bootstrap", () => {
  const values = [5, 5.01, 4.99, 5, 5.02, 6, 6.01, 5.99, 6, 6.02];
  const blocks = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];

  it("is deterministic and ordered", () => {
    const a = bootstrapMedianCI(values, { seed: 3, blocks });
    expect(bootstrapMedianCI(values, { seed: 3, blocks })).toEqual(a);
    expect(a[0]).toBeLessThanOrEqual(a[1]);
  });

  it("covers the spread between blocks, which the flat bootstrap hides", () => {
    const [lo, hi] = bootstrapMedianCI(values, { blocks });
    expect(lo).toBeLessThanOrEqual(5.01);
    expect(hi).toBeGreaterThanOrEqual(5.99);
  });

  it("of identical groups, paired: a ratio of exactly 1", () => {
    expect(pairedBootstrapMediansCI([values, values], (m) => m[0]! / m[1]!, { blocks })).toEqual([1, 1]);
  });

  it("rejects a label count that does not match the samples", () => {
    expect(() => bootstrapMedianCI(values, { blocks: [0, 1] })).toThrow(/2 labels for 10 samples/);
  });
});
