import type { Handler, ParamType, Spec } from "../../spec/types.js";
import { pathsOf } from "../shape.js";
import type { Finding, LintRule } from "../types.js";

const RULE = "abi-narrowing";

/**
 * Hypercall arguments arrive as 64-bit registers; an `i32` param sees only
 * the low half. In 2022 the generated-dispatch series changed kexec_op's
 * first parameter from `unsigned long` to `unsigned int`, and guests passing
 * values >= 2^32 got a different result until it was reverted a week later.
 * Without an old spec every i32 param is a note; with one (`--against`), a
 * param that narrowed is an error: the ABI changed under existing guests.
 */
export const abiNarrowing: LintRule = {
  name: RULE,
  summary: "i32 params (the handler sees the low 32 bits); with --against, i64 -> i32 since the old spec is an error",
  check(spec: Spec, against?: Spec): Finding[] {
    const pathOf = pathsOf(spec);
    const changes = against ? compareSpecs(spec, against, pathOf) : [];
    const narrowed = new Set(changes.filter((f) => f.severity === "error").map((f) => f.path));
    const notes = spec.handlers.flatMap((h) =>
      h.params.flatMap((t, i) => (t === "i32" && !narrowed.has(`${pathOf(h)}.params[${i}]`) ? [i32Note(h, i, pathOf)] : [])),
    );
    return [...changes, ...notes];
  },
};

function i32Note(h: Handler, i: number, pathOf: (h: Handler) => string): Finding {
  return {
    rule: RULE,
    severity: "note",
    path: `${pathOf(h)}.params[${i}]`,
    message: `i32: ${h.name} sees only the low 32 bits of a 64-bit argument register (like C \`unsigned int\`)`,
  };
}

/** Old handlers matched by name, else by id (a rename) when the new holder of that id is new itself. */
function compareSpecs(spec: Spec, old: Spec, pathOf: (h: Handler) => string): Finding[] {
  const byName = new Map(spec.handlers.map((h) => [h.name, h]));
  const byId = new Map(spec.handlers.map((h) => [h.id, h]));
  const oldNames = new Set(old.handlers.map((h) => h.name));
  return old.handlers.flatMap((was): Finding[] => {
    const renamed = byId.get(was.id);
    const now = byName.get(was.name) ?? (renamed && !oldNames.has(renamed.name) ? renamed : undefined);
    if (!now) return [gone(was, byId.get(was.id), spec)];
    return [...identity(was, now, byId, spec, pathOf), ...paramChanges(was, now, pathOf)];
  });
}

/** What a guest calling `id` reaches now. */
const reaches = (h: Handler | undefined, spec: Spec): string => (h ? `${h.name} (${h.id})` : `the fallback (${spec.fallback})`);

function gone(was: Handler, holder: Handler | undefined, spec: Spec): Finding {
  return {
    rule: RULE,
    severity: "warning",
    path: "spec",
    message: `${was.name} (${was.id}) is gone since the old spec: guests calling ${was.id} now reach ${reaches(holder, spec)}`,
    fix: `keep ${was.name} at ${was.id}, or make sure no guest still calls it`,
  };
}

function identity(was: Handler, now: Handler, byId: Map<number, Handler>, spec: Spec, pathOf: (h: Handler) => string): Finding[] {
  if (now.id !== was.id) {
    return [
      {
        rule: RULE,
        severity: "warning",
        path: `${pathOf(now)}.id`,
        message: `${now.name} changed id from ${was.id} to ${now.id} since the old spec: guests calling ${was.id} now reach ${reaches(byId.get(was.id), spec)}`,
        fix: `keep ${now.name} at ${was.id}: hypercall numbers are ABI`,
      },
    ];
  }
  if (now.name === was.name) return [];
  return [{ rule: RULE, severity: "note", path: `${pathOf(now)}.name`, message: `${now.name} (${now.id}) was ${was.name} in the old spec (matched by id)` }];
}

const params = (n: number): string => `${n} param${n === 1 ? "" : "s"}`;

function paramChanges(was: Handler, now: Handler, pathOf: (h: Handler) => string): Finding[] {
  const findings: Finding[] = [];
  const common = Math.min(was.params.length, now.params.length);
  for (let i = 0; i < common; i++) {
    const change = typeChange(now, i, was.params[i]!, now.params[i]!, `${pathOf(now)}.params[${i}]`);
    if (change) findings.push(change);
  }
  if (was.params.length !== now.params.length) {
    const more = now.params.length > was.params.length;
    findings.push({
      rule: RULE,
      severity: "note",
      path: `${pathOf(now)}.params`,
      message:
        `${now.name} declares ${params(now.params.length)}, ${was.params.length} in the old spec: ` +
        `it now ${more ? "reads argument registers it ignored" : "ignores argument registers it read"} before`,
    });
  }
  return findings;
}

function typeChange(now: Handler, i: number, was: ParamType, is: ParamType, path: string): Finding | undefined {
  if (was === is) return undefined;
  if (was === "i64") {
    return {
      rule: RULE,
      severity: "error",
      path,
      message:
        `${now.name} params[${i}] narrowed from i64 to i32 since the old spec: guests passing values >= 2^32 now see a different result ` +
        `(the kexec_op regression of 2022)`,
      fix: `declare params[${i}] as i64 again (as Xen did a week after the kexec_op regression)`,
    };
  }
  return {
    rule: RULE,
    severity: "note",
    path,
    message: `${now.name} params[${i}] widened from i32 to i64 since the old spec: it now sees the high 32 bits, which it ignored before`,
  };
}
