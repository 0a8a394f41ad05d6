/**
 * The inlining probe (run/trace-inlining.ts) under the running node: it
 * reads the trace, a module that traps does not stop it, and one that never
 * returns ends it at its time limit (the run then records the engine's
 * inlining as unread and measures on).
 */
import { describe, expect, it } from "vitest";
import { V8_INLINED } from "../../src/engines/kinds/v8.js";
import { traceInlining } from "../../src/run/trace-inlining.js";
import { nodeCommand } from "../engines/node-command.js";
import { misbehavingModule } from "./fixtures.js";

const stream = Int32Array.from({ length: 256 }, (_, i) => i % 7);
const traced = nodeCommand(["--no-liftoff", "--trace-wasm-inlining"]);

describe("the inlining probe", () => {
  it("runs every module it is given, a trapping one included, and counts inlined calls from the trace", async () => {
    const seen = await traceInlining(traced, [misbehavingModule("trap"), misbehavingModule("trapLater", 3)], stream, {
      inlined: V8_INLINED,
      ms: 100,
      timeoutMs: 20_000,
    });
    // Node 20's V8 inlines no wasm call by default.
    expect(seen).toEqual({ inlined: 0, examples: [], confirmed: false });
  });

  it("a module that never returns ends the probe at its limit, with the reason", async () => {
    await expect(traceInlining(traced, [misbehavingModule("hang")], stream, { inlined: V8_INLINED, ms: 100, timeoutMs: 1500 })).rejects.toThrow(
      /the inlining probe was killed by SIGKILL/,
    );
  });
});
