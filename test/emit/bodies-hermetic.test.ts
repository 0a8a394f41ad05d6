/**
 * A --bodies compile is hermetic: asc must not read the working folder's
 * asconfig.json, whose transform would run a stranger's code and whose
 * entries would be compiled into the body library.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadBodyLibrary } from "../../src/emit/bodies.js";

const BODY = (kind: string) => `export function ${kind}(seed: i64, n: i32): i64 { return seed + <i64>n; }\n`;

describe("--bodies compile", () => {
  const home = process.cwd();
  const dirs: string[] = [];
  afterEach(() => {
    process.chdir(home);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("ignores the working folder's asconfig.json: no transform runs, no entry is added", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-asconfig-"));
    dirs.push(dir);
    const marker = join(dir, "transform-ran");
    writeFileSync(
      join(dir, "evil.mjs"),
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\nexport default class {}\n`,
    );
    writeFileSync(join(dir, "extra.ts"), BODY("extra"));
    writeFileSync(join(dir, "mine.ts"), BODY("mine"));
    const config = { entries: ["./extra.ts"], options: { transform: ["./evil.mjs"] }, targets: { release: { transform: ["./evil.mjs"] } } };
    writeFileSync(join(dir, "asconfig.json"), JSON.stringify(config));

    process.chdir(dir);
    const library = await loadBodyLibrary(join(dir, "mine.ts"));

    expect(library.kinds).toContain("mine");
    expect(library.kinds).not.toContain("extra");
    expect(existsSync(marker)).toBe(false);
  });
});
