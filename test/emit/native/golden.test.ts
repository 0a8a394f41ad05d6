import { describe, expect, it } from "vitest";
import { lowerC } from "../../../src/emit/native/lower-c.js";
import { strategies } from "../../../src/emit/strategies/index.js";
import { tinySpec } from "../../helpers.js";

/**
 * Golden C per strategy for the tiny spec (test/golden/native/): the three
 * translation units of each native build, one after the other. Regenerate
 * with npx vitest run -u test/emit/native/golden.test.ts
 */
describe("golden native C", () => {
  for (const s of Object.values(strategies)) {
    it(s.name, async () => {
      const spec = tinySpec();
      const lowered = lowerC(spec, s.plan(spec));
      if (!lowered.ok) throw new Error(lowered.reason);
      const text = Object.entries(lowered.units)
        .map(([unit, source]) => `/* ==== ${unit} ==== */\n${source}`)
        .join("\n");
      await expect(text).toMatchFileSnapshot(`../../golden/native/${s.name}.c`);
    });
  }
});
