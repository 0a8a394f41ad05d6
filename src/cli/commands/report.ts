import { LabError } from "../../errors.js";
import { writeFileAtomic } from "../../io.js";
import { readResultsAt } from "../../results/read.js";
import { str, type Command } from "../command.js";

export const reportCommand: Command = {
  name: "report",
  summary: "render results as one self-contained HTML file (charts inline) or Markdown tables",
  usage: "dispatch-lab report RESULTS... [--format html|md] [--out FILE]",
  help: `Arguments:
  RESULTS           results.json files, or the folders run --out wrote (several machines: a heatmap too)
Options:
  --format F        html (default) or md (Markdown tables for a PR comment or $GITHUB_STEP_SUMMARY)
  --out FILE        where to write (default: report.html for html; stdout for md)

The HTML opens from disk with no network: the fingerprint with every mitigation, the answers,
the summary table, bars with 95% CI whiskers per workload, and a machine x strategy heatmap of
ratios to the reference when the inputs come from several machines.`,
  positionals: true,
  options: {
    format: { type: "string" },
    out: { type: "string" },
  },
  async run(values, positionals, io) {
    if (positionals.length === 0) throw new LabError("usage", [{ path: "report", message: "no results given" }], "dispatch-lab report results/ [more results/...]");
    const format = str(values, "format") ?? "html";
    if (format !== "html" && format !== "md") throw new LabError("usage", [{ path: "--format", message: `"${format}" is not html or md` }]);
    const inputs = positionals.map(readResultsAt);
    const { renderHtml } = await import("../../report/html.js");
    const { renderMarkdown } = await import("../../report/markdown.js");
    const text = format === "html" ? renderHtml(inputs) : renderMarkdown(inputs);
    const out = str(values, "out") ?? (format === "html" ? "report.html" : undefined);
    if (!out) {
      io.out(text.trimEnd());
      return 0;
    }
    writeFileAtomic(out, text);
    io.out(`wrote ${out}`);
    return 0;
  },
};
