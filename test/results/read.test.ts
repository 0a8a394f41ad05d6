import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResults, readResultsAt } from "../../src/results/read.js";
import { labError } from "../spec/helpers.js";
import { A, datasetA, FIX, HOSTILE, tmp, writeCase } from "./hostile.js";
import { runAnswers } from "../../src/results/answers.js";

describe("readResults: the hostile-file corpus", () => {
  for (const c of HOSTILE) {
    it(`${c.name}: results-invalid naming the file and the path`, () => {
      const file = writeCase(c.text());
      const e = labError(() => readResults(file));
      expect(e.code).toBe("results-invalid");
      expect(e.exitCode).toBe(2);
      expect(e.fix).toBeTruthy();
      expect(e.problems[0]!.path).toBe(c.path ? `${file}: ${c.path}` : file);
      expect(e.problems[0]!.message).toMatch(c.message);
      expect(e.problems.length).toBeLessThanOrEqual(6);
    });
  }

  it("refuses a file over 512 MiB from its size, before reading it", () => {
    const file = join(tmp(), "results.json");
    writeFileSync(file, "");
    truncateSync(file, 600 * 2 ** 20); // sparse: no disk, no read
    expect(labError(() => readResults(file)).problems).toEqual([{ path: file, message: "600 MiB, more than the 512 MiB a results file may have" }]);
  });

  it("lists the first five problems and counts the rest", () => {
    const d = datasetA();
    for (const s of d["runs"][0].cells[0].samples) s.nsPerDispatch = -1;
    const e = labError(() => readResults(writeCase(JSON.stringify(d))));
    expect(e.problems).toHaveLength(6);
    expect(e.problems[5]!.message).toMatch(/^and \d+ more problems$/);
  });
});

describe("readResults: valid files", () => {
  it("reads every fixture (results@1 and @2, runs and sweeps)", () => {
    for (const name of ["results-a.json", "results-b.json", "sweep-body.json", "sweep-crossover.json", "sweep-position.json", "sweep-scale.json"])
      expect(readResults(join(FIX, name)).runs.length, name).toBeGreaterThan(0);
  });

  it("keeps keys it does not know (fields newer writers add), so merge carries them on", () => {
    const d = datasetA();
    d["runs"][0].sessions[0].futureField = { busy: true };
    d["runs"][0].config.futureList = ["a"];
    const read = readResults(writeCase(JSON.stringify(d)));
    expect(read.runs[0]!.sessions[0]).toMatchObject({ futureField: { busy: true } });
    expect(read.runs[0]!.config).toMatchObject({ futureList: ["a"] });
  });

  it("reads an interrupted run (pending cells, no summaries yet)", () => {
    const d = datasetA();
    Object.assign(d, { complete: false });
    Object.assign(d["runs"][0], { complete: false, summaries: [], answers: [] });
    Object.assign(d["runs"][0].cells[2], { status: "pending", samples: [], seconds: 0 });
    expect(readResults(writeCase(JSON.stringify(d))).runs[0]!.cells[2]!.status).toBe("pending");
  });

  it("recomputes statistics written before `inconclusive` existed: one round is no verdict", () => {
    const d = datasetA();
    for (const c of d["runs"][0].cells) c.samples = c.samples.slice(0, 1);
    d["runs"][0].summaries = d["runs"][0].summaries.map((s: { gross: { n: number; median: number } }, i: number) => ({
      ...s,
      gross: { ...s.gross, n: 1, median: d["runs"][0].cells[i].samples[0].nsPerDispatch, min: 0, max: 1e6 },
    }));
    const run = readResults(writeCase(JSON.stringify(d))).runs[0]!;
    expect(run.summaries.every((s) => /too few samples: 1 round/.test(s.inconclusive ?? ""))).toBe(true);
    expect(runAnswers(run).join(" ")).toMatch(/inconclusive/);
    expect(runAnswers(run).join(" ")).not.toMatch(/ns (faster|slower)|fastest: (table|chain|xen)/);
  });

  it("readResultsAt takes a folder, a results.json or a samples.csv", () => {
    expect(readResultsAt(A).runs).toHaveLength(1);
    const dir = tmp();
    writeFileSync(join(dir, "results.json"), JSON.stringify(datasetA()));
    expect(readResultsAt(dir).runs).toHaveLength(1);
  });
});
