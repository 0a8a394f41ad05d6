import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/model/results.js";
import { cli } from "../cli-harness.js";

/**
 * A real battery, as small as it goes: --quick, two strategies (and the
 * control), 6 samples a cell, no compiler (the native builds are skipped with
 * a note), so both specs' runs take seconds; then --resume keeps both, a
 * second battery into the same folder is refused, and save and doc write
 * the machine's files and a page from them.
 */
const TINY = ["battery", "--quick", "--strategies", "table,xen", "--samples", "6", "--cc", "/nonexistent/cc"];

describe("dispatch-lab battery", () => {
  it("measures both Xen specs into one dataset and answers per mix; resumes, refuses a second, saves and documents", async () => {
    const out = mkdtempSync(join(tmpdir(), "dispatch-lab-battery-"));
    const r = await cli([...TINY, "--out", out]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const text = stripVTControlCharacters(r.out);
    expect(text).toMatch(/^On this CPU, .+ \(.+\):$/m);
    for (const mix of ["xen:pv-guest-build (xen-pv64)", "xen:pvh-guest-build (xen-hvm64)", "uniform (xen-pv64)", "cyclic (xen-hvm64)"])
      expect(text).toContain(`${mix}: natively not measured (no C compiler "/nonexistent/cc"`);
    expect(text).toContain(`in wasm Xen's generated chain is, x the table, on Node ${process.versions.node.split(".")[0]} `);
    const dataset = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Dataset;
    expect(dataset.runs.map((x) => x.spec.name)).toEqual(["xen-pv64", "xen-hvm64"]);
    expect(dataset.complete).toBe(true);
    expect(dataset.runs[0]!.config).toMatchObject({ workloads: ["xen:pv-guest-build", "uniform", "cyclic"], engines: ["node", "native", "native:retpoline"] });
    for (const f of ["summary.csv", "samples.csv", "machines.csv", "report.html", "battery.json", "pv64/results.json", "hvm64/results.json"])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/<h2>The answer<\/h2>\n<p>On this CPU, /);

    const again = await cli([...TINY, "--out", out]);
    expect(again.code).toBe(2);
    expect(again.err).toContain("already holds a battery");

    const resumed = await cli(["battery", "--resume", "--out", out]);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain("xen:pv64: complete in");
    expect((JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Dataset).runs.map((x) => x.sessions.length)).toEqual([1, 1]);

    const data = join(out, "data");
    const saved = await cli(["battery", "save", "--out", out, "--data", data]);
    expect(saved.code).toBe(0);
    const id = dataset.runs[0]!.fingerprint.machineId;
    for (const f of ["results.json", "summary.csv", "machines.csv", "fingerprint.json"]) expect(existsSync(join(data, id, f)), f).toBe(true);
    const doc = join(out, "docs", "battery.md");
    const documented = await cli(["battery", "doc", "--data", data, "--doc", doc]);
    expect(documented.code).toBe(0);
    expect(readFileSync(doc, "utf8")).toContain(`| ${dataset.runs[0]!.fingerprint.cpu.model} [${id.slice(0, 8)}] |`);
    expect(existsSync(join(out, "docs", "battery", "xen-pv64.svg"))).toBe(true);
  }, 120_000);

  it("refuses an action it does not know, and --resume with --force", async () => {
    expect((await cli(["battery", "sav"])).code).toBe(2);
    expect((await cli(["battery", "--resume", "--force", "--out", mkdtempSync(join(tmpdir(), "dispatch-lab-battery-"))])).code).toBe(2);
  });
});
