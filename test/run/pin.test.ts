import { cpus } from "node:os";
import { describe, expect, it } from "vitest";
import { cpuListText, defaultCpu, parseCpuList, stagingCpu } from "../../src/run/pin.js";

describe("CPU lists", () => {
  it("reads /proc's Cpus_allowed_list and writes it back", () => {
    expect(parseCpuList("0-3,6,8-9")).toEqual([0, 1, 2, 3, 6, 8, 9]);
    expect(parseCpuList("1\n")).toEqual([1]);
    for (const bad of ["", "a", "3-1", "1,,2", "-1"]) expect(parseCpuList(bad), bad).toBeNull();
    expect(cpuListText([0, 1, 2, 3, 6, 8, 9])).toBe("0-3,6,8-9");
    expect(cpuListText([5])).toBe("5");
  });
});

describe("the default and staging CPUs", () => {
  it("measure on the last CPU the process started with and stage on another, whatever its affinity later", () => {
    // Vitest's workers are not pinned: the process may use every CPU.
    expect(defaultCpu()).toBe(cpus().length - 1);
    if (cpus().length > 1) {
      expect(stagingCpu(defaultCpu())).toBe(0);
      expect(stagingCpu(0)).toBe(1);
    } else expect(stagingCpu(0)).toBeUndefined();
  });
});
