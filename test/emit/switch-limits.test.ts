import { describe, expect, it } from "vitest";
import { checkCases } from "../../src/check/cases.js";
import { checkModule } from "../../src/check/check.js";
import { emitModules } from "../../src/emit/emit.js";
import { selectStrategies } from "../../src/emit/strategies/index.js";
import { validateSpec } from "../../src/spec/validate.js";
import { builtinLibrary } from "../helpers.js";

/** Emit (validate + audit) and check `switch` alone; returns its plan's br_table count and mismatches. */
async function checkSwitch(ids: number[]) {
  const spec = validateSpec({ name: "ids", handlers: ids.map((id) => ({ id, name: `h${id}` })) });
  const [module] = emitModules(spec, selectStrategies("switch"), { library: await builtinLibrary() });
  const result = checkModule(spec, module!, checkCases(spec, { random: 200, seed: 3 }));
  return { brTables: module!.audit.dispatch["br_table"], mismatches: result.mismatches };
}

describe("switch past V8's br_table limit", () => {
  it.each([
    ["one handler at 65535 (the first chunk is empty)", [65535], 1],
    ["ids just around 32768", [32767, 32768, 32769, 65530], 2],
    ["every id >= 32768, max 65520", [32768, 40000, 65520], 1],
    ["ids at the chunk boundaries", [0, 32767, 32768, 65535], 2],
    ["only the first chunk and the top", [0, 1, 65535], 2],
  ])("%s: validates, audits and dispatches like each handler", async (_name, ids, brTables) => {
    const r = await checkSwitch(ids);
    expect(r.mismatches).toBe(0);
    expect(r.brTables).toBe(brTables);
  });
});
