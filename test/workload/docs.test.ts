import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { loadSpec } from "../../src/spec/load.js";
import { DEFAULT_STREAM_LENGTH, defaultWorkloads, listWorkloads } from "../../src/workload/index.js";
import { XEN_PROFILES, readProfile } from "../../src/workload/xen.js";

const doc = readFileSync(`${packageRoot}/docs/workloads.md`, "utf8");

describe("docs/workloads.md", () => {
  it("documents every kind and every default", () => {
    for (const w of listWorkloads()) expect(doc, w.syntax).toContain(`\`${w.syntax}\``);
    for (const spec of ["xen:pv64", "xen:hvm64", "synthetic:8"])
      for (const name of defaultWorkloads(loadSpec(spec))) expect(doc, name).toContain(`\`${name}\``);
    expect(doc).toContain(`**${DEFAULT_STREAM_LENGTH}**`);
  });

  it("quotes each profile's total and top share as the data has them", () => {
    for (const p of XEN_PROFILES) {
      const rows = readProfile(p).sort((a, b) => Number(b.count - a.count));
      const total = rows.reduce((a, r) => a + r.count, 0n);
      const row = doc.split("\n").find((l) => l.startsWith(`| \`xen:${p.profile}\` |`)) ?? "";
      expect(row, p.profile).toContain(Number(total).toLocaleString("en-US"));
      expect(row, p.profile).toContain(`\`${rows[0]!.hypercall}\` ${((Number(rows[0]!.count) / Number(total)) * 100).toFixed(2)}%`);
    }
  });
});
