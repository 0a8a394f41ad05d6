import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/results/read.js";
import type { Dataset } from "../../src/model/results.js";
import { cli as inProcess, type CliResult } from "../cli-harness.js";
import { A, B, HOSTILE, hostileCsv, tmp, writeCase } from "./hostile.js";

const cli = (...args: string[]) => inProcess(args);
const hostile = (name: string) => writeCase(HOSTILE.find((c) => c.name === name)!.text());

/** Exit 2, the file and the JSON path named, no stack trace. */
function refused(r: CliResult, file: string, path: string) {
  expect(r.code, r.err).toBe(2);
  expect(r.err).toContain(`error: ${file}${path ? `: ${path}` : ""}`);
  expect(r.err).toMatch(/^fix: /m);
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
}

describe("damaged results through the CLI: exit 2 naming the file", () => {
  it("gate takes no verdict from a 1e308 sample (it was 'improved, PASS')", async () => {
    const bad = hostile("1e308 ns per dispatch");
    refused(await cli("gate", "--baseline", A, "--current", bad), bad, "runs[0].cells[3].samples[4].nsPerDispatch");
  });

  it("compare: a summary of a missing cell, and a truncated file", async () => {
    const missing = hostile("summary of a missing cell");
    refused(await cli("compare", A, missing), missing, "runs[0].summaries[1].id");
    const truncated = hostile("truncated JSON");
    refused(await cli("compare", truncated, A), truncated, "not valid JSON");
  });

  it("report: a sweep without its record, and deeply nested junk", async () => {
    const sweep = hostile("sweep without its record");
    refused(await cli("report", sweep, "--format", "md"), sweep, "sweep");
    const deep = hostile("deeply nested junk");
    refused(await cli("report", A, deep, "--out", join(tmp(), "r.html")), deep, "runs[0].junk[0]");
  });

  it("merge: a __proto__ key, and a hostile samples.csv; nothing written", async () => {
    const out = tmp();
    const proto = hostile("__proto__ key");
    refused(await cli("merge", A, proto, "--out", out), proto, "runs[0].tool.__proto__");
    const csv = writeCase(hostileCsv("ns_per_dispatch", "1e308"), "samples.csv");
    refused(await cli("merge", csv, "--out", out), csv, "row 1");
    expect(existsSync(join(out, "results.json"))).toBe(false);
  });
});

describe("merge of an interrupted run and its resumed version", () => {
  /** The run of B cut to its first two rounds, one session, incomplete; and B with a second session. */
  function copies(): { interrupted: string; resumed: string } {
    const d = readResults(B);
    const run = d.runs[0]!;
    const resumed: Dataset = { ...d, runs: [{ ...run, sessions: [...run.sessions, { ...run.sessions[0]!, startedAt: "2026-11-26T15:20:00.000Z" }] }] };
    const interrupted: Dataset = {
      ...d,
      complete: false,
      runs: [{ ...run, complete: false, cells: run.cells.map((c) => ({ ...c, samples: c.samples.slice(0, 2) })), summaries: [] }],
    };
    const dir = tmp();
    writeFileSync(join(dir, "interrupted.json"), JSON.stringify(interrupted));
    writeFileSync(join(dir, "resumed.json"), JSON.stringify(resumed));
    return { interrupted: join(dir, "interrupted.json"), resumed: join(dir, "resumed.json") };
  }

  it("keeps the copy with more samples whichever comes first, and says which and why", async () => {
    const { interrupted, resumed } = copies();
    const out = tmp();
    const r = await cli("merge", resumed, interrupted, "--out", out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      `kept ${resumed} over ${interrupted}: one run (machine b0b0b0b0b0b0b0b0, spec xen-pv64, started 2026-11-26T15:18:08.610Z); the kept copy continues the other (48 samples, 2 sessions, complete against 16 samples, 1 session, incomplete)`,
    );
    const merged = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Dataset;
    expect(merged.runs[0]!.cells.reduce((n, c) => n + c.samples.length, 0)).toBe(48);
  });

  it("refuses copies that differ otherwise, naming both files (exit 2)", async () => {
    const { resumed } = copies();
    const d = JSON.parse(readFileSync(resumed, "utf8")) as Dataset;
    d.runs[0]!.cells[0]!.samples.pop();
    d.runs[0]!.cells[1]!.samples.push({ ...d.runs[0]!.cells[1]!.samples[0]!, round: 99 });
    d.runs[0]!.summaries = [];
    Object.assign(d, { complete: false });
    Object.assign(d.runs[0]!, { complete: false });
    const other = writeCase(JSON.stringify(d));
    const r = await cli("merge", resumed, other, "--out", tmp());
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`error: ${resumed} and ${other}: hold one run`);
  });
});
