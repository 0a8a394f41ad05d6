import type { Strategy } from "../strategy.js";
import { denseEntries } from "../plan.js";
import { tableMachineClaims } from "./table.js";

/**
 * `table` through a typed function table: `(table N N (ref null $sig) (ref.func $fallback))`
 * of the one uniform signature, then `if (op >=u N) return fallback; return call_ref $sig
 * (table.get op)`. The table's type proves every entry has the signature, so the call
 * checks none (call_indirect compares signatures on every call); the slot is never null:
 * the table's init expression fills every slot with the fallback function, and the
 * module's start function sets the handlers' slots (adapters for narrower handlers, as
 * `table`). The bounds check stays: table.get traps past the end.
 *
 * Needs typed function references (V8 >= 12: Node 22+, Deno; Bun), so it is not in the
 * default set and runs only where the engine has them (not Node 20).
 */
export const tableRef: Strategy = {
  name: "table-ref",
  summary: "bounds check + table.get + one call_ref through a typed (ref null $sig) table, no signature check; needs Node 22+/Deno/Bun, not in the default set",
  needs: "typed-function-references",
  plan: (spec) => ({ root: { kind: "tableRef", entries: denseEntries(spec.handlers.map((h) => h.id)) } }),
  claims: () => ({
    call_ref: 1,
    "table.get": 1,
    call_indirect: 0,
    return_call_ref: 0,
    br_table: 0,
    call: 0,
    br_if: 0,
    if: 1,
    "i32.ge_u": 1,
  }),
  /** Natively a table: C has no typed table to drop the signature check from (lower-c.ts lowers both alike). */
  machineClaims: () => tableMachineClaims,
};
