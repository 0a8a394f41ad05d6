import { describe, expect, it } from "vitest";
import { ARM_DEFINES, cTypeToParam, evalCondition, X86_DEFINES, XEN_BUILTINS, xenBuiltins } from "../../src/spec/builtin/xen.js";
import type { Handler, Spec } from "../../src/spec/types.js";

const build = (name: string): Spec => {
  const make = xenBuiltins[name];
  if (!make) throw new Error(`no built-in ${name}`);
  return make();
};
const byName = (spec: Spec, name: string): Handler | undefined => spec.handlers.find((h) => h.name === name);
const prioritised = (spec: Spec) => Object.fromEntries(spec.handlers.filter((h) => h.priority !== undefined).map((h) => [`${h.name}(${h.id})`, h.priority]));

describe("xen:pv64", () => {
  const pv64 = build("xen:pv64");

  it("is named, passes 5 args and answers -ENOSYS", () => {
    expect(pv64.name).toBe("xen-pv64");
    expect(pv64.args).toBe(5);
    expect(pv64.fallback).toBe(-38n);
  });

  it("has Xen's priorities and no others", () => {
    expect(prioritised(pv64)).toEqual({
      "mmu_update(1)": 1,
      "iret(23)": 1,
      "stack_switch(3)": 2,
      "multicall(13)": 2,
      "set_segment_base(25)": 2,
      "mmuext_op(26)": 2,
    });
  });

  it("leaves out tmem_op (no caller), argo_op (ARGO off) and xenoprof_op (no row)", () => {
    for (const name of ["tmem_op", "argo_op", "xenoprof_op"]) expect(byName(pv64, name)).toBeUndefined();
  });

  it("includes kexec_op with its do_ prototype, mca and paging_domctl_cont", () => {
    expect(byName(pv64, "kexec_op")).toMatchObject({ id: 37, params: ["i64", "i64"] });
    expect(byName(pv64, "mca")?.id).toBe(48);
    expect(byName(pv64, "paging_domctl_cont")?.id).toBe(49);
  });

  it("lists handlers in Xen's table order with ids from public/xen.h", () => {
    expect(pv64.handlers.slice(0, 4).map((h) => [h.name, h.id])).toEqual([
      ["set_trap_table", 0],
      ["mmu_update", 1],
      ["set_gdt", 2],
      ["stack_switch", 3],
    ]);
    expect(pv64.handlers).toHaveLength(41);
  });

  it("maps prototypes to params", () => {
    expect(byName(pv64, "mmu_update")?.params).toEqual(["i64", "i32", "i64", "i32"]);
    expect(byName(pv64, "iret")?.params).toEqual([]);
    expect(byName(pv64, "update_va_mapping_otherdomain")?.params).toEqual(["i64", "i64", "i64", "i32"]);
    expect(byName(pv64, "hypfs_op")?.params).toEqual(["i32", "i64", "i64", "i64", "i64"]);
    expect(pv64.handlers.every((h) => h.body.kind === "noop" && h.body.ops === 0)).toBe(true);
  });
});

describe("xen:hvm64", () => {
  const hvm64 = build("xen:hvm64");

  it("puts vcpu_op and event_channel_op at priority 1, nothing else", () => {
    expect(prioritised(hvm64)).toEqual({ "vcpu_op(24)": 1, "event_channel_op(32)": 1 });
  });

  it("has no PV-only hypercalls", () => {
    for (const name of ["mmu_update", "iret", "stack_switch", "kexec_op", "mca"]) expect(byName(hvm64, name)).toBeUndefined();
    expect(byName(hvm64, "paging_domctl_cont")?.id).toBe(49);
  });
});

describe("xen:arm", () => {
  const arm = build("xen:arm");

  it("puts event_channel_op at priority 1, nothing else", () => {
    expect(prioritised(arm)).toEqual({ "event_channel_op(32)": 1 });
  });

  it("includes the do_arm and dep prefixes", () => {
    expect(byName(arm, "physdev_op")?.id).toBe(33);
    expect(byName(arm, "sched_op_compat")?.id).toBe(6);
  });

  it("follows the Arm build: no x86-only rows, no dm_op (IOREQ_SERVER off)", () => {
    for (const name of ["paging_domctl_cont", "mca", "dm_op", "argo_op", "set_timer_op"]) expect(byName(arm, name)).toBeUndefined();
    expect(byName(arm, "grant_table_op")).toBeDefined();
  });
});

describe("the 32-bit callers", () => {
  it("build, with pv32's priorities the same as pv64's", () => {
    expect(prioritised(build("xen:pv32"))).toEqual(prioritised(build("xen:pv64")));
    expect(prioritised(build("xen:hvm32"))).toEqual({ "vcpu_op(24)": 1, "event_channel_op(32)": 1 });
  });

  it("are all listed", () => {
    expect(XEN_BUILTINS).toEqual(["xen:pv64", "xen:hvm64", "xen:arm", "xen:pv32", "xen:hvm32"]);
    expect(Object.keys(xenBuiltins)).toEqual([...XEN_BUILTINS]);
  });
});

describe("cTypeToParam", () => {
  it.each([
    ["void *", "i64"],
    ["const char *", "i64"],
    ["unsigned int *", "i64"],
    ["xen_domctl_t *", "i64"],
    ["unsigned long", "i64"],
    ["long", "i64"],
    ["uint64_t", "i64"],
    ["s_time_t", "i64"],
    ["xen_ulong_t", "i64"],
    ["int", "i32"],
    ["unsigned int", "i32"],
    ["unsigned", "i32"],
    ["uint32_t", "i32"],
    ["uint16_t", "i32"],
    ["domid_t", "i32"],
    ["const unsigned  int", "i32"],
  ])("%s -> %s", (ctype, param) => expect(cTypeToParam(ctype)).toBe(param));

  it("answers undefined for an unknown typedef", () => {
    expect(cTypeToParam("evtchn_port_t")).toBeUndefined();
    expect(cTypeToParam("constructor")).toBeUndefined();
  });
});

describe("evalCondition", () => {
  const on = new Set(["CONFIG_A", "CONFIG_B"]);
  it.each([
    ["", true],
    ["CONFIG_A", true],
    ["CONFIG_C", false],
    ["!CONFIG_C", true],
    ["!CONFIG_A", false],
    ["CONFIG_A && CONFIG_B && !CONFIG_C", true],
    ["CONFIG_A && CONFIG_C", false],
    ["CONFIG_C || CONFIG_B", true],
    ["CONFIG_C || CONFIG_A && !CONFIG_B", false],
    ["!(CONFIG_C || CONFIG_D)", true],
    ["!!CONFIG_A", true],
  ])("%j -> %s", (condition, value) => expect(evalCondition(condition, on)).toBe(value));

  it("rejects malformed conditions", () => {
    expect(() => evalCondition("CONFIG_A &&", on)).toThrow(/unexpected end/);
    expect(() => evalCondition("(CONFIG_A", on)).toThrow(/expected "\)"/);
    expect(() => evalCondition("CONFIG_A CONFIG_B", on)).toThrow(/unexpected CONFIG_B/);
  });

  it("models the documented builds", () => {
    expect(X86_DEFINES).toContain("CONFIG_X86");
    for (const off of ["CONFIG_PV_SHIM_EXCLUSIVE", "CONFIG_ARGO"]) {
      expect(X86_DEFINES).not.toContain(off);
      expect(ARM_DEFINES).not.toContain(off);
    }
    expect(ARM_DEFINES).not.toContain("CONFIG_X86");
  });
});
