/**
 * machines.csv: one row per machine of the dataset (by machine id), its
 * fingerprint flattened: CPU, microcode, kernel, runtime, and one column per
 * mitigation file seen on any machine (empty where a machine lacks it).
 */
import { stringify } from "csv-stringify/sync";
import type { Dataset, RunRecord } from "../../model/results.js";
import { neutraliseCsvText } from "../../text/escape.js";

const FIXED = [
  "machine_id",
  "cpu_vendor",
  "cpu_model",
  "family",
  "model_number",
  "stepping",
  "microcode",
  "logical_cores",
  "physical_cores",
  "smt",
  "virtualization",
  "kernel_release",
  "os",
  "node_version",
  "v8_version",
  "runs",
  "specs",
];

export function machinesCsv(d: Dataset): string {
  const byMachine = new Map<string, RunRecord[]>();
  for (const r of d.runs) byMachine.set(r.fingerprint.machineId, [...(byMachine.get(r.fingerprint.machineId) ?? []), r]);
  const mitigations = [...new Set(d.runs.flatMap((r) => Object.keys(r.fingerprint.mitigations ?? {})))].sort();
  const rows = [...byMachine.values()].map((runs) => {
    const { fingerprint: f } = runs[0]!;
    return {
      machine_id: f.machineId,
      cpu_vendor: f.cpu.vendor,
      cpu_model: f.cpu.model,
      family: f.cpu.family,
      model_number: f.cpu.modelNumber,
      stepping: f.cpu.stepping,
      microcode: f.cpu.microcode,
      logical_cores: f.cpu.logicalCores,
      physical_cores: f.cpu.physicalCores,
      smt: f.cpu.smt,
      virtualization: f.virtualization,
      kernel_release: f.kernel.release,
      os: `${f.os.platform} ${f.os.arch}`,
      node_version: f.runtime.node,
      v8_version: f.runtime.v8,
      runs: runs.length,
      specs: [...new Set(runs.map((r) => r.spec.name))].join(" "),
      ...Object.fromEntries(mitigations.map((m) => [`mitigation_${m}`, f.mitigations?.[m] ?? null])),
    };
  });
  return stringify(rows, {
    header: true,
    columns: [...FIXED, ...mitigations.map((m) => `mitigation_${m}`)],
    cast: { number: (n) => String(n), string: neutraliseCsvText },
  });
}
