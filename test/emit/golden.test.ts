import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitStrategy } from "../../src/emit/emit.js";
import { strategies } from "../../src/emit/strategies/index.js";
import { builtinLibrary, tinySpec } from "../helpers.js";

/**
 * Golden .wat per strategy for the tiny spec: any change to the emitted code
 * shows up as a diff in review. Regenerate with UPDATE_GOLDEN=1 npx vitest run test/emit/golden.test.ts
 */
const dir = join(import.meta.dirname, "..", "golden");

describe("golden .wat", () => {
  for (const s of Object.values(strategies)) {
    it(s.name, async () => {
      const text = emitStrategy(tinySpec(), s, { library: await builtinLibrary(), withText: true }).text!;
      const file = join(dir, `${s.name}.wat`);
      if (process.env["UPDATE_GOLDEN"]) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});
