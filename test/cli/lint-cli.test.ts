import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli as inProcess, spawnCli } from "../cli-harness.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "lint");
const cli = (...args: string[]) => inProcess(args);

describe("dispatch-lab lint", () => {
  it("the default spec has notes only: exit 0, and names the unguarded alias to iret", () => {
    const r = spawnCli(["lint"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("an unguarded mask would route 64k+1 and 64k+23 (65, 87, 129, ...) to iret");
    expect(r.out).toMatch(/^0 errors, 0 warnings, \d+ notes$/m);
  });

  it("the kexec_op narrowing against the old spec is an error: exit 1", async () => {
    const r = await cli("lint", "--spec", join(FIX, "kexec-new.json"), "--against", join(FIX, "kexec-old.json"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("error abi-narrowing handlers[3].params[0]: kexec_op params[0] narrowed from i64 to i32");
  });

  it("the 64-number mask limit is a warning; --json is machine-readable", async () => {
    const r = await cli("lint", "--spec", join(FIX, "pv64-unguarded-hazard.json"), "--json");
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.out) as { rule: string; severity: string }[];
    expect(findings.some((f) => f.rule === "mask-word" && f.severity === "warning")).toBe(true);
  });

  it("bad input: exit 2", async () => {
    expect((await cli("lint", "--spec", "/nope.json")).code).toBe(2);
  });
});
