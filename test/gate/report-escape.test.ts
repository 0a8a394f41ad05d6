/**
 * The gate's JUnit XML and Markdown quote names from a user's files: they
 * stay valid XML 1.0 and make no Markdown markup, whatever the names hold.
 */
import { describe, expect, it } from "vitest";
import type { AssertionResult } from "../../src/gate/assert.js";
import { compareDatasets } from "../../src/gate/compare.js";
import { decide } from "../../src/gate/decide.js";
import { gateJunit, gateMarkdown } from "../../src/gate/report.js";
import { RESULTS_SCHEMA, type Dataset, type RunRecord } from "../../src/model/results.js";
import { fakeRun } from "../sweep/fake-run.js";

const SPEC = "nul\u0000esc\u001b[31m]]><script>alert(1)</script>&'\"";
const WORKLOAD = "uniform\u0007]]>";
const dataset = (r: RunRecord): Dataset => ({ schema: RESULTS_SCHEMA, kind: "run", complete: true, runs: [r], sweep: null });
const run = (chain: number) =>
  fakeRun({ spec: SPEC, strategies: ["table", "chain"], workloads: [WORKLOAD], cost: (s) => (s === "chain" ? chain : 9), control: 5 });
const assertion: AssertionResult = {
  text: `chain <= table @ ${WORKLOAD}`,
  lhs: "chain",
  op: "<=",
  factor: 1,
  rhs: "table",
  workload: WORKLOAD,
  tier: "turbofan",
  ratio: { value: 1.1, ciLow: 1.05, ciHigh: 1.15 },
  verdict: "fail",
  message: `chain <= table @ ${WORKLOAD}: [link](javascript:alert(1)) <img src=x onerror=alert(9)> @octocat`,
  run: 0,
  machineId: "0123456789abcdef",
  engine: "node",
};
const g = decide(compareDatasets(dataset(run(8)), dataset(run(8.8))), [assertion]);

/** XML 1.0's Char production, as the code units of a JS string (valid surrogate pairs allowed). */
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("gate JUnit", () => {
  const xml = gateJunit(g);
  it("holds only characters XML 1.0 allows, the control characters shown", () => {
    expect(g.outcome).toBe("regression");
    expect(xml).not.toMatch(NOT_XML_CHAR);
    expect(xml).toContain("nul\\x00esc\\x1b[31m");
    expect(xml).toContain("uniform\\x07");
  });
  it("escapes markup in attributes and text: ]]>, <, &, quotes", () => {
    expect(xml).not.toContain("]]>");
    expect(xml).not.toMatch(/<script|<img/);
    expect(xml).toContain("]]&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&apos;&quot;");
    // Well-formed: every attribute value is quoted text without a raw < or an unescaped quote.
    for (const tag of xml.match(/<[^?][^>]*>/g) ?? []) expect(tag, tag).toMatch(/^<\/?[\w:-]+(\s+[\w:-]+="[^"<]*")*\s*\/?>$/);
  });
});

describe("gate Markdown", () => {
  const md = gateMarkdown(g);
  it("escapes the reasons' names and messages: no HTML, link, mention or control character", () => {
    const bullets = md.split("\n").filter((l) => l.startsWith("- "));
    expect(bullets.length).toBeGreaterThanOrEqual(2);
    for (const b of bullets) {
      expect(b).not.toMatch(/[\u0000-\u001f]/);
      expect(b).not.toMatch(/(^|[^\\])<(script|img)/);
      expect(b).not.toMatch(/(^|[^\\])\]\(/);
      expect(b).not.toMatch(/(^|[^\\])@octocat/);
    }
    expect(md).toContain("\\<img src=x onerror=alert(9)\\>");
  });
});
