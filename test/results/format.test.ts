/**
 * The results format, pinned (issue #14): every version this lab has written
 * reads back, and the shape of what it writes now (every key path with its
 * JSON types) is a committed file. A change to an in-memory type that
 * changes results.json shows here as a diff of format/results@2.shape.txt: a
 * new field is added to docs/results.md (and the reader's schema,
 * results/persisted.ts); a changed meaning is a new schema version.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { RESULTS_SCHEMA, RESULTS_SCHEMA_V1, type Dataset, type RunRecord } from "../../src/model/results.js";
import type { PersistedDataset, PersistedRunRecord } from "../../src/results/persisted.js";
import { readResults } from "../../src/results/read.js";
import { writeResults } from "../../src/results/write.js";

const FIX = join(import.meta.dirname, "..", "fixtures");
const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-format-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Objects whose keys are data (strategy, workload, engine, file or tool names), not fields. */
const KEYED = [
  /\.modules$/,
  /\.workloads$/,
  /\.mitigations$/,
  /\.tool$/,
  /\.config\.inputs$/,
  /\.audit\.(dispatch|claims)$/,
  /^sweep\.options$/,
  /^runs\[\]\.engines$/,
];

const jsonType = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Every key path of a JSON value with the set of JSON types seen there; array items merged under `[]`, keyed objects under `{}`. */
function shape(value: unknown, path = "", out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const seen = out.get(path) ?? new Set<string>();
  seen.add(jsonType(value));
  out.set(path, seen);
  if (Array.isArray(value)) for (const item of value) shape(item, `${path}[]`, out);
  else if (value && typeof value === "object") {
    const keyed = KEYED.some((re) => re.test(path));
    for (const [k, v] of Object.entries(value)) shape(v, keyed ? `${path}{}` : path ? `${path}.${k}` : k, out);
  }
  return out;
}

const text = (m: Map<string, Set<string>>) =>
  `${[...m]
    .filter(([p]) => p)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, t]) => `${p}: ${[...t].sort().join(" | ")}`)
    .join("\n")}\n`;

describe("results format", () => {
  it("the in-memory types are the declared format, both ways (tsc checks this: npm run typecheck)", () => {
    // A run's answer sentences are made when it is written (exporters/json.ts): the only field the file has and memory does not.
    type StoredRun = Omit<PersistedRunRecord, "answers">;
    expectTypeOf<RunRecord>().toExtend<StoredRun>();
    expectTypeOf<StoredRun>().toExtend<RunRecord>();
    expectTypeOf<Omit<Dataset, "runs">>().toExtend<Omit<PersistedDataset, "runs">>();
    expectTypeOf<Omit<PersistedDataset, "runs">>().toExtend<Omit<Dataset, "runs">>();
    expectTypeOf<PersistedRunRecord["answers"]>().toEqualTypeOf<string[] | undefined>();
  });

  it("reads back every version written: results@1 (a run), results@2 (a run, a sweep of every kind, one in two engines, a merge)", () => {
    const files = {
      "report/results-a.json": ["run", 1, RESULTS_SCHEMA_V1],
      "report/results-b.json": ["run", 1, RESULTS_SCHEMA_V1],
      "format/run-v2.json": ["run", 1, RESULTS_SCHEMA],
      "format/merge-v2.json": ["merge", 2, RESULTS_SCHEMA],
      "report/sweep-position.json": ["sweep", 1, RESULTS_SCHEMA],
      "report/sweep-scale.json": ["sweep", 3, RESULTS_SCHEMA],
      "report/sweep-crossover.json": ["sweep", 4, RESULTS_SCHEMA],
      "report/sweep-body.json": ["sweep", 3, RESULTS_SCHEMA],
      "report/sweep-body-engines.json": ["sweep", 2, RESULTS_SCHEMA],
    } as const;
    for (const [file, [kind, runs, schema]] of Object.entries(files)) {
      const raw = JSON.parse(readFileSync(join(FIX, file), "utf8")) as { schema: string };
      expect(raw.schema, file).toBe(schema);
      const d = readResults(join(FIX, file));
      expect([d.schema, d.kind, d.runs.length], file).toEqual([RESULTS_SCHEMA, kind, runs]);
      expect(
        d.runs.every((r) => r.cells.length > 0 && r.summaries.length === r.cells.length),
        file,
      ).toBe(true);
    }
  });

  it("what it writes now has the pinned shape (a diff here is a format change: docs/results.md)", async () => {
    const written = [
      join(FIX, "format/run-v2.json"),
      join(FIX, "format/merge-v2.json"),
      join(FIX, "report/sweep-position.json"),
      join(FIX, "report/sweep-body.json"),
      // A sweep in two engines (node, bun): its curves carry `engine`.
      join(FIX, "report/sweep-body-engines.json"),
    ].map((file, i) => {
      const out = join(dir, String(i));
      writeResults(out, readResults(file));
      return JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as unknown;
    });
    const all = new Map<string, Set<string>>();
    for (const d of written) shape(d, "", all);
    await expect(text(all)).toMatchFileSnapshot(join(FIX, "format", "results@2.shape.txt"));
  });

  it("rewriting a file it read changes nothing (the format round-trips)", () => {
    const file = join(FIX, "format/run-v2.json");
    const out = join(dir, "again");
    writeResults(out, readResults(file));
    expect(readFileSync(join(out, "results.json"), "utf8")).toBe(readFileSync(file, "utf8"));
  });
});
