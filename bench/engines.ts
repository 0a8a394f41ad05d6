/**
 * Issue #11's table, regenerated: gross ns per dispatch of table, chain and
 * the direct control, on a uniform stream and on one handler always
 * (mmu_update), in the running node and every installed engine (dispatch-lab
 * engines install ...), at V8's and JSC's own tiering (`tiered`: speculative
 * call_indirect inlining needs Liftoff feedback), once with --inlining off
 * and once with --inlining engine. Also the inlining each engine was seen to
 * do. Nothing here is a test: the figures go in notes, with the machine.
 *
 *   node dist/bench/engines.js [--budget S] [--cpu N]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installedEngines } from "../src/engines/installed.js";
import { run } from "../src/lab/run.js";
import { engineOf } from "../src/model/cells.js";
import { fingerprintSummary } from "../src/model/fingerprint.js";
import type { RunRecord } from "../src/model/results.js";

const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};
const budget = arg("--budget") ?? 150;
const cpu = arg("--cpu");

/** The running node, then each installed Node major (oldest first), deno and bun. */
function engines(): string[] {
  const installed = installedEngines();
  const majors = [...new Set(installed.filter((e) => e.kind === "node").map((e) => Number(e.version.split(".")[0])))].sort((a, b) => a - b);
  const others = [...new Set(installed.filter((e) => e.kind !== "node").map((e) => e.kind))];
  return ["node", ...majors.map((m) => `node@${m}`), ...others];
}

const WORKLOADS = ["uniform", "fixed:mmu_update"];
const STRATEGIES = ["table", "chain", "direct"];

function table(r: RunRecord): string[] {
  const gross = (engine: string, workload: string, strategy: string) => {
    const s = r.summaries.find((x) => engineOf(x) === engine && x.workload === workload && x.strategy === strategy);
    return s?.gross ? s.gross.median.toFixed(1) : "-";
  };
  const head = `| engine | VM | ${WORKLOADS.map((w) => `${w}: ${STRATEGIES.join(" / ")}`).join(" | ")} | inlined calls seen |`;
  const rows = (r.config.engines ?? ["node"]).map((e) => {
    const rec = r.engines?.[e];
    const check = rec?.inliningCheck;
    const seen = !check ? "?" : check.method === "trace" ? String(check.inlinedCalls) : `option ${check.optionOff ? "off" : "on"}`;
    return `| ${e} ${rec?.version ?? ""} | ${rec?.vm ?? ""} | ${WORKLOADS.map((w) => STRATEGIES.map((s) => gross(e, w, s)).join(" / ")).join(" | ")} | ${seen} |`;
  });
  return [head, `|${"---|".repeat(3 + WORKLOADS.length)}`, ...rows];
}

const list = engines();
console.log(`engines: ${list.join(", ")}; budget ${budget} s per inlining mode`);
for (const inlining of ["off", "engine"]) {
  const { results } = await run({
    spec: "xen:pv64",
    strategies: STRATEGIES.join(","),
    workloads: WORKLOADS.join(","),
    tiers: "tiered",
    engines: list.join(","),
    inlining,
    processes: 2,
    timeBudgetS: budget,
    out: mkdtempSync(join(tmpdir(), `dispatch-lab-engines-${inlining}-`)),
    ...(cpu !== undefined ? { cpu } : {}),
  });
  if (inlining === "off") console.log(`machine: ${fingerprintSummary(results.fingerprint)}`);
  console.log(`\n## --inlining ${inlining}: gross ns per dispatch (median), --tiers tiered\n`);
  for (const line of table(results)) console.log(line);
  const inconclusive = results.summaries.filter((s) => s.inconclusive).length;
  if (inconclusive) console.log(`\n${inconclusive} cells inconclusive (${results.summaries.find((s) => s.inconclusive)!.inconclusive})`);
}
