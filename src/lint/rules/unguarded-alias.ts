import type { Handler, Spec } from "../../spec/types.js";
import { describeHandler, levelName, maskInUse, pathsOf, unguardedRoute, xenLevels, type Level } from "../shape.js";
import type { Finding, LintRule } from "../types.js";

/**
 * The shift overflow: Xen's first generated dispatcher computed `1 << num`
 * unguarded. x86 (and wasm's i64.shl) take the count mod 64, so 64k + id
 * passes the level's mask test; in a two-handler level `num == A` then fails
 * and B runs, never re-checked: on pv64, 65 and 87 reached iret. The xen
 * strategy is guarded, so these are notes: what the guard is protecting.
 */
export const unguardedAlias: LintRule = {
  name: "unguarded-alias",
  summary: "which handlers an unguarded mask (`1 << num`, count mod 64) would make reachable by aliases 64k + id",
  check(spec: Spec): Finding[] {
    const lv = xenLevels(spec);
    if (!maskInUse(lv)) return [];
    const pathOf = pathsOf(spec);
    const pairs = lv.filter((l) => l.masked && l.handlers.length === 2).map((l) => aliasNote(lv, l, pathOf));
    return [...pairs, ...spec.handlers.flatMap((h) => shadowNote(lv, h, pathOf))];
  },
};

/** A two-handler mask level: the numbers an unguarded mask would send to its second handler. */
function aliasNote(lv: readonly Level[], l: Level, pathOf: (h: Handler) => string): Finding {
  const [a, b] = l.handlers as [Handler, Handler];
  const residues = [...new Set([a.id % 64, b.id % 64])].sort((x, y) => x - y);
  const examples = aliasExamples(lv, residues, b);
  return {
    rule: "unguarded-alias",
    severity: "note",
    path: pathOf(b),
    message:
      `an unguarded mask would route ${residues.map((r) => `64k+${r}`).join(" and ")}${examples.length ? ` (${examples.join(", ")}, ...)` : ""} ` +
      `to ${b.name}: \`num == ${a.id}\` fails and ${b.name} is not re-checked`,
  };
}

/** The first three numbers (ascending) that an unguarded mask routes to `b` though they are not b's id. */
function aliasExamples(lv: readonly Level[], residues: readonly number[], b: Handler): number[] {
  const found: number[] = [];
  for (let base = 0; found.length < 3 && base <= 65536; base += 64) {
    for (const r of residues) {
      const num = base + r;
      if (num !== b.id && unguardedRoute(lv, num).handler === b && found.length < 3) found.push(num);
    }
  }
  return found;
}

/** A handler an unguarded mask would not reach by its own number: an earlier mask level catches it. */
function shadowNote(lv: readonly Level[], h: Handler, pathOf: (h: Handler) => string): Finding[] {
  const { level, handler } = unguardedRoute(lv, h.id);
  if (handler === h || !level) return [];
  const target = handler ? describeHandler(handler) : "the fallback";
  return [
    {
      rule: "unguarded-alias",
      severity: "note",
      path: `${pathOf(h)}.id`,
      message: `an unguarded mask would send ${h.id} into ${levelName(level)} (bit ${h.id % 64}) and on to ${target}: ${h.name} unreachable`,
    },
  ];
}
