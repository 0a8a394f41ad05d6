/**
 * `xen:<profile>`: the hypercall mix Xen actually sees, from counts measured
 * while a guest built Xen (`make -j4`) or copied a large file with `scp`,
 * counted in the guest and in dom0 (data/xen/profiles*.csv, README there).
 *
 * A profile names hypercalls; they are mapped to the spec's handlers BY
 * NAME, so a profile works on any spec using Xen's names (xen:pv64,
 * xen:hvm64, a user's copy). Profile hypercalls the spec lacks are dropped
 * (the rest renormalised) and listed in the workload's notes; a profile
 * with none of its hypercalls in the spec is an error.
 *
 * Sampling: exact shares, not independent draws. The counts are allocated
 * by largest remainder (each handler gets floor or ceil of share * length,
 * never more than one entry off), then shuffled with the workload's seed.
 * Independent draws would give each run its own mix (a 1% handler varies by
 * about +-0.04% at 64 Ki entries, and rare hypercalls may vanish); exact
 * shares make runs of the same workload comparable across seeds and
 * machines, and only the order is random.
 */
import { readFileSync } from "node:fs";
import { LabError } from "../errors.js";
import { dataPath } from "../paths.js";
import { seededRng } from "../stats/rng.js";
import type { Spec } from "../spec/types.js";
import { allocate, expectNoArg, makeWorkload, percent, shuffledStream } from "./shared.js";
import type { WorkloadKind } from "./types.js";

export interface XenProfile {
  /** The workload is `xen:<profile>`. */
  profile: string;
  /** Under data/xen/. */
  file: string;
  column: string;
  /** What was measured. */
  measured: string;
}

export const XEN_PROFILES: readonly XenProfile[] = [
  { profile: "pv-guest-build", file: "profiles.csv", column: "pv_guest_build", measured: "a PV guest building Xen (make -j4), counted in the guest" },
  { profile: "pv-guest-scp", file: "profiles.csv", column: "pv_guest_scp", measured: "a PV guest copying a large file with scp, counted in the guest" },
  { profile: "dom0-build", file: "profiles.csv", column: "dom0_build", measured: "dom0 (PV, the guest's backends) while a guest built Xen (make -j4)" },
  { profile: "dom0-scp", file: "profiles.csv", column: "dom0_scp", measured: "dom0 (PV, the guest's backends) while a guest copied a large file with scp" },
  { profile: "pvh-guest-build", file: "profiles-hvm.csv", column: "pvh_guest_build", measured: "a PVH guest building Xen (make -j4), counted in the guest" },
  { profile: "pvh-guest-scp", file: "profiles-hvm.csv", column: "pvh_guest_scp", measured: "a PVH guest copying a large file with scp, counted in the guest" },
];

const profiles = new Map<string, { hypercall: string; count: bigint }[]>();

/** One profile's counts, in file order; hypercalls counted zero times are left out. Read once per process: the data ships with the package. */
export function readProfile(p: XenProfile): { hypercall: string; count: bigint }[] {
  const counts = profiles.get(p.profile) ?? parseProfile(p);
  profiles.set(p.profile, counts);
  return [...counts]; // a copy: callers sort it
}

function parseProfile(p: XenProfile): { hypercall: string; count: bigint }[] {
  const where = `data/xen/${p.file}`;
  const lines = readFileSync(dataPath("xen", p.file), "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const [header, ...rows] = lines.map((l) => l.split(",").map((c) => c.trim()));
  const name = header?.indexOf("hypercall") ?? -1;
  const column = header?.indexOf(p.column) ?? -1;
  // The data ships with the package: a malformed file is our bug, not the user's.
  if (name < 0 || column < 0) throw new Error(`${where}: no "hypercall" or "${p.column}" column`);
  return rows
    .map((cells, i) => {
      const count = cells[column] ?? "";
      if (!/^[0-9]+$/.test(count)) throw new Error(`${where}:${i + 2}: count "${count}" is not a non-negative integer`);
      return { hypercall: cells[name] ?? "", count: BigInt(count) };
    })
    .filter((r) => r.count > 0n);
}

/** The share of `count` in `total`, as a float, exact enough for display. */
const shareOf = (count: bigint, total: bigint): number => Number((count * 1_000_000n) / total) / 1_000_000;

function xenKind(p: XenProfile): WorkloadKind {
  const kind: WorkloadKind = {
    kind: `xen:${p.profile}`,
    syntax: `xen:${p.profile}`,
    summary: `measured Xen hypercall mix: ${p.measured}; exact shares, shuffled`,
    build(arg, spec: Spec, ctx) {
      expectNoArg(kind, arg);
      const profile = readProfile(p);
      const total = profile.reduce((a, r) => a + r.count, 0n);
      const handlers = new Map(spec.handlers.map((h) => [h.name, h]));
      const kept = profile.filter((r) => handlers.has(r.hypercall)).sort((a, b) => handlers.get(a.hypercall)!.id - handlers.get(b.hypercall)!.id);
      const dropped = profile.filter((r) => !handlers.has(r.hypercall)).sort((a, b) => (b.count > a.count ? 1 : b.count < a.count ? -1 : 0));
      if (kept.length === 0) {
        throw new LabError(
          "usage",
          [{ path: kind.kind, message: `spec ${spec.name} has none of the profile's hypercalls (${profile.map((r) => r.hypercall).join(", ")})` }],
          "use a spec with Xen's hypercall names (xen:pv64, xen:hvm64, ...) or another workload",
        );
      }
      const counts = allocate(
        kept.map((r) => r.count),
        ctx.length,
      );
      const stream = shuffledStream(
        kept.map((r) => handlers.get(r.hypercall)!.id),
        counts,
        seededRng(ctx.seed),
      );
      const keptShare = shareOf(
        kept.reduce((a, r) => a + r.count, 0n),
        total,
      );
      const description =
        `Xen profile: ${p.measured}; ${kept.length} of ${profile.length} hypercalls in ${spec.name}` +
        (dropped.length > 0 ? ` (${percent(keptShare)} of the calls; the rest dropped, see notes)` : "");
      const notes = dropped.map((r) => `dropped ${r.hypercall} (${percent(shareOf(r.count, total))} of the profile): not in spec ${spec.name}`);
      return makeWorkload(kind.kind, description, stream, spec, notes);
    },
  };
  return kind;
}

/** One kind per profile, so each is listed (and documented) on its own. */
export const xenProfiles: readonly WorkloadKind[] = XEN_PROFILES.map(xenKind);
