import { LabError } from "../../errors.js";
import type { Strategy } from "../strategy.js";
import { bsearch } from "./bsearch.js";
import { chain } from "./chain.js";
import { direct } from "./direct.js";
import { hybrid } from "./hybrid.js";
import { switchStrategy } from "./switch.js";
import { table } from "./table.js";
import { xen, xenUnguarded } from "./xen.js";

/** The registry: adding a strategy is adding a file and a line here. */
export const strategies: Readonly<Record<string, Strategy>> = Object.fromEntries(
  [table, chain, xen, switchStrategy, bsearch, hybrid, direct, xenUnguarded].map((s) => [s.name, s]),
);

/** Every strategy except hazard variants, in registry order. */
export const defaultStrategyNames = (): string[] => Object.values(strategies).filter((s) => !s.hazard).map((s) => s.name);

/** `a,b,c` or `all` to strategies; an unknown name is a usage error listing the valid ones. */
export function selectStrategies(list: string | undefined): Strategy[] {
  const names = !list || list === "all" ? defaultStrategyNames() : list.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in strategies));
  if (unknown.length || names.length === 0) {
    throw new LabError(
      "usage",
      [{ path: "--strategies", message: unknown.length ? `unknown strategy ${unknown.map((u) => `"${u}"`).join(", ")}` : "no strategy named" }],
      `valid strategies: ${Object.keys(strategies).join(", ")}, or all (every one but hazard variants)`,
    );
  }
  return [...new Set(names)].map((n) => strategies[n]!);
}
