// A runner stand-in for test/run/limits.test.ts: starts one child under the
// given orphan guard, prints its pid, and asks it to init a module whose
// `run` never returns. The test SIGKILLs this process during that batch.
import { readFileSync } from "node:fs";
import { LIMIT_FLAGS } from "../../dist/src/engines/kinds/v8.js";
import { CellProcess } from "../../dist/src/run/cell-process.js";

const [modulePath, guard] = process.argv.slice(2);
const proc = new CellProcess({ binary: process.execPath, args: [...LIMIT_FLAGS, "--no-liftoff"], env: {} }, 0, undefined, guard);
process.stdout.write(`${proc.pid}\n`);
const stream = Int32Array.from({ length: 64 }, (_, i) => i % 3);
await proc.init(
  { type: "init", cell: "hang", module: new Uint8Array(readFileSync(modulePath)), stream, targetSampleMs: 1, maxWarmupMs: 10, maxSampleMs: 100 },
  { loadMs: 600_000, calibrateMs: 600_000 },
);
