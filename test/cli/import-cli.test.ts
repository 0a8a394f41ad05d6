import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { xenPlan } from "../../src/emit/strategies/xen.js";
import { cli as inProcess, spawnCli } from "../cli-harness.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "xen-defs");
const DEFS = join(FIX, "hypercall-defs.c");
const cli = (...args: string[]) => inProcess(args);

describe("dispatch-lab import xen", () => {
  it("writes a spec that equals the built-in, and the xen plan has the awk's levels", () => {
    const out = join(mkdtempSync(join(tmpdir(), "dl-import-")), "pv64.json");
    const r = spawnCli(["import", "xen", DEFS, "--caller", "pv64", "--out", out]);
    expect(r.code).toBe(0);
    const imported = validateSpec(JSON.parse(readFileSync(out, "utf8")));
    const builtin = loadSpec("xen:pv64");
    expect(imported.handlers).toEqual(builtin.handlers);
    expect(xenPlan(imported, true)).toEqual(xenPlan(builtin, true));
  });

  it("--define / --undefine change what the caller gets", async () => {
    const withArgo = JSON.parse((await cli("import", "xen", DEFS, "--caller", "pv64", "--define", "CONFIG_ARGO")).out) as { handlers: { name: string }[] };
    expect(withArgo.handlers.map((h) => h.name)).toContain("argo_op");
    const noKexec = JSON.parse((await cli("import", "xen", DEFS, "--caller", "pv64", "--undefine", "CONFIG_KEXEC")).out) as { handlers: { name: string }[] };
    expect(noKexec.handlers.map((h) => h.name)).not.toContain("kexec_op");
  });

  it("xen-defs:FILE#CALLER works wherever a spec is accepted: check passes on it", async () => {
    const r = await cli("check", "--spec", `xen-defs:${DEFS}#arm`, "--random", "100");
    expect(r.code).toBe(0);
    expect(r.out).toContain("all 7 strategies dispatch identically");
  });

  it.each([
    ["unterminated-if.c", "unterminated-if.c:3: unterminated #ifdef"],
    ["unknown-number.c", "unknown-number.c:7: hypercall ping has no known number"],
  ])("%s: exit 2 with FILE:LINE, nothing written", async (file, message) => {
    const out = join(mkdtempSync(join(tmpdir(), "dl-import-")), "never.json");
    const r = await cli("import", "xen", join(FIX, file), "--caller", "left", "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(existsSync(out)).toBe(false);
  });

  it("usage errors: no caller, another format", async () => {
    expect((await cli("import", "xen", DEFS)).err).toContain("--caller: required");
    expect((await cli("import", "linux", DEFS, "--caller", "x")).code).toBe(2);
  });
});
