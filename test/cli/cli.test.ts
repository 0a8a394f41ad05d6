import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { optionLabel } from "../../src/cli/help.js";
import { main } from "../../src/cli/main.js";
import { EXIT_CODES } from "../../src/errors.js";

/** The built CLI, as users run it (npm test builds dist/ first): only for what a process adds (the bin, its exit status). */
const BIN = join(import.meta.dirname, "..", "..", "dist", "src", "cli", "main.js");

function spawnCli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** main() in-process, its output captured: the same boundary the bin runs. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: `${out.join("\n")}\n`, err: err.join("\n") };
}

const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-"));

function specFile(content: unknown): string {
  const file = join(tmp(), "spec.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("the bin", () => {
  it("runs main and exits with its code", async () => {
    const help = spawnCli("--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("Exit codes:");
    const bad = spawnCli("check", "--timeout", "0");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('error: --timeout: "0" is not an integer in 1..86400');
  });
});

describe("dispatch-lab CLI", () => {
  it("--help lists commands, strategies and exit codes", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    for (const word of [
      "run",
      "sweep",
      "report",
      "merge",
      "compare",
      "gate",
      "emit",
      "check",
      "lint",
      "import",
      "table",
      "chain",
      "xen",
      "switch",
      "bsearch",
      "hybrid",
      "direct",
      "xen-unguarded",
      "Exit codes",
    ])
      expect(r.out).toContain(word);
    for (const e of EXIT_CODES) expect(r.out.replace(/\s+/g, " ")).toContain(`${e.code} ${e.brief}`);
  });

  it("no command: the main help, exit 2", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.out).toContain("Usage: dispatch-lab <command>");
  });

  it.each(Object.keys(commands))("%s --help documents every option of its table and its exit codes", async (name) => {
    const r = await cli(name, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: dispatch-lab ${name}`);
    const cmd = commands[name]!;
    for (const [option, def] of Object.entries(cmd.options)) expect(r.out).toMatch(new RegExp(`\\n  ${optionLabel(option, def).replace(/[[\]]/g, "\\$&")}  `));
    expect(r.out.replace(/\s+/g, " ")).toMatch(/Exit codes: 0 [^.]*, 2 usage or input error, /);
  });

  it("check on the default spec passes and prints each audit", async () => {
    const r = await cli("check", "--random", "200");
    expect(r.code).toBe(0);
    expect(r.out).toContain("spec xen-pv64 (41 handlers, 5 args)");
    expect(r.out).toMatch(/table\s+\d+\s+0\s+\d+\s+call_indirect 1/);
    expect(r.out).toMatch(/switch\s+\d+\s+0\s+\d+\s+call 41, br_table 1/);
    expect(r.out).toContain("all 7 strategies dispatch identically");
  });

  it("check --strategies xen-unguarded shows 65 and 87 routed to iret, exit 1", async () => {
    const r = await cli("check", "--spec", "xen:pv64", "--strategies", "xen-unguarded");
    expect(r.code).toBe(1);
    expect(r.out).toContain("calls went to: iret (23)");
    expect(r.out).toMatch(/op 65 args .* -> routed to iret \(23\)/);
    expect(r.out).toMatch(/op 87 args .* -> routed to iret \(23\)/);
  });

  it("check --json is machine-readable", async () => {
    const r = await cli("check", "--spec", "xen:arm", "--random", "10", "--json");
    const report = JSON.parse(r.out) as { spec: string; results: { strategy: string; mismatches: number }[] };
    expect(report.spec).toBe("xen-arm");
    expect(report.results.every((x) => x.mismatches === 0)).toBe(true);
  });

  it("emit --wat writes .wasm, .wat and manifest.json per strategy", async () => {
    const out = join(tmp(), "mods");
    const r = await cli("emit", "--spec", "xen:hvm64", "--strategies", "chain,table", "--wat", "--out", out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["chain.wasm", "chain.wat", "manifest.json", "table.wasm", "table.wat"]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.spec.name).toBe("xen-hvm64");
    expect(manifest.spec.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.modules[0]).toMatchObject({ strategy: "chain", file: "chain.wasm", audit: { violations: [] } });
    expect(manifest.toolVersions).toHaveProperty("binaryen");
    expect(WebAssembly.validate(readFileSync(join(out, "table.wasm")))).toBe(true);
  });
});

describe("bad input: exit 2, one line per problem, nothing written", () => {
  const bad: [string, unknown, string[]][] = [
    ["not JSON", "{ nope", ["not valid JSON"]],
    ["missing handlers", { name: "x" }, ["handlers"]],
    ["an id outside 0..65535", { name: "x", handlers: [{ id: 70000, name: "a" }] }, ["handlers[0].id: 70000 is outside 0..65535"]],
    [
      "duplicate ids and names",
      {
        name: "x",
        handlers: [
          { id: 1, name: "a" },
          { id: 1, name: "a" },
        ],
      },
      ["handlers[1].id", "handlers[1].name"],
    ],
    ["a priority outside 1..99", { name: "x", handlers: [{ id: 1, name: "a", priority: 100 }] }, ["handlers[0].priority"]],
    ["more params than args", { name: "x", args: 1, handlers: [{ id: 1, name: "a", params: ["i64", "i64"] }] }, ["handlers[0].params"]],
    ["an unknown param type", { name: "x", handlers: [{ id: 1, name: "a", params: ["f64"] }] }, ["handlers[0].params[0]"]],
    ["args outside 0..6", { name: "x", args: 7, handlers: [{ id: 1, name: "a" }] }, ["args"]],
    ["wrong types", { name: 3, handlers: [{ id: "1", name: "a" }] }, ["name", "handlers[0].id"]],
    [
      "an unknown body kind",
      { name: "x", handlers: [{ id: 1, name: "a", body: { kind: "sleep" } }] },
      ['handlers[0].body.kind: "sleep" is not provided by any body library (available: noop, alu, mem)'],
    ],
  ];

  it.each(bad)("%s", async (_what, content, expected) => {
    const out = join(tmp(), "never");
    const r = await cli("emit", "--spec", specFile(content), "--out", out);
    expect(r.code).toBe(2);
    for (const e of expected) expect(r.err).toContain(e);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it("more than 4096 handlers", async () => {
    const handlers = Array.from({ length: 4097 }, (_, i) => ({ id: i, name: `h${i}` }));
    const r = await cli("check", "--spec", specFile({ name: "x", handlers }));
    expect(r.code).toBe(2);
    expect(r.err).toContain("handlers");
  });

  it("an unknown strategy lists the valid ones", async () => {
    const r = await cli("check", "--strategies", "table,bogus");
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown strategy "bogus"');
    expect(r.err).toContain("valid strategies: table, chain, xen, switch, bsearch, hybrid, direct, xen-unguarded");
  });

  it("a missing spec file, an unknown option, an unknown command", async () => {
    expect((await cli("check", "--spec", "/nonexistent.json")).code).toBe(2);
    const opt = await cli("check", "--bogus");
    expect(opt.code).toBe(2);
    expect(opt.err).toContain("--bogus");
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("emit")).err).toContain("--out: required");
  });

  it("an --out that is a file: exit 2 with the path, not a stack trace", async () => {
    const file = join(tmp(), "plain-file");
    writeFileSync(file, "");
    const r = await cli("emit", "--strategies", "chain", "--out", join(file, "mods"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot write");
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe("--bodies FILE", () => {
  it("compiles a user's AssemblyScript bodies and links them", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "mine.ts"),
      "export function spin(seed: i64, n: i32): i64 { let x = seed; for (let i = 0; i < n; i++) x = (x ^ (x >>> 7)) * 0x9E3779B97F4A7C15; return x; }\n",
    );
    const spec = specFile({
      name: "mine",
      args: 2,
      handlers: [
        { id: 0, name: "a", body: { kind: "spin", ops: 4 } },
        { id: 1, name: "b", body: { kind: "alu", ops: 2 } },
        { id: 2, name: "c" },
      ],
    });
    const r = await cli("check", "--spec", spec, "--bodies", join(dir, "mine.ts"), "--random", "50");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("rejects a body with the wrong signature, and a compile error, with exit 2", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "bad.ts"), "export function half(x: i32): i32 { return x >> 1; }\n");
    const spec = specFile({ name: "x", handlers: [{ id: 0, name: "a", body: { kind: "half" } }] });
    const r = await cli("check", "--spec", spec, "--bodies", join(dir, "bad.ts"));
    expect(r.code).toBe(2);
    expect(r.err).toContain('export "half" is (i32) -> i32; a body must be (seed: i64, n: i32) -> i64');
    writeFileSync(join(dir, "broken.ts"), "export function f(seed: i64, n: i32): i64 { return nope; }\n");
    const c = await cli("check", "--spec", spec, "--bodies", join(dir, "broken.ts"));
    expect(c.code).toBe(2);
    expect(c.err).toContain("AssemblyScript compile failed");
  });
});

describe("$GITHUB_STEP_SUMMARY", () => {
  const A = join(import.meta.dirname, "..", "fixtures", "report", "results-a.json");
  afterEach(() => vi.unstubAllEnvs());

  it("gate appends its Markdown summary", async () => {
    const summary = join(tmp(), "summary.md");
    vi.stubEnv("GITHUB_STEP_SUMMARY", summary);
    const r = await cli("gate", "--current", A, "--assert", "chain < table @ xen:pv-guest-build");
    expect(r.code).toBe(0);
    expect(readFileSync(summary, "utf8")).toMatch(/^### dispatch-lab gate: PASS [\s\S]*: pass \| pass \|\n/);
  });

  it("a summary that cannot be appended to (a folder) is an I/O error naming it: exit 2, not 70", async () => {
    const folder = join(tmp(), "summary.md");
    mkdirSync(folder);
    vi.stubEnv("GITHUB_STEP_SUMMARY", folder);
    const r = await cli("gate", "--current", A, "--assert", "chain < table @ xen:pv-guest-build");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error: ${folder}: cannot append the summary: EISDIR`);
    expect(r.err).toContain("fix: GITHUB_STEP_SUMMARY must name a writable file");
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
