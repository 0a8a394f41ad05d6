import { LabError } from "./errors.js";

/** Where a list of names comes from, for its errors: `--workloads`, "workload", "uniform,zipf:1.1". */
export interface ListOption {
  option: string;
  what: string;
  example: string;
}

/**
 * A list of names (strategies, workloads, tiers) as a user gives it: `a,b,c`
 * or an array; items trimmed, empty ones dropped. An empty list is a usage
 * error at the option, and so is a name given twice: its cells would share
 * one id, so one of them would get the other's samples.
 */
export function nameList(list: string | readonly string[], o: ListOption): string[] {
  const names = (typeof list === "string" ? list.split(",") : list).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0)
    throw new LabError("usage", [{ path: o.option, message: `no ${o.what} named` }], `name at least one ${o.what}, e.g. ${o.option} ${o.example}`);
  const twice = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (twice.length)
    throw new LabError("usage", [{ path: o.option, message: `${twice.map((n) => `"${n}"`).join(", ")} given twice` }], `name each ${o.what} once`);
  return names;
}
