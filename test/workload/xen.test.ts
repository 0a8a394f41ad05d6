import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { validateSpec } from "../../src/spec/validate.js";
import { buildWorkload } from "../../src/workload/index.js";
import { XEN_PROFILES, readProfile } from "../../src/workload/xen.js";
import { labError } from "../spec/helpers.js";

const pv64 = loadSpec("xen:pv64");
const hvm64 = loadSpec("xen:hvm64");
const L = 65536;

function counts(stream: Int32Array): Map<number, number> {
  const out = new Map<number, number>();
  for (const v of stream) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

describe("xen profiles", () => {
  it("reads every profile the data files hold", () => {
    for (const p of XEN_PROFILES) expect(readProfile(p).length, p.profile).toBeGreaterThanOrEqual(2);
  });

  it("xen:pv-guest-build on xen:pv64: mmu_update ~0.66, then iret", () => {
    const w = buildWorkload("xen:pv-guest-build", pv64, { seed: 1 });
    expect(w.stream.length).toBe(L);
    expect(w.mix[0]).toMatchObject({ id: 1, name: "mmu_update" });
    expect(w.mix[0]!.share).toBeCloseTo(0.6655, 3);
    expect(w.mix[1]).toMatchObject({ id: 23, name: "iret" });
    expect(w.mix[1]!.share).toBeCloseTo(0.2705, 3);
    expect(w.notes).toBeUndefined();
    expect(w.description).toMatch(/make -j4/);
  });

  it.each(XEN_PROFILES.map((p) => p.profile))("xen:%s has each share within one entry of round(share * length)", (profile) => {
    const p = XEN_PROFILES.find((x) => x.profile === profile)!;
    for (const [spec, length] of [
      [pv64, L],
      [pv64, 1001],
      [hvm64, 4096],
    ] as const) {
      const rows = readProfile(p);
      const names = new Map(spec.handlers.map((h) => [h.name, h.id]));
      const kept = rows.filter((r) => names.has(r.hypercall));
      const total = kept.reduce((a, r) => a + Number(r.count), 0);
      const c = counts(buildWorkload(`xen:${profile}`, spec, { seed: 3, length }).stream);
      for (const r of kept)
        expect(Math.abs((c.get(names.get(r.hypercall)!) ?? 0) - Math.round((Number(r.count) / total) * length)), r.hypercall).toBeLessThanOrEqual(1);
      expect([...c.values()].reduce((a, b) => a + b, 0)).toBe(length);
      expect([...c.keys()].every((id) => spec.handlers.some((h) => h.id === id))).toBe(true);
    }
  });

  it("has the same mix for every seed: only the order changes", () => {
    const a = buildWorkload("xen:dom0-scp", pv64, { seed: 1, length: 5000 });
    const b = buildWorkload("xen:dom0-scp", pv64, { seed: 2, length: 5000 });
    expect(a.mix).toEqual(b.mix);
    expect(a.stream).not.toEqual(b.stream);
  });

  it("drops hypercalls the spec lacks, renormalises, and says so", () => {
    const w = buildWorkload("xen:pv-guest-build", hvm64, { seed: 1, length: 10_000 });
    expect(w.mix[0]).toMatchObject({ name: "mmuext_op" });
    expect(w.notes?.[0]).toBe("dropped mmu_update (66.55% of the profile): not in spec xen-hvm64");
    expect(w.notes?.map((n) => n.split(" ")[1])).toEqual(["mmu_update", "iret", "set_segment_base", "stack_switch", "update_va_mapping"]);
    expect(w.description).toMatch(/6 of 11 hypercalls in xen-hvm64 \(5\.15% of the calls/);
  });

  it("maps by name, so any spec using Xen's names works", () => {
    const spec = validateSpec({
      name: "mine",
      handlers: [
        { id: 7, name: "vcpu_op" },
        { id: 900, name: "event_channel_op" },
      ],
    });
    const w = buildWorkload("xen:pvh-guest-scp", spec, { seed: 1, length: 10_000 });
    expect(w.mix.map((m) => [m.id, m.name])).toEqual([
      [900, "event_channel_op"],
      [7, "vcpu_op"],
    ]);
    expect(w.mix[0]!.share).toBeCloseTo(0.9611, 3);
  });

  it("names the spec and the profile when no hypercall matches", () => {
    const spec = validateSpec({ name: "other", handlers: [{ id: 0, name: "a" }] });
    const e = labError(() => buildWorkload("xen:pvh-guest-build", spec, { seed: 1 }));
    expect(e.code).toBe("usage");
    expect(e.problems).toEqual([{ path: "xen:pvh-guest-build", message: "spec other has none of the profile's hypercalls (vcpu_op, event_channel_op)" }]);
    expect(e.fix).toMatch(/xen:pv64/);
  });
});
