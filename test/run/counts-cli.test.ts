import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../cli-harness.js";

/**
 * --measure's bad input, before anything is built or counted (the real
 * counting is test/run/counter.test.ts, and .ci/run's two tiny counts runs).
 */
const tmp = () => mkdtempSync(join(tmpdir(), "dispatch-lab-counts-cli-"));
const TINY = ["run", "--spec", "synthetic:6,levels=2", "--strategies", "table", "--workloads", "uniform", "--cpu", "0"];

describe("dispatch-lab run --measure", () => {
  it("no valgrind: exit 2 naming the Debian package, nothing measured", async () => {
    const out = tmp();
    // valgrind is looked up on PATH; the lab itself runs in this process, so an empty PATH hides it.
    const r = await cli([...TINY, "--measure", "counts", "--out", out], { PATH: join(out, "empty") });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--measure counts: valgrind is not installed/);
    expect(r.err).toMatch(/apt-get install valgrind/);
  });

  it("an unknown measure (with the nearest), an empty list and a repeat are usage errors", async () => {
    const out = tmp();
    expect(await cli([...TINY, "--measure", "count", "--out", out])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown measure "count"\nfix: did you mean "counts"\?/),
    });
    expect(await cli([...TINY, "--measure", ",", "--out", out])).toMatchObject({ code: 2, err: expect.stringMatching(/no measure named/) });
    expect(await cli([...TINY, "--measure", "time,time", "--out", out])).toMatchObject({ code: 2, err: expect.stringMatching(/"time" given twice/) });
  });
});
