import { ExitCode, LabError } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { defineCommand } from "../command.js";
import { choice, text } from "../options.js";

export const reportCommand = defineCommand({
  name: "report",
  summary: "render results as one self-contained HTML file (charts inline) or Markdown tables",
  synopsis: "RESULTS...",
  arguments: [["RESULTS", "results.json files, or the folders run --out wrote (several machines: a heatmap too)"]],
  options: {
    format: choice({ placeholder: "F", help: "html or md (Markdown tables for a PR comment or $GITHUB_STEP_SUMMARY)", choices: ["html", "md"] }),
    out: text({ placeholder: "FILE", help: "where to write (default: report.html for html; stdout for md)" }),
  },
  notes: `The HTML opens from disk with no network: the fingerprint with every mitigation, the answers,
the summary table, bars with 95% CI whiskers per workload, and a machine x strategy heatmap of
ratios to the reference when the inputs come from several machines.`,
  async run(values, positionals, io) {
    if (positionals.length === 0)
      throw new LabError("usage", [{ path: "report", message: "no results given" }], "dispatch-lab report results/ [more results/...]");
    const { readResultsAt } = await import("../../results/read.js");
    const inputs = positionals.map(readResultsAt);
    const { renderHtml } = await import("../../report/html.js");
    const { renderMarkdown } = await import("../../report/markdown.js");
    const text = values.format === "html" ? renderHtml(inputs) : renderMarkdown(inputs);
    const out = values.out ?? (values.format === "html" ? "report.html" : undefined);
    if (!out) {
      io.out(text.trimEnd());
      return ExitCode.ok;
    }
    writeFileAtomic(out, text);
    io.out(`wrote ${out}`);
    return ExitCode.ok;
  },
});
