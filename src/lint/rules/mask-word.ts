import type { Spec } from "../../spec/types.js";
import { levelName, maskInUse, pathsOf, xenLevels } from "../shape.js";
import type { Finding, LintRule } from "../types.js";

/**
 * The 64-handler limit: Xen's mask is one 64-bit word, `num > 63 ? 0 : 1 << num`.
 * An id >= 64 in a masked level is unreachable with that guard, and without it
 * shares a bit with id mod 64. dispatch-lab's xen strategy switches to one mask
 * word per 64 numbers; gen_hypercall.awk does not.
 */
export const maskWord: LintRule = {
  name: "mask-word",
  summary: "ids >= 64 in a mask level (one 64-bit mask word holds 0..63); the guard a mask needs when ids >= 64 exist",
  check(spec: Spec): Finding[] {
    const lv = xenLevels(spec);
    if (!maskInUse(lv)) return [];
    const pathOf = pathsOf(spec);
    const findings: Finding[] = [];
    for (const l of lv.filter((x) => x.masked)) {
      for (const h of l.handlers.filter((x) => x.id >= 64)) {
        findings.push({
          rule: "mask-word",
          severity: "warning",
          path: `${pathOf(h)}.id`,
          message:
            `id ${h.id} in ${levelName(l)} (${l.handlers.length} handlers) does not fit a single 64-bit mask: ` +
            `unguarded (\`1 << num\`; i64.shl and x86 take the count mod 64) it sets bit ${h.id % 64}, as every 64k+${h.id % 64} does; ` +
            `guarded as in Xen (\`num > 63 ? 0 : 1 << num\`) it is unreachable; ` +
            `dispatch-lab's xen strategy uses one mask word per 64 numbers, Xen's gen_hypercall.awk does not`,
          fix: `give ${h.name} an id below 64, or move it to a one-handler level or to the unprioritised level`,
        });
      }
    }
    const wide = spec.handlers.filter((h) => h.id >= 64);
    if (findings.length === 0 && wide.length > 0) findings.push(guardNote(wide.length, wide[0]!.name, wide[0]!.id));
    return findings;
  },
};

/** Every mask fits in 0..63, but numbers >= 64 are real: only the guard keeps them out of the masked levels. */
function guardNote(count: number, name: string, id: number): Finding {
  const which = count === 1 ? `${name} (${id}) has an id >= 64` : `${count} handlers have ids >= 64 (first: ${name} (${id}))`;
  return {
    rule: "mask-word",
    severity: "note",
    path: "spec",
    message:
      `${which}: the mask must reject numbers >= 64 (\`num > 63 ? 0 : 1 << num\`) or they alias ids mod 64; ` +
      `the 2022 unguarded-shift bug let 65 and 87 reach iret on pv64`,
  };
}
