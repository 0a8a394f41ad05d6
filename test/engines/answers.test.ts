/** Answers of a run with several engines: one per workload and engine, and a strategy an engine skipped is named with why. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAnswers } from "../../src/results/answers.js";
import { readResults } from "../../src/results/read.js";

const FIX = join(import.meta.dirname, "..", "report", "fixtures");

describe("answers per engine", () => {
  it("one sentence per workload and engine, each about its own engine's cells", () => {
    const run = readResults(join(FIX, "engines.json")).runs[0]!;
    const answers = runAnswers(run);
    expect(answers.map((a) => a.split(":")[0])).toEqual((run.config.engines ?? []).map((e) => `uniform (${e})`));
  });

  it("an engine with nothing to compare says which strategy it skipped, and why", () => {
    const [node, node24] = runAnswers(readResults(join(FIX, "engines-skipped.json")).runs[0]!);
    expect(node).toMatch(/^uniform \(node\): no strategy besides table was measured \(table-ref skipped: needs typed-function-references: V8 11\.3/);
    expect(node24).toMatch(/^uniform \(node@24\): table-ref's whole call is/);
  });
});
