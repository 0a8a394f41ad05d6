/**
 * The child side of checkInProcess (check-in-process.ts), in any engine
 * (node, deno, bun): read the job's lines from stdin, check each module in
 * turn, and write each result as a marked line as soon as it is done. Each
 * line is flushed before the next module starts, so a later module whose
 * body loops (and is killed) does not hold back the results before it. A
 * check that throws other than a trap (a module that does not compile) ends
 * the child after an error line. Imports nothing outside the lab's own files
 * and node: builtins: every engine runs it from dist/ as it is.
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { checkModule } from "../check/check.js";
import { decodeCheckJob, encodeCheckReply, jobLines, type CheckReply } from "../check/wire.js";
import { guardSelf } from "../run/launcher.js";
import { MARK } from "../run/protocol.js";

guardSelf();

const send = (reply: CheckReply): Promise<void> => new Promise((resolve) => process.stdout.write(`${MARK}${encodeCheckReply(reply)}\n`, () => resolve()));

async function checkAll(lines: string[]): Promise<void> {
  try {
    const { spec, modules, cases } = decodeCheckJob(lines);
    for (const module of modules) await send({ type: "result", result: checkModule(spec, module, cases) });
  } catch (e) {
    await send({ type: "error", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    process.exit(1);
  }
  process.exit(0);
}

const lines: string[] = [];
let expected = Number.POSITIVE_INFINITY;
const input = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
input.on("line", (line) => {
  if (lines.length === 0) {
    try {
      expected = jobLines(line);
    } catch {
      expected = 1; // not a job: decoding it says why
    }
  }
  lines.push(line);
  if (lines.length === expected) {
    input.close();
    void checkAll(lines);
  }
});
// stdin closed before the whole job came: decoding says what is missing.
input.on("close", () => {
  if (lines.length < expected) void checkAll(lines);
});
