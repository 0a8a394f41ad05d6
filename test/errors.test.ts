/** Every error line a user sees passes formatProblem: untrusted text in it cannot drive the terminal, and long lists are cut. */
import { describe, expect, it } from "vitest";
import { formatProblem, LabError, MAX_PRINTED_PROBLEMS } from "../src/errors.js";

describe("LabError", () => {
  it("shows control characters of paths, messages and fixes as escapes; a message keeps its lines", () => {
    const e = new LabError(
      "io",
      [{ path: "trace:evil\u001b]0;owned\u0007.txt", message: "line 1: bad\u001b[2J\nline 2: \u009bworse" }],
      "remove \u001b[8mthis",
    );
    expect(e.message).toBe("trace:evil\\x1b]0;owned\\x07.txt: line 1: bad\\x1b[2J\nline 2: \\x9bworse");
    expect(e.fix).toBe("remove \\x1b[8mthis");
    expect(formatProblem({ path: "a\nb", message: "m" })).toBe("a\\x0ab: m");
    // The problems themselves are kept as they were (JSON output, workers).
    expect(e.problems[0]!.path).toBe("trace:evil\u001b]0;owned\u0007.txt");
  });

  it("prints at most MAX_PRINTED_PROBLEMS problems, then how many more", () => {
    const problems = Array.from({ length: 25 }, (_, i) => ({ path: `handlers[${i}]`, message: "bad" }));
    const lines = new LabError("spec-invalid", problems).message.split("\n");
    expect(MAX_PRINTED_PROBLEMS).toBe(20);
    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe("handlers[19]: bad");
    expect(lines[20]).toBe("... and 5 more problems");
    expect(new LabError("spec-invalid", problems.slice(0, 21)).message.split("\n")[20]).toBe("... and 1 more problem");
    expect(new LabError("spec-invalid", problems.slice(0, 20)).message.split("\n")).toHaveLength(20);
  });
});
