import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFingerprint, machineIdOf, parseCpuinfo, type FingerprintOs, type FingerprintSources } from "../../src/run/fingerprint.js";
import { fingerprintSummary, type Fingerprint } from "../../src/model/fingerprint.js";

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, "..", "fixtures", "fingerprint", name), "utf8");
const INTEL = fixture("intel-xeon-smt.cpuinfo");
const AMD_VM = fixture("amd-epyc-vm.cpuinfo");
const ARM = fixture("arm-neoverse-n1.cpuinfo");

const CPU = "/sys/devices/system/cpu";
const VULNS = `${CPU}/vulnerabilities`;

interface Fake {
  files?: Record<string, string>;
  dirs?: Record<string, string[]>;
  os?: Partial<FingerprintOs>;
}

/** In-memory sources: only what a test names exists. */
function fakeSources({ files = {}, dirs = {}, os = {} }: Fake): FingerprintSources {
  return {
    readFile: (p) => files[p],
    listDir: (p) => dirs[p],
    os: {
      platform: () => "linux",
      arch: () => "x64",
      hostname: () => "bench-1",
      totalmem: () => 8 * 2 ** 30,
      release: () => "6.1.0-18-cloud-amd64",
      version: () => "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
      cpus: () => [],
      ...os,
    },
    versions: { node: "20.20.2", v8: "11.3.244.8-node.33" },
    execArgv: ["--no-opt"],
  };
}

/** sysfs vulnerabilities/ as files plus its listing. */
function vulns(m: Record<string, string>): Pick<Fake, "files" | "dirs"> {
  return {
    files: Object.fromEntries(Object.entries(m).map(([k, v]) => [`${VULNS}/${k}`, `${v}\n`])),
    dirs: { [VULNS]: Object.keys(m) },
  };
}

function merge(...parts: Array<Pick<Fake, "files" | "dirs">>): Pick<Fake, "files" | "dirs"> {
  return {
    files: Object.assign({}, ...parts.map((p) => p.files)),
    dirs: Object.assign({}, ...parts.map((p) => p.dirs)),
  };
}

const smt = (control: string, active: string): Pick<Fake, "files"> => ({
  files: { [`${CPU}/smt/control`]: `${control}\n`, [`${CPU}/smt/active`]: `${active}\n` },
});

const RUNTIME = { node: "20.20.2", v8: "11.3.244.8-node.33", execArgv: ["--no-opt"] };
const KERNEL = { release: "6.1.0-18-cloud-amd64", version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)" };

describe("parseCpuinfo", () => {
  it("Intel Xeon: identity from the first block, SMT siblings share one core", () => {
    const f = parseCpuinfo(INTEL);
    expect({ ...f, flags: f.flags.length }).toEqual({
      layout: "x86",
      vendor: "GenuineIntel",
      model: "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
      family: "6",
      modelNumber: "85",
      stepping: "7",
      microcode: "0x5003604",
      mhz: 2494.14,
      flags: 136,
      processors: 2,
      physicalCores: 1,
    });
    expect(f.flags).toContain("ibrs_enhanced");
    expect(f.flags).not.toContain("hypervisor");
  });

  it("AMD EPYC VM without physical id/core id: physical cores unknown, not guessed", () => {
    const f = parseCpuinfo(AMD_VM);
    expect(f).toMatchObject({
      layout: "x86",
      vendor: "AuthenticAMD",
      model: "AMD EPYC 7B13",
      family: "25",
      modelNumber: "1",
      stepping: "1",
      microcode: "0x1000065",
      mhz: 2449.998,
      processors: 2,
      physicalCores: null,
    });
    expect(f.flags).toContain("hypervisor");
  });

  it("ARM Neoverse N1: implementer/part/variant/revision", () => {
    const f = parseCpuinfo(ARM);
    expect({ ...f, flags: f.flags.slice(0, 3) }).toEqual({
      layout: "arm",
      vendor: "ARM",
      model: null,
      family: "8",
      modelNumber: "0xd0c",
      stepping: "r3p1",
      microcode: null,
      mhz: null,
      flags: ["fp", "asimd", "evtstrm"],
      processors: 4,
      physicalCores: null,
    });
  });

  it("maps known implementers and keeps unknown ones as hex", () => {
    const arm = (impl: string): string | null => parseCpuinfo(ARM.replaceAll("0x41", impl)).vendor;
    expect([arm("0x51"), arm("0x61"), arm("0xc0"), arm("0x4e")]).toEqual(["Qualcomm", "Apple", "Ampere", "0x4e"]);
  });

  it("falls back to cpu cores x distinct physical ids when core id is missing", () => {
    const block = (n: number, pkg: number): string => `processor\t: ${n}\nvendor_id\t: GenuineIntel\nphysical id\t: ${pkg}\ncpu cores\t: 2\n`;
    const text = [block(0, 0), block(1, 0), block(2, 1), block(3, 1)].join("\n");
    expect(parseCpuinfo(text)).toMatchObject({ processors: 4, physicalCores: 4 });
  });

  it("handles CRLF and empty text", () => {
    expect(parseCpuinfo(INTEL.replaceAll("\n", "\r\n"))).toMatchObject({ processors: 2, physicalCores: 1, microcode: "0x5003604" });
    expect(parseCpuinfo("")).toMatchObject({ processors: 0, physicalCores: null, vendor: null, layout: "other" });
  });
});

describe("collectFingerprint", () => {
  it("Intel Xeon bare metal: every field", () => {
    const fp = collectFingerprint(
      fakeSources({
        ...merge(
          { files: { "/proc/cpuinfo": INTEL, "/sys/class/dmi/id/sys_vendor": "Dell Inc.\n" } },
          smt("on", "1"),
          vulns({
            spectre_v2: "Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling; PBRSB-eIBRS: SW sequence; BHI: SW loop, KVM: SW loop",
            retbleed: "Mitigation: Enhanced IBRS",
            mds: "Not affected",
          }),
        ),
      }),
    );
    const expected: Omit<Fingerprint, "machineId"> = {
      cpu: {
        vendor: "GenuineIntel",
        model: "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
        family: "6",
        modelNumber: "85",
        stepping: "7",
        microcode: "0x5003604",
        logicalCores: 2,
        physicalCores: 1,
        smt: "on (active)",
        mhz: 2494.14,
      },
      mitigations: {
        mds: "Not affected",
        retbleed: "Mitigation: Enhanced IBRS",
        spectre_v2: "Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling; PBRSB-eIBRS: SW sequence; BHI: SW loop, KVM: SW loop",
      },
      kernel: KERNEL,
      os: { platform: "linux", arch: "x64", hostname: "bench-1", totalMemoryBytes: 8 * 2 ** 30 },
      runtime: RUNTIME,
      virtualization: "no hypervisor flag; sys_vendor Dell Inc.",
      unknown: [],
    };
    expect(fp).toEqual({ machineId: machineIdOf(expected), ...expected });
    // Golden (= sha256sum of "GenuineIntel|Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz|6|85|7|2|1|x64|linux"):
    // the id format is a contract between machines and versions.
    expect(fp.machineId).toBe("23a78ecaacf5e740");
    expect(fingerprintSummary(fp)).toBe(
      "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz (family 6 model 85 stepping 7, microcode 0x5003604), 2 logical / 1 physical cores, SMT on (active); " +
        "spectre_v2: Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling; PBRSB-eIBRS: SW sequence; BHI: SW loop, KVM: SW loop; " +
        "retbleed: Mitigation: Enhanced IBRS; Linux 6.1.0-18-cloud-amd64, node 20.20.2 / V8 11.3.244.8-node.33",
    );
  });

  const amdVm = (extra: Pick<Fake, "files" | "dirs"> = {}): FingerprintSources =>
    fakeSources({
      ...merge(
        { files: { "/proc/cpuinfo": AMD_VM } },
        smt("notsupported", "0"),
        vulns({
          spectre_v2: "Mitigation: Retpolines; IBPB: conditional; IBRS_FW; STIBP: disabled; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected",
          retbleed: "Not affected",
          spec_rstack_overflow: "Mitigation: Safe RET",
          meltdown: "Not affected",
        }),
        extra,
      ),
      os: {
        cpus: () => [
          { model: "AMD EPYC 7B13", speed: 2449 },
          { model: "AMD EPYC 7B13", speed: 2449 },
        ],
      },
    });

  it("AMD EPYC VM: hypervisor flag, no topology, SRSO under its sysfs name", () => {
    const fp = collectFingerprint(amdVm());
    expect(fp.cpu).toEqual({
      vendor: "AuthenticAMD",
      model: "AMD EPYC 7B13",
      family: "25",
      modelNumber: "1",
      stepping: "1",
      microcode: "0x1000065",
      logicalCores: 2,
      physicalCores: null,
      smt: "notsupported (inactive)",
      mhz: 2449.998,
    });
    expect(fp.virtualization).toBe("hypervisor present");
    expect(fp.unknown).toEqual(["physical cores (no physical id/core id in /proc/cpuinfo; no sysfs topology)"]);
    expect(fingerprintSummary(fp)).toBe(
      "AMD EPYC 7B13 (family 25 model 1 stepping 1, microcode 0x1000065), 2 logical / ? physical cores, SMT notsupported (inactive); " +
        "spectre_v2: Mitigation: Retpolines; IBPB: conditional; IBRS_FW; STIBP: disabled; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected; " +
        "retbleed: Not affected; srso: Mitigation: Safe RET; Linux 6.1.0-18-cloud-amd64, node 20.20.2 / V8 11.3.244.8-node.33",
    );
  });

  it("AMD EPYC VM: physical cores from sysfs topology when cpuinfo hides them", () => {
    const topo = {
      files: { [`${CPU}/cpu0/topology/core_cpus_list`]: "0\n", [`${CPU}/cpu1/topology/core_cpus_list`]: "1\n" },
      dirs: { [CPU]: ["cpu0", "cpu1", "cpufreq", "smt", "vulnerabilities"] },
    };
    const fp = collectFingerprint(amdVm(topo));
    expect(fp.cpu.physicalCores).toBe(2);
    expect(fp.unknown).toEqual([]);
  });

  it("ARM Neoverse: vendor/part/rNpM from cpuinfo, model from os.cpus() unless libuv says unknown", () => {
    const arm = (model: string): Fingerprint =>
      collectFingerprint(
        fakeSources({
          files: { "/proc/cpuinfo": ARM, "/sys/class/dmi/id/sys_vendor": "Amazon EC2\n" },
          os: { arch: () => "arm64", cpus: () => Array.from({ length: 4 }, () => ({ model, speed: 0 })) },
        }),
      );
    const fp = arm("Neoverse-N1");
    expect(fp.cpu).toEqual({
      vendor: "ARM",
      model: "Neoverse-N1",
      family: "8",
      modelNumber: "0xd0c",
      stepping: "r3p1",
      microcode: null,
      logicalCores: 4,
      physicalCores: null,
      smt: null,
      mhz: null,
    });
    expect(fp.virtualization).toBe("sys_vendor Amazon EC2");
    expect(fp.unknown).toEqual([
      "microcode (not in /proc/cpuinfo)",
      "mhz (not in /proc/cpuinfo)",
      "physical cores (no physical id/core id in /proc/cpuinfo; no sysfs topology)",
      "smt (no /sys/devices/system/cpu/smt/control: unreadable)",
      "mitigations (no /sys/devices/system/cpu/vulnerabilities: unreadable)",
    ]);
    expect(arm("unknown").cpu.model).toBeNull();
    expect(fingerprintSummary(arm("unknown"))).toBe(
      "ARM CPU (family 8 model 0xd0c stepping r3p1), 4 logical / ? physical cores, SMT unknown; Linux 6.1.0-18-cloud-amd64, node 20.20.2 / V8 11.3.244.8-node.33",
    );
  });

  it("macOS (no /proc, no /sys): os.cpus() model, the rest null and listed in unknown", () => {
    const fp = collectFingerprint(
      fakeSources({
        os: {
          platform: () => "darwin",
          arch: () => "arm64",
          hostname: () => "mbp.local",
          totalmem: () => 16 * 2 ** 30,
          release: () => "23.4.0",
          version: () => "Darwin Kernel Version 23.4.0: Fri Mar 15 00:12:49 PDT 2024; root:xnu-10063.101.17~1/RELEASE_ARM64_T6020",
          cpus: () => Array.from({ length: 8 }, () => ({ model: "Apple M2", speed: 2400 })),
        },
      }),
    );
    const expected: Omit<Fingerprint, "machineId"> = {
      cpu: {
        vendor: null,
        model: "Apple M2",
        family: null,
        modelNumber: null,
        stepping: null,
        microcode: null,
        logicalCores: 8,
        physicalCores: null,
        smt: null,
        mhz: 2400,
      },
      mitigations: {},
      kernel: {
        release: "23.4.0",
        version: "Darwin Kernel Version 23.4.0: Fri Mar 15 00:12:49 PDT 2024; root:xnu-10063.101.17~1/RELEASE_ARM64_T6020",
      },
      os: { platform: "darwin", arch: "arm64", hostname: "mbp.local", totalMemoryBytes: 16 * 2 ** 30 },
      runtime: RUNTIME,
      virtualization: null,
      unknown: [
        "vendor (no /proc/cpuinfo: not Linux)",
        "family (no /proc/cpuinfo: not Linux)",
        "model number (no /proc/cpuinfo: not Linux)",
        "stepping (no /proc/cpuinfo: not Linux)",
        "microcode (no /proc/cpuinfo: not Linux)",
        "physical cores (no /proc/cpuinfo: not Linux; no sysfs topology)",
        "smt (no /sys/devices/system/cpu/smt/control: not Linux)",
        "mitigations (no /sys/devices/system/cpu/vulnerabilities: not Linux)",
        "virtualization (no x86 hypervisor flag to read; no /sys/class/dmi/id/sys_vendor: not Linux)",
      ],
    };
    expect(fp).toEqual({ machineId: machineIdOf(expected), ...expected });
    expect(fingerprintSummary(fp)).toBe("Apple M2, 8 logical / ? physical cores, SMT unknown; macOS 23.4.0, node 20.20.2 / V8 11.3.244.8-node.33");
  });

  it("never throws when every read fails or throws", () => {
    const boom = (): never => {
      throw new Error("boom");
    };
    const throwing: FingerprintSources = {
      readFile: boom,
      listDir: boom,
      os: { platform: boom, arch: boom, hostname: boom, totalmem: boom, release: boom, version: boom, cpus: boom, availableParallelism: boom },
      get versions(): never {
        return boom();
      },
      get execArgv(): never {
        return boom();
      },
    };
    const fp = collectFingerprint(throwing);
    expect(fp.machineId).toMatch(/^[0-9a-f]{16}$/);
    expect(fp.cpu.logicalCores).toBe(1);
    expect(fp.runtime).toEqual({ node: "", v8: "", execArgv: [] });
    expect(fp.os).toEqual({ platform: "unknown", arch: "unknown", hostname: "", totalMemoryBytes: 0 });
    expect(fp.unknown).toContain("platform (boom)");
    expect(fp.unknown).toContain("microcode (no /proc/cpuinfo: not Linux)");
    expect(fp.unknown).toContain("logical cores (no /proc/cpuinfo processors, os.cpus() empty: assumed 1)");
    expect(() => fingerprintSummary(fp)).not.toThrow();

    const undefinedEverywhere = collectFingerprint(fakeSources({ os: { platform: () => "linux" } }));
    expect(undefinedEverywhere.cpu.logicalCores).toBe(1);
    expect(undefinedEverywhere.unknown).toContain("microcode (no /proc/cpuinfo: unreadable)");
  });
});

describe("machineIdOf", () => {
  const base = (): Fingerprint =>
    collectFingerprint(fakeSources({ ...merge({ files: { "/proc/cpuinfo": INTEL } }, smt("on", "1"), vulns({ spectre_v2: "Mitigation: Enhanced IBRS" })) }));

  it("is 16 hex chars and matches the stored id", () => {
    const fp = base();
    expect(fp.machineId).toMatch(/^[0-9a-f]{16}$/);
    expect(machineIdOf(fp)).toBe(fp.machineId);
  });

  it("ignores microcode, kernel, mitigations, hostname, SMT control and runtime", () => {
    const fp = base();
    const updated: Fingerprint = {
      ...fp,
      cpu: { ...fp.cpu, microcode: "0x5003707", smt: "forceoff (inactive)", mhz: 1200 },
      kernel: { release: "6.12.9", version: "#2 SMP" },
      mitigations: { spectre_v2: "Vulnerable" },
      os: { ...fp.os, hostname: "renamed", totalMemoryBytes: 1 },
      runtime: { node: "22.0.0", v8: "12.4", execArgv: [] },
    };
    expect(machineIdOf(updated)).toBe(fp.machineId);
  });

  it("changes with the model, stepping, core counts or arch", () => {
    const fp = base();
    const variants: Fingerprint[] = [
      { ...fp, cpu: { ...fp.cpu, model: "Intel(R) Xeon(R) Gold 6258R CPU @ 2.70GHz" } },
      { ...fp, cpu: { ...fp.cpu, stepping: "11" } },
      { ...fp, cpu: { ...fp.cpu, logicalCores: 4 } },
      { ...fp, cpu: { ...fp.cpu, physicalCores: 2 } },
      { ...fp, os: { ...fp.os, arch: "ia32" } },
    ];
    const ids = variants.map(machineIdOf);
    expect(ids).not.toContain(fp.machineId);
    expect(new Set(ids).size).toBe(variants.length);
  });
});

describe("the real machine", () => {
  it("collects a fingerprint with a usable id", () => {
    const fp = collectFingerprint();
    expect(fp.machineId).toMatch(/^[0-9a-f]{16}$/);
    expect(fp.cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(fp.runtime.node).toBe(process.versions.node);
    expect(fingerprintSummary(fp)).toContain(`node ${process.versions.node}`);
  });
});
