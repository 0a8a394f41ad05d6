/**
 * The machine fingerprint recorded with every result (collected by
 * run/fingerprint.ts), and its one-line summary for terminals and reports.
 *
 * Dispatch timings are only comparable between runs on the same hardware
 * *and* the same mitigation state: an indirect call (call_indirect, a JIT'd
 * br_table jump) costs a few cycles under eIBRS, tens under retpolines, and
 * the return path changes again with SRSO "safe RET" or retbleed untraining.
 * So the fingerprint records the CPU identity (for grouping), and alongside
 * it everything that changes what a branch costs without changing the chip:
 * microcode, kernel, the vulnerabilities/ files, SMT state, the runtime.
 */
/** The CPU's identity as /proc/cpuinfo (or its ARM equivalent) states it; null where unknown. */
export interface CpuIdentity {
  vendor: string | null;
  model: string | null;
  family: string | null;
  modelNumber: string | null;
  stepping: string | null;
  microcode: string | null;
}

export interface Fingerprint {
  /** First 16 hex chars of sha256 over the stable CPU identity: see machineIdOf. */
  machineId: string;
  cpu: CpuIdentity & {
    logicalCores: number;
    physicalCores: number | null;
    /** /sys/devices/system/cpu/smt/control plus " (active)"/" (inactive)" from smt/active. */
    smt: string | null;
    mhz?: number | null;
  };
  /** Every file of /sys/devices/system/cpu/vulnerabilities/ -> its trimmed content. */
  mitigations: Record<string, string>;
  kernel: { release: string; version: string };
  os: { platform: string; arch: string; hostname: string; totalMemoryBytes: number };
  runtime: { node: string; v8: string; execArgv: string[] };
  virtualization?: string | null;
  /** What could not be read, and why, in words. */
  unknown: string[];
}

export type FingerprintWithoutId = Omit<Fingerprint, "machineId">;

/** The CPU part of a fingerprint. */
type Cpu = Fingerprint["cpu"];

// ---------------------------------------------------------------- summary

/** The mitigations that move indirect-call and return costs the most; sysfs names SRSO spec_rstack_overflow. */
const SUMMARY_MITIGATIONS: ReadonlyArray<[string, string[]]> = [
  ["spectre_v2", ["spectre_v2"]],
  ["retbleed", ["retbleed"]],
  ["srso", ["srso", "spec_rstack_overflow"]],
];

const OS_NAMES: Record<string, string> = { linux: "Linux", darwin: "macOS", win32: "Windows", freebsd: "FreeBSD" };

/** One line for terminals: CPU identity, cores/SMT, the key mitigations, kernel and runtime. */
export function fingerprintSummary(fp: Fingerprint): string {
  const { cpu } = fp;
  const name = cpu.model ?? (cpu.vendor !== null ? `${cpu.vendor} CPU` : "unknown CPU");
  const detail = identityDetail(cpu);
  const cores = `${cpu.logicalCores} logical / ${cpu.physicalCores ?? "?"} physical cores, SMT ${cpu.smt ?? "unknown"}`;
  const system = `${OS_NAMES[fp.os.platform] ?? fp.os.platform} ${fp.kernel.release}, node ${fp.runtime.node} / V8 ${fp.runtime.v8}`;
  return [`${name}${detail ? ` (${detail})` : ""}, ${cores}`, ...summaryMitigations(fp.mitigations), system].join("; ");
}

function identityDetail(cpu: Cpu): string {
  const ids = [
    ["family", cpu.family],
    ["model", cpu.modelNumber],
    ["stepping", cpu.stepping],
  ]
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${v}`)
    .join(" ");
  const microcode = cpu.microcode !== null ? `microcode ${cpu.microcode}` : "";
  return [ids, microcode].filter(Boolean).join(", ");
}

function summaryMitigations(m: Record<string, string>): string[] {
  return SUMMARY_MITIGATIONS.flatMap(([label, keys]) => {
    const key = keys.find((k) => m[k] !== undefined);
    return key === undefined ? [] : [`${label}: ${m[key]}`];
  });
}
