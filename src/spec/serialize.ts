import type { SpecInput, Spec } from "./types.js";

/**
 * A validated spec as the JSON a user would write (docs/spec.md): every
 * field explicit, fallback a number when JSON can hold it exactly, else a
 * decimal string. validateSpec(specToJson(s)) gives s back.
 */
export function specToJson(spec: Spec): SpecInput {
  const fallback =
    spec.fallback >= BigInt(Number.MIN_SAFE_INTEGER) && spec.fallback <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(spec.fallback) : spec.fallback.toString();
  return {
    name: spec.name,
    args: spec.args,
    fallback,
    handlers: spec.handlers.map((h) => ({
      id: h.id,
      name: h.name,
      ...(h.priority !== undefined ? { priority: h.priority } : {}),
      params: [...h.params],
      body: { ...h.body },
    })),
  };
}
