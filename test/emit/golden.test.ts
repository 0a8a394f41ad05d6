import { describe, expect, it } from "vitest";
import { emitStrategy } from "../../src/emit/emit.js";
import { strategies } from "../../src/emit/strategies/index.js";
import { builtinLibrary, tinySpec } from "../helpers.js";

/**
 * Golden .wat per strategy for the tiny spec (test/golden/): any change to
 * the emitted code shows up as a diff in review. Regenerate with
 * npx vitest run test/emit/golden.test.ts -u
 */
describe("golden .wat", () => {
  for (const s of Object.values(strategies)) {
    it(s.name, async () => {
      const text = emitStrategy(tinySpec(), s, { library: await builtinLibrary(), withText: true }).text!;
      await expect(text).toMatchFileSnapshot(`../golden/${s.name}.wat`);
    });
  }
});
