import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importXenDefs, XEN_PRESETS } from "../../../src/spec/import/xen-defs.js";
import { ARM_DEFINES, X86_DEFINES } from "../../../src/spec/builtin/xen.js";
import { loadSpec } from "../../../src/spec/load.js";

/**
 * The cross-check: the reconstructed hypercall-defs.c (callers.csv and
 * prototypes-do.csv in Xen's real file structure), imported with the default
 * presets, gives exactly the built-in tables. Two independent readings of
 * the same facts (the CSVs' condition column vs the file's #if nesting and
 * caller: lines) agree handler for handler.
 */
const DEFS = join(import.meta.dirname, "../../fixtures/xen-defs/hypercall-defs.c");

describe("importing the reconstructed hypercall-defs.c", () => {
  for (const caller of ["pv64", "hvm64", "arm", "pv32", "hvm32"]) {
    it(`${caller}: the same handlers as xen:${caller} (ids, names, priorities, params, order)`, () => {
      const { spec, warnings } = importXenDefs(DEFS, { caller });
      const builtin = loadSpec(`xen:${caller}`);
      expect(spec.name).toBe(`xen-defs-${caller}`);
      expect(spec.args).toBe(builtin.args);
      expect(spec.fallback).toBe(builtin.fallback);
      expect(spec.handlers).toEqual(builtin.handlers);
      expect(warnings).toEqual([]);
    });
  }

  it("the presets are the built-ins' documented configurations (arm adds CONFIG_ARM for caller: arm)", () => {
    expect(XEN_PRESETS.x86).toEqual(X86_DEFINES);
    expect(XEN_PRESETS.arm).toEqual([...ARM_DEFINES, "CONFIG_ARM"]);
  });

  it("notes the defines, the callers enabled and the rows left out", () => {
    const { notes } = importXenDefs(DEFS, { caller: "pv64" });
    expect(notes).toEqual([
      `defines (preset x86): ${X86_DEFINES.join(", ")}`,
      "callers enabled: pv64, pv32, hvm64, hvm32; columns ignored (no active caller: line): arm",
      'not callable by pv64 ("-"): tmem_op',
    ]);
  });

  it("follows other defines: --undefine CONFIG_KEXEC drops kexec_op, --define CONFIG_ARGO adds argo_op", () => {
    const names = (define: string[], undefine: string[]) => importXenDefs(DEFS, { caller: "pv64", define, undefine }).spec.handlers.map((h) => h.name);
    const base = names([], []);
    expect(names([], ["CONFIG_KEXEC"])).toEqual(base.filter((n) => n !== "kexec_op"));
    const argo = names(["CONFIG_ARGO"], []);
    expect(argo).toContain("argo_op");
    expect(argo.indexOf("argo_op")).toBe(argo.indexOf("xenpmu_op") - 1);
  });

  it("a shim-only build (CONFIG_PV_SHIM_EXCLUSIVE) leaves out platform_op, domctl and paging_domctl_cont", () => {
    const { spec } = importXenDefs(DEFS, { caller: "pv64", define: ["CONFIG_PV_SHIM_EXCLUSIVE"] });
    const names = spec.handlers.map((h) => h.name);
    for (const gone of ["platform_op", "domctl", "paging_domctl_cont"]) expect(names).not.toContain(gone);
    expect(names).toContain("sysctl");
  });

  it("arm under the x86 preset is a disabled caller", () => {
    expect(() => importXenDefs(DEFS, { caller: "arm", arch: "x86" })).toThrow(
      /hypercall-defs\.c:\d+: caller arm is not enabled \(its `caller:` line is inside a disabled #if\)/,
    );
  });
});
