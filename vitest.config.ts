import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// test/global-setup.ts fails a run on a stale build and keeps every
// temporary folder under one root it removes.
//
// Workers: the default pool (forks; threads cannot chdir, which a --bodies
// test does), one per core and one more, rather than vitest's cores - 1 (a
// single worker on a 2-core machine): the slow files mostly wait on the
// processes they start and on their runs' time budgets (measured here, 2
// cores: 119 s with 2 workers, 75-84 s with 3, 73 s with 4). Files share their worker's modules (isolate: false), so binaryen
// and the rest load once per worker, not once per file; tests therefore
// leave no process-wide state behind (test/cli-harness.ts restores what
// the CLI touches).
//
// A few end-to-end tests spawn the built CLI and measure for real, and
// --bodies tests compile AssemblyScript: generous per-test timeouts, no
// timing asserts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    maxWorkers: availableParallelism() + 1,
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
