import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import * as nodeOs from "node:os";
import type { CpuIdentity, Fingerprint, FingerprintWithoutId } from "../model/fingerprint.js";

/**
 * Collects the fingerprint (model/fingerprint.ts) of this machine. Collection
 * never throws: every source may be missing (macOS, Windows, containers that
 * hide /sys, VMs that hide topology); a missing value becomes null and a line
 * in `unknown`, so a result is never lost to a fingerprint.
 */

/** The slice of node:os the fingerprint reads (injectable for tests). */
export interface FingerprintOs {
  platform(): string;
  arch(): string;
  hostname(): string;
  totalmem(): number;
  release(): string;
  version(): string;
  cpus(): ReadonlyArray<{ model: string; speed: number }>;
  availableParallelism?(): number;
}

/** Where the fingerprint comes from; every member may fail or throw. */
export interface FingerprintSources {
  /** File text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** Entry names, or undefined when the folder cannot be read. */
  listDir(path: string): string[] | undefined;
  os: FingerprintOs;
  versions: { node: string; v8: string };
  execArgv: string[];
}

/** What parseCpuinfo finds in /proc/cpuinfo. */
export interface CpuinfoFacts extends CpuIdentity {
  mhz: number | null;
  /** x86 "flags" or ARM "Features". */
  flags: string[];
  /** Number of "processor : N" blocks (online logical CPUs). */
  processors: number;
  physicalCores: number | null;
  /** Which layout the identity came from: x86 vendor_id/family/model, ARM implementer/part, or neither. */
  layout: "x86" | "arm" | "other";
}

const CPUINFO = "/proc/cpuinfo";
const CPU_SYS = "/sys/devices/system/cpu";
const VULNS = `${CPU_SYS}/vulnerabilities`;
const DMI_VENDOR = "/sys/class/dmi/id/sys_vendor";

// ---------------------------------------------------------------- cpuinfo

type Block = Map<string, string>;

/** "key<TAB>: value" lines, blank-line separated blocks; empty values are dropped. */
function parseBlocks(text: string): Block[] {
  return text.split(/\n\s*\n/).map((chunk) => {
    const block: Block = new Map();
    for (const line of chunk.split("\n")) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key && value && !block.has(key)) block.set(key, value);
    }
    return block;
  });
}

/** A field of the first processor block, else of any block (old ARM kernels put identity after the processors). */
function fieldOf(processors: Block[], all: Block[], key: string): string | null {
  const first = processors[0]?.get(key);
  if (first !== undefined) return first;
  for (const b of all) {
    const v = b.get(key);
    if (v !== undefined) return v;
  }
  return null;
}

/** Pure: the identity, frequency, flags and core counts in a /proc/cpuinfo text. */
export function parseCpuinfo(text: string): CpuinfoFacts {
  const all = parseBlocks(text);
  const processors = all.filter((b) => /^\d+$/.test(b.get("processor") ?? ""));
  const get = (key: string): string | null => fieldOf(processors, all, key);
  const mhz = Number.parseFloat(get("cpu MHz") ?? "");
  return {
    ...identityOf(get),
    microcode: get("microcode"),
    mhz: Number.isFinite(mhz) ? mhz : null,
    flags: (get("flags") ?? get("Features") ?? "").split(/\s+/).filter(Boolean),
    processors: processors.length,
    physicalCores: physicalCoresOf(processors),
  };
}

type Identity = Pick<CpuinfoFacts, "vendor" | "model" | "family" | "modelNumber" | "stepping" | "layout">;

function identityOf(get: (key: string) => string | null): Identity {
  const model = get("model name");
  if (get("vendor_id") !== null) {
    return { layout: "x86", vendor: get("vendor_id"), model, family: get("cpu family"), modelNumber: get("model"), stepping: get("stepping") };
  }
  const implementer = get("CPU implementer");
  if (implementer !== null) {
    return {
      layout: "arm",
      vendor: armVendor(implementer),
      model,
      // "CPU architecture: 8" is the closest ARM has to a family.
      family: get("CPU architecture"),
      modelNumber: get("CPU part"),
      stepping: armStepping(get("CPU variant"), get("CPU revision")),
    };
  }
  return { layout: "other", vendor: null, model, family: null, modelNumber: null, stepping: null };
}

/** MIDR implementer codes (Linux arch/arm64/include/asm/cputype.h); unknown ones stay as their hex. */
const ARM_IMPLEMENTERS: Record<number, string> = { 0x41: "ARM", 0x51: "Qualcomm", 0x61: "Apple", 0xc0: "Ampere" };

function armVendor(implementer: string): string {
  const code = Number.parseInt(implementer, 16);
  return ARM_IMPLEMENTERS[code] ?? implementer;
}

/** ARM's own notation: variant 0x3, revision 1 -> "r3p1". */
function armStepping(variant: string | null, revision: string | null): string | null {
  if (variant === null || revision === null) return null;
  const r = Number.parseInt(variant, 16);
  const p = Number.parseInt(revision, 10);
  return Number.isNaN(r) || Number.isNaN(p) ? null : `r${r}p${p}`;
}

/**
 * Distinct (physical id, core id) pairs: SMT siblings share a pair. Many VMs
 * and containers omit those fields; then "cpu cores" (per package) times the
 * distinct physical ids, and null rather than a guess when that is missing too.
 */
function physicalCoresOf(processors: Block[]): number | null {
  if (processors.length === 0) return null;
  const ids = processors.map((b) => b.get("physical id"));
  const pairs = processors.map((b, i) => (ids[i] !== undefined && b.has("core id") ? `${ids[i]}:${b.get("core id")}` : undefined));
  if (pairs.every((p) => p !== undefined)) return new Set(pairs).size;
  const perPackage = Number(processors[0]?.get("cpu cores"));
  if (Number.isInteger(perPackage) && perPackage > 0 && ids.every((id) => id !== undefined)) {
    return perPackage * new Set(ids).size;
  }
  return null;
}

// ---------------------------------------------------------------- machine id

/**
 * sha256 over vendor|model|family|modelNumber|stepping|logicalCores|
 * physicalCores|arch|platform (null as ""), first 16 hex chars.
 *
 * Only what names the hardware is in it. Microcode, kernel, mitigations and
 * hostname are left out on purpose: a microcode update, a kernel upgrade, a
 * `mitigations=off` boot or a renamed host leave the chip the same, so runs
 * before and after must group under one machine, where the recorded values
 * are compared separately to explain a shift. Core counts are in because a
 * resized VM of the same CPU model times differently (shared caches, SMT).
 */
export function machineIdOf(fp: FingerprintWithoutId): string {
  const { cpu, os } = fp;
  const parts = [cpu.vendor, cpu.model, cpu.family, cpu.modelNumber, cpu.stepping, cpu.logicalCores, cpu.physicalCores, os.arch, os.platform];
  const text = parts.map((p) => (p === null || p === undefined ? "" : String(p))).join("|");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

// ---------------------------------------------------------------- collection

/** The real machine: node:fs, node:os and process. */
export function defaultSources(): FingerprintSources {
  return {
    readFile: (path) => attempt(() => readFileSync(path, "utf8"), undefined),
    listDir: (path) => attempt(() => readdirSync(path), undefined),
    os: nodeOs,
    versions: { node: process.versions.node, v8: process.versions.v8 },
    execArgv: process.execArgv,
  };
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Shared state of one collection: the sources (guarded) and the unknown list. */
class Probe {
  readonly unknown: string[] = [];
  readonly platform: string;

  constructor(readonly sources: FingerprintSources) {
    this.platform = this.call("platform", () => sources.os.platform(), "unknown");
  }

  read(path: string): string | undefined {
    return attempt(() => this.sources.readFile(path), undefined);
  }

  list(path: string): string[] | undefined {
    return attempt(() => this.sources.listDir(path), undefined);
  }

  /** Why a Linux path is missing: expected off Linux, worth saying on it. */
  why(path: string): string {
    return `no ${path}: ${this.platform === "linux" ? "unreadable" : "not Linux"}`;
  }

  /** A guarded call; a throw becomes the fallback plus an unknown line. */
  call<T>(label: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.unknown.push(`${label} (${e instanceof Error ? e.message : String(e)})`);
      return fallback;
    }
  }
}

/** Never throws: any source may be missing or throw; see `unknown` for what was. */
export function collectFingerprint(sources?: FingerprintSources): Fingerprint {
  const probe = new Probe(sources ?? defaultSources());
  const text = probe.read(CPUINFO);
  const facts = text === undefined ? undefined : parseCpuinfo(text);
  const rest: FingerprintWithoutId = {
    cpu: cpuOf(probe, facts),
    mitigations: mitigationsOf(probe),
    kernel: kernelOf(probe),
    os: osOf(probe),
    runtime: runtimeOf(probe),
    virtualization: virtualizationOf(probe, facts),
    unknown: probe.unknown,
  };
  return { machineId: machineIdOf(rest), ...rest };
}

type Cpu = Fingerprint["cpu"];

function cpuOf(probe: Probe, facts: CpuinfoFacts | undefined): Cpu {
  const cpus = probe.call("os.cpus()", () => probe.sources.os.cpus() ?? [], []);
  const cpu: Cpu = {
    vendor: facts?.vendor ?? null,
    model: facts?.model ?? osModel(cpus[0]?.model),
    family: facts?.family ?? null,
    modelNumber: facts?.modelNumber ?? null,
    stepping: facts?.stepping ?? null,
    microcode: facts?.microcode ?? null,
    logicalCores: logicalCoresOf(probe, facts, cpus.length),
    physicalCores: facts?.physicalCores ?? sysfsPhysicalCores(probe),
    smt: smtOf(probe),
    mhz: facts?.mhz ?? osSpeed(cpus[0]),
  };
  reportMissingCpu(probe, cpu, facts);
  return cpu;
}

/** os.cpus() speed is 0 where the kernel exposes no frequency (many VMs). */
function osSpeed(cpu: { speed: number } | undefined): number | null {
  return cpu !== undefined && cpu.speed > 0 ? cpu.speed : null;
}

/** libuv says "unknown" (or "") when it has no model name. */
function osModel(model: string | undefined): string | null {
  const m = model?.trim();
  return m && m.toLowerCase() !== "unknown" ? m : null;
}

function logicalCoresOf(probe: Probe, facts: CpuinfoFacts | undefined, osCount: number): number {
  if (facts !== undefined && facts.processors > 0) return facts.processors;
  if (osCount > 0) return osCount;
  const parallel = attempt(() => probe.sources.os.availableParallelism?.() ?? 0, 0);
  if (parallel > 0) return parallel;
  probe.unknown.push("logical cores (no /proc/cpuinfo processors, os.cpus() empty: assumed 1)");
  return 1;
}

/**
 * Fallback when cpuinfo hides the topology (ARM, many VMs): each distinct
 * topology/core_cpus_list is one physical core, its members the SMT threads.
 */
function sysfsPhysicalCores(probe: Probe): number | null {
  const cpus = probe.list(CPU_SYS)?.filter((n) => /^cpu\d+$/.test(n)) ?? [];
  const lists = cpus.map((c) => probe.read(`${CPU_SYS}/${c}/topology/core_cpus_list`) ?? probe.read(`${CPU_SYS}/${c}/topology/thread_siblings_list`));
  if (lists.length === 0 || lists.some((l) => l === undefined)) return null;
  return new Set(lists.map((l) => l!.trim())).size;
}

/** "on"/"off"/"forceoff"/"notsupported"/"notimplemented", and whether siblings are actually running. */
function smtOf(probe: Probe): string | null {
  const control = probe.read(`${CPU_SYS}/smt/control`)?.trim();
  if (!control) return null;
  const active = probe.read(`${CPU_SYS}/smt/active`)?.trim();
  if (active === "1") return `${control} (active)`;
  if (active === "0") return `${control} (inactive)`;
  probe.unknown.push(`smt active (${probe.why(`${CPU_SYS}/smt/active`)})`);
  return control;
}

const CPU_LABELS: ReadonlyArray<[keyof Cpu, string]> = [
  ["vendor", "vendor"],
  ["model", "model"],
  ["family", "family"],
  ["modelNumber", "model number"],
  ["stepping", "stepping"],
  ["microcode", "microcode"],
  ["mhz", "mhz"],
];

function reportMissingCpu(probe: Probe, cpu: Cpu, facts: CpuinfoFacts | undefined): void {
  const why = facts === undefined ? probe.why(CPUINFO) : `not in ${CPUINFO}`;
  for (const [key, label] of CPU_LABELS) if (cpu[key] === null) probe.unknown.push(`${label} (${why})`);
  if (cpu.physicalCores === null) {
    probe.unknown.push(`physical cores (${facts === undefined ? why : `no physical id/core id in ${CPUINFO}`}; no sysfs topology)`);
  }
  if (cpu.smt === null) probe.unknown.push(`smt (${probe.why(`${CPU_SYS}/smt/control`)})`);
}

/**
 * The kernel's own verdict per speculative-execution issue. These decide what
 * an indirect call or return costs: "Retpolines" turn every indirect branch
 * into a call/ret trampoline, IBRS/eIBRS restrict predictions in hardware,
 * "Safe RET" (SRSO) and retbleed untraining add work to returns. Two runs on
 * one chip with different lines here are different experiments.
 */
function mitigationsOf(probe: Probe): Record<string, string> {
  const names = probe.list(VULNS);
  if (names === undefined) {
    probe.unknown.push(`mitigations (${probe.why(VULNS)})`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const text = probe.read(`${VULNS}/${name}`);
    if (text === undefined) probe.unknown.push(`mitigation ${name} (unreadable)`);
    else out[name] = text.trim();
  }
  return out;
}

function kernelOf(probe: Probe): Fingerprint["kernel"] {
  const os = probe.sources.os;
  return {
    release: probe.call("kernel release", () => os.release(), ""),
    version: probe.call("kernel version", () => os.version(), ""),
  };
}

function osOf(probe: Probe): Fingerprint["os"] {
  const os = probe.sources.os;
  return {
    platform: probe.platform,
    arch: probe.call("arch", () => os.arch(), "unknown"),
    hostname: probe.call("hostname", () => os.hostname(), ""),
    totalMemoryBytes: probe.call("total memory", () => os.totalmem(), 0),
  };
}

/** Node and V8 versions: the JIT decides how call_indirect and br_table are lowered. */
function runtimeOf(probe: Probe): Fingerprint["runtime"] {
  const src = probe.sources;
  return {
    node: probe.call("node version", () => src.versions.node, ""),
    v8: probe.call("v8 version", () => src.versions.v8, ""),
    execArgv: probe.call("execArgv", () => [...src.execArgv], []),
  };
}

/**
 * A guest pays VM exits and the host's mitigations too, so timings from VMs
 * are flagged. The x86 "hypervisor" CPUID bit is reliable; DMI sys_vendor
 * ("QEMU", "Google", "Amazon EC2"...) names the platform when readable.
 */
function virtualizationOf(probe: Probe, facts: CpuinfoFacts | undefined): string | null {
  const parts: string[] = [];
  if (facts?.flags.includes("hypervisor")) parts.push("hypervisor present");
  else if (facts?.layout === "x86" && facts.flags.length > 0) parts.push("no hypervisor flag");
  const vendor = probe.read(DMI_VENDOR)?.trim();
  if (vendor) parts.push(`sys_vendor ${vendor}`);
  if (parts.length > 0) return parts.join("; ");
  probe.unknown.push(`virtualization (no x86 hypervisor flag to read; ${probe.why(DMI_VENDOR)})`);
  return null;
}
