import { defineConfig } from "vitest/config";

// CLI tests spawn the built CLI (binaryen takes ~1 s to load) and --bodies
// tests compile AssemblyScript: generous per-test timeouts, no timing asserts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
