import { describe, expect, it } from "vitest";
import { lowerC } from "../../../src/emit/native/lower-c.js";
import { strategies } from "../../../src/emit/strategies/index.js";
import { tinySpec } from "../../helpers.js";

/**
 * Golden C for the tiny spec (test/golden/native/): each strategy's
 * dispatch.c, and handlers.c and harness.c once (every strategy's are the
 * same, which this checks). Regenerate with
 * npx vitest run test/emit/native/golden.test.ts -u (after the file: `-u FILE` takes FILE as its value and updates the whole suite)
 */
const lowered = (name: string) => {
  const spec = tinySpec();
  const out = lowerC(spec, strategies[name]!.plan(spec));
  if (!out.ok) throw new Error(out.reason);
  return out.units;
};

describe("golden native C", () => {
  for (const s of Object.values(strategies))
    it(`${s.name}: dispatch.c`, async () => {
      await expect(lowered(s.name)["dispatch.c"]).toMatchFileSnapshot(`../../golden/native/${s.name}.dispatch.c`);
    });

  it("handlers.c and harness.c: the same for every strategy", async () => {
    const { "handlers.c": handlers, "harness.c": harness } = lowered("table");
    for (const s of Object.keys(strategies)) expect([lowered(s)["handlers.c"], lowered(s)["harness.c"]], s).toEqual([handlers, harness]);
    await expect(handlers).toMatchFileSnapshot("../../golden/native/handlers.c");
    await expect(harness).toMatchFileSnapshot("../../golden/native/harness.c");
  });
});
