import { LabError } from "../../errors.js";
import { nameList } from "../../names.js";
import { didYouMean, nearest } from "../../suggest.js";
import type { EngineFeature } from "../features.js";
import type { Pad, Strategy } from "../strategy.js";
import { bsearch } from "./bsearch.js";
import { chain } from "./chain.js";
import { direct } from "./direct.js";
import { hybrid } from "./hybrid.js";
import { switchStrategy } from "./switch.js";
import { table } from "./table.js";
import { tableRef } from "./table-ref.js";
import { xen, xenUnguarded } from "./xen.js";

/** The registry: adding a strategy is adding a file and a line here. */
export const strategies: Readonly<Record<string, Strategy>> = Object.fromEntries(
  [table, chain, xen, switchStrategy, bsearch, hybrid, direct, xenUnguarded, tableRef].map((s) => [s.name, s]),
);

/**
 * Every strategy except hazard variants and those that need an engine feature
 * (table-ref: typed function references, not on Node 20), in registry order.
 */
export const defaultStrategyNames = (): string[] =>
  Object.values(strategies)
    .filter((s) => !s.hazard && !s.needs)
    .map((s) => s.name);

const PAD = /^(.+)\+(pad|nullpad):(\d{1,5})$/;

/** `chain+pad:8`: the strategy with K dependent adds per dispatch on the op (pad) or on the result (nullpad). */
function strategyByName(name: string): Strategy | undefined {
  const m = PAD.exec(name);
  if (!m) return Object.hasOwn(strategies, name) ? strategies[name] : undefined;
  const base = Object.hasOwn(strategies, m[1]!) ? strategies[m[1]!] : undefined;
  if (!base) return undefined;
  const pad: Pad = { where: m[2] === "pad" ? "op" : "result", k: Number(m[3]) };
  return { ...base, name, pad };
}

/** The engine feature the named strategy's module needs (pad suffix allowed); undefined when none or unknown. */
export function strategyNeeds(name: string): EngineFeature | undefined {
  return strategyByName(name)?.needs;
}

/** `table-ref, which needs typed-function-references`: the strategies left out of `all` for an engine feature. */
const notDefault = (): string =>
  Object.values(strategies)
    .filter((s) => s.needs)
    .map((s) => `${s.name}, which needs ${s.needs}`)
    .join("; ");

/** `chian+pad:8` -> `chain+pad:8`: the registered name nearest to a typo, its pad suffix kept. */
function nearestStrategy(name: string): string | undefined {
  const m = PAD.exec(name);
  const near = nearest(m ? m[1]! : name, Object.keys(strategies));
  return near === undefined ? undefined : m ? `${near}+${m[2]}:${m[3]}` : near;
}

/**
 * `a,b,c` or `all` to strategies; an unknown name is a usage error
 * suggesting the nearest and listing the valid ones, and so is an empty
 * list or a name given twice. Any strategy takes a `+pad:K` or `+nullpad:K`
 * suffix.
 */
export function selectStrategies(list: string | undefined): Strategy[] {
  const names =
    list === undefined || list === "all" ? defaultStrategyNames() : nameList(list, { option: "--strategies", what: "strategy", example: "table,chain" });
  const unknown = names.filter((n) => !strategyByName(n));
  if (unknown.length) {
    throw new LabError(
      "usage",
      [{ path: "--strategies", message: `unknown strategy ${unknown.map((u) => `"${u}"`).join(", ")}` }],
      `${didYouMean(unknown.map(nearestStrategy))}valid strategies: ${Object.keys(strategies).join(", ")}, or all (every one but hazard variants and ${notDefault()}); any may take +pad:K or +nullpad:K`,
    );
  }
  return names.map((n) => strategyByName(n)!);
}
