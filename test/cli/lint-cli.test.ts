import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "..", "dist", "src", "cli", "main.js");
const FIX = join(import.meta.dirname, "..", "fixtures", "lint");
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("dispatch-lab lint", () => {
  it("the default spec has notes only: exit 0, and names the unguarded alias to iret", () => {
    const r = cli("lint");
    expect(r.code).toBe(0);
    expect(r.out).toContain("an unguarded mask would route 64k+1 and 64k+23 (65, 87, 129, ...) to iret");
    expect(r.out).toMatch(/^0 errors, 0 warnings, \d+ notes$/m);
  });

  it("the kexec_op narrowing against the old spec is an error: exit 1", () => {
    const r = cli("lint", "--spec", join(FIX, "kexec-new.json"), "--against", join(FIX, "kexec-old.json"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("error abi-narrowing handlers[3].params[0]: kexec_op params[0] narrowed from i64 to i32");
  });

  it("the 64-number mask limit is a warning; --json is machine-readable", () => {
    const r = cli("lint", "--spec", join(FIX, "pv64-unguarded-hazard.json"), "--json");
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.out) as { rule: string; severity: string }[];
    expect(findings.some((f) => f.rule === "mask-word" && f.severity === "warning")).toBe(true);
  });

  it("bad input: exit 2", () => {
    expect(cli("lint", "--spec", "/nope.json").code).toBe(2);
  });
});
