import { ExitCode, LabError } from "../../errors.js";
import { enginesRoot } from "../../engines/cache.js";
import { installedEngines } from "../../engines/installed.js";
import { installEngine } from "../../engines/install.js";
import { resolveEngines } from "../../engines/resolve.js";
import { parseEngines } from "../../model/engines.js";
import { escapeTerminal } from "../../text/escape.js";
import { didYouMean, nearest } from "../../suggest.js";
import { defineCommand, table } from "../command.js";

const ACTIONS = ["list", "install", "path"] as const;

export const enginesCommand = defineCommand({
  name: "engines",
  summary: "list the engines cells can run in, or install more (Node majors, Deno, Bun) from the npm registry",
  synopsis: "list | install ENGINE... | path ENGINE",
  arguments: [
    ["list", "the running node and every installed engine: name, version, VM (V8 or JavaScriptCore), binary"],
    ["install ENGINE...", "node@MAJOR (e.g. node@24), deno, bun, optionally @VERSION: the newest published version each admits"],
    ["path ENGINE", "the binary an engine name resolves to, as run, sweep and check would pick it (for scripts: CI runs the suite under it)"],
  ],
  options: {},
  notes: `Engines come from the npm packages that ship their binaries (node-<platform>-<arch>,
@deno/<platform>, @oven/bun-<platform>), fetched by npm and unpacked into the per-user cache
($DISPATCH_LAB_CACHE, else $XDG_CACHE_HOME/dispatch-lab, else ~/.cache/dispatch-lab), one
folder per exact version with the package, its integrity hash and the VM version recorded.
An engine already installed is not fetched again. Offline, install exits 2 naming the problem;
a binary you have already needs no install: --engine-path NAME=PATH on run, sweep and check.`,
  async run(_values, positionals, io) {
    const [action, ...names] = positionals;
    if (action !== "list" && action !== "install" && action !== "path")
      throw new LabError(
        "usage",
        [{ path: "engines", message: action ? `"${action}" is not list, install or path` : "say list, install or path" }],
        `${action ? didYouMean([nearest(action, ACTIONS)]) : ""}dispatch-lab engines list | install node@24 deno bun | path node@24`,
      );
    if (action === "path") {
      if (names.length !== 1) throw new LabError("usage", [{ path: "engines path", message: "name one engine" }], "dispatch-lab engines path node@24");
      io.out(resolveEngines(parseEngines(names, "engines path"), new Map(), process.env, "engines path")[0]!.path);
      return ExitCode.ok;
    }
    if (action === "list") {
      if (names.length) throw new LabError("usage", [{ path: "engines list", message: "takes no arguments" }], "dispatch-lab engines list");
      const rows = [
        ["node", process.versions.node, `V8 ${process.versions.v8}`, `${process.execPath} (running)`],
        ...installedEngines().map((e) => [`${e.kind}@${e.version}`, e.version, e.vm, e.path]),
      ];
      io.out(table([["engine", "version", "vm", "binary"], ...rows.map((r) => r.map(escapeTerminal))]));
      io.out(`\ncache: ${escapeTerminal(enginesRoot())}`);
      return ExitCode.ok;
    }
    if (names.length === 0)
      throw new LabError("usage", [{ path: "engines install", message: "no engine named" }], "dispatch-lab engines install node@24 deno bun");
    const refs = parseEngines(names, "engines install");
    const running = refs.find((r) => r.kind === "node" && r.version === null);
    if (running)
      throw new LabError(
        "usage",
        [{ path: "engines install", message: "node is the node running the lab: name a major" }],
        "dispatch-lab engines install node@24",
      );
    for (const ref of refs) {
      const { engine, fresh } = await installEngine(ref, (line) => io.err(escapeTerminal(line)));
      io.out(`${fresh ? "installed" : "already installed"}: ${ref.name} = ${engine.kind} ${engine.version} (${engine.vm}) at ${escapeTerminal(engine.path)}`);
    }
    return ExitCode.ok;
  },
});
