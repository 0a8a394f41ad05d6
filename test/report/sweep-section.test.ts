import { describe, expect, it } from "vitest";
import type { BodyAnalysis, CrossoverAnalysis, Estimate, PositionAnalysis, ScaleAnalysis, SweepAnalysis, SweepRecord } from "../../src/model/sweep.js";
import { bodyChart, crossoverChart, integerTicks, legendLayout, positionChart, ratioTicks, scaleChart } from "../../src/report/sweep-charts.js";
import { sweepSectionHtml, sweepSectionMarkdown, sweepTables } from "../../src/report/sweep-section.js";

const count = (text: string, needle: string | RegExp): number =>
  typeof needle === "string" ? text.split(needle).length - 1 : (text.match(new RegExp(needle.source, "g")) ?? []).length;

const est = (value: number, ciLow: number, ciHigh: number): Estimate => ({ value, ciLow, ciHigh });

const lineFit = (intercept: number, slope: number, n: number) => ({
  slope,
  intercept,
  r2: 0.99,
  residualSd: 0.012,
  n,
  slopeCI: [slope - 0.1, slope + 0.1] as [number, number],
  interceptCI: [intercept - 0.2, intercept + 0.2] as [number, number],
  paired: true,
});

const position: PositionAnalysis = {
  kind: "position",
  spec: "xen-16",
  curves: [
    {
      strategy: "chain",
      tier: "turbofan",
      points: [
        { position: 1, handler: "timer", id: 3, net: est(1, 0.9, 1.1) },
        { position: 2, handler: "ipi", id: 1, net: est(1.5, 1.4, 1.6) },
        { position: 3, handler: "evtchn", id: 7, net: est(2, 1.9, 2.1) },
      ],
      fit: lineFit(0.5, 0.5, 3),
    },
    {
      strategy: "table",
      tier: "turbofan",
      points: [
        { position: 1, handler: "timer", id: 3, net: est(2, 1.9, 2.1) },
        { position: 2, handler: "ipi", id: 1, net: est(2.1, 2, 2.2) },
        { position: 3, handler: "evtchn", id: 7, net: null },
      ],
      fit: null,
    },
  ],
  sentences: ["chain costs 0.50 ns per position; chain < table up to position 3"],
};

const scale: ScaleAnalysis = {
  kind: "scale",
  reference: "table",
  curves: [
    {
      strategy: "table",
      workload: "uniform",
      tier: "turbofan",
      points: [8, 16, 32].map((n) => ({ n, spec: `n${n}`, net: est(2, 1.9, 2.1), gross: est(3, 2.9, 3.1), ratio: est(1, 1, 1) })),
    },
    {
      strategy: "chain",
      workload: "uniform",
      tier: "turbofan",
      points: [
        { n: 8, spec: "n8", net: est(1, 0.9, 1.1), gross: est(2, 1.9, 2.1), ratio: est(0.67, 0.6, 0.7) },
        { n: 16, spec: "n16", net: est(3, 2.8, 3.2), gross: est(4, 3.9, 4.1), ratio: est(1.33, 1.3, 1.4) },
        { n: 32, spec: "n32", net: null, gross: null, ratio: null },
      ],
    },
  ],
  sentences: ["chain grows with N; table stays flat"],
};

const crossover: CrossoverAnalysis = {
  kind: "crossover",
  a: "chain",
  b: "table",
  curves: [
    {
      variable: "n",
      axis: "N (handlers)",
      held: "uniform",
      tier: "turbofan",
      result: {
        points: [
          { x: 4, ratio: 0.8, ciLow: 0.75, ciHigh: 0.85, winner: "a" },
          { x: 8, ratio: 0.95, ciLow: 0.92, ciHigh: 0.98, winner: "a" },
          { x: 16, ratio: 1, ciLow: 0.97, ciHigh: 1.03, winner: "tie" },
          { x: 32, ratio: 1.3, ciLow: 1.25, ciHigh: 1.35, winner: "b" },
        ],
        crossings: [{ from: "a", to: "b", estimate: 12, low: 9, high: 20, conclusive: true }],
        throughout: null,
      },
      sentence: "chain is faster below N = 12 [9, 20].",
    },
    {
      variable: "zipf",
      axis: "zipf S (0 = uniform)",
      held: "xen-16",
      tier: "turbofan",
      result: {
        points: [
          { x: 0, ratio: 0.9, ciLow: 0.88, ciHigh: 0.92, winner: "a" },
          { x: 1.5, ratio: 0.7, ciLow: 0.68, ciHigh: 0.72, winner: "a" },
        ],
        crossings: [],
        throughout: "a",
      },
      sentence: "chain is faster throughout.",
    },
  ],
  sentences: ["chain and table cross at N = 12 [9, 20]", "chain is faster at every skew"],
};

const body: BodyAnalysis = {
  kind: "body",
  reference: "table",
  curves: [
    {
      strategy: "table",
      workload: "uniform",
      tier: "turbofan",
      points: [0, 8, 64].map((ops) => ({
        ops,
        callNs: est(2 + ops, 1.9 + ops, 2.1 + ops),
        share: est(0.5 / (1 + ops), 0.45 / (1 + ops), 0.55 / (1 + ops)),
        vsReference: est(0, 0, 0),
      })),
    },
    {
      strategy: "chain",
      workload: "uniform",
      tier: "turbofan",
      points: [
        { ops: 0, callNs: est(2, 1.9, 2.1), share: est(0.4, 0.38, 0.42), vsReference: est(-0.1, -0.12, -0.08) },
        { ops: 8, callNs: est(10, 9.9, 10.1), share: est(0.05, 0.04, 0.06), vsReference: est(-0.01, -0.02, 0) },
        { ops: 64, callNs: est(66, 65, 67), share: null, vsReference: null },
      ],
    },
  ],
  sentences: ["above 8 ops the dispatch is < 5% of the call"],
};

const record = (analysis: SweepAnalysis | null, kind = analysis?.kind ?? "position"): SweepRecord => ({ kind, options: {}, points: [], order: [], analysis });

const noNet = (a: PositionAnalysis): PositionAnalysis => ({
  ...a,
  curves: a.curves.map((c) => ({ ...c, points: c.points.map((p) => ({ ...p, net: null })) })),
});

/** The accessibility contract every chart keeps (charts.ts): root <svg> with data-chart, role, aria-label, title; no URL. */
function expectChart(svg: string | null, kind: string, title: string): string {
  expect(svg).not.toBeNull();
  const s = svg!;
  expect(s).toMatch(new RegExp(`^<svg[^>]*data-chart="${kind}"`));
  expect(s).toMatch(/^<svg[^>]*role="img"/);
  expect(s).toContain(`aria-label="${title}"`);
  expect(s).toContain(`<title>${title}</title>`);
  expect(s).not.toContain("http");
  return s;
}

describe("axis helpers", () => {
  it("thins integer ticks to at most the asked count", () => {
    expect(integerTicks(1, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(integerTicks(1, 64, 16)).toEqual([1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57, 61]);
  });

  it("steps ratio ticks linearly over a narrow range", () => {
    expect(ratioTicks(0.73, 1.38)).toEqual([0.8, 0.9, 1, 1.1, 1.2, 1.3]);
  });

  it("steps ratio ticks by 1-2-5 decades over a wide range", () => {
    expect(ratioTicks(0.04, 30)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]);
  });

  it("wraps legend items that would pass the right edge", () => {
    const items = legendLayout(["alpha", "beta", "gamma"], ["#1", "#2", "#3"], 10, 150);
    expect(items.map((i) => [i.x, i.row])).toEqual([
      [10, 0],
      [79, 0],
      [10, 1],
    ]);
  });
});

describe("positionChart", () => {
  it("is an accessible svg with one dot per point with data", () => {
    const svg = expectChart(positionChart(position), "position", "Net ns per dispatch by position in dispatch order, xen-16");
    expect(count(svg, "<circle")).toBe(5);
  });

  it("labels both axes with their units", () => {
    const svg = positionChart(position)!;
    expect(svg).toContain("position in dispatch order (1 = first compare)");
    expect(svg).toContain("net ns per dispatch (95% CI)");
  });

  it("draws the fitted line with its equation as tooltip", () => {
    expect(positionChart(position)).toContain("<title>chain fit: 0.50 + 0.500 ns x position, r² 0.990</title>");
  });

  it("has a legend with one swatch per strategy", () => {
    const legend = positionChart(position)!.split('aria-label="legend"')[1]!;
    expect(count(legend, "<rect")).toBe(2);
    expect(legend).toContain(">chain</text>");
    expect(legend).toContain(">table</text>");
  });

  it("puts the numbers in each dot's tooltip", () => {
    expect(positionChart(position)).toContain("<title>chain, position 2 (ipi): 1.50 [1.40, 1.60] ns</title>");
  });

  it("is null when no point has data", () => {
    expect(positionChart(noNet(position))).toBeNull();
  });

  it("is null for a tier the analysis does not have", () => {
    expect(positionChart(position, "liftoff")).toBeNull();
  });
});

describe("scaleChart", () => {
  it("is an accessible svg with a dot per point with data and a tick per N", () => {
    const svg = expectChart(scaleChart(scale, "uniform"), "scale", "Net ns per dispatch against N, uniform");
    expect(count(svg, "<circle")).toBe(5);
    for (const n of ["8", "16", "32"]) expect(svg).toContain(`>${n}</text>`);
  });

  it("draws a CI band per strategy", () => {
    expect(count(scaleChart(scale, "uniform")!, /aria-label="area"/)).toBe(1);
  });

  it("is null for a workload with no curve", () => {
    expect(scaleChart(scale, "skewed")).toBeNull();
  });
});

describe("crossoverChart", () => {
  const names = { a: "chain", b: "table" };
  const curve = crossover.curves[0]!;

  it("is an accessible svg with a dot per point", () => {
    const svg = expectChart(crossoverChart(curve, names), "crossover", "chain / table gross ratio along N (handlers), uniform (turbofan)");
    expect(count(svg, "<circle")).toBe(4);
  });

  it("labels the ratio axis with its direction", () => {
    expect(crossoverChart(curve, names)).toContain("chain / table gross ratio, &lt; 1: chain faster");
  });

  it("shades each crossing's interval and marks its estimate with a dashed rule", () => {
    const svg = crossoverChart(curve, names)!;
    const band = "<title>chain → table at 12 [9, 20], conclusive</title>";
    expect(count(svg, band)).toBe(2);
    expect(svg).toContain('stroke-dasharray="4,3"');
  });

  it("draws ties as hollow dots", () => {
    const svg = crossoverChart(curve, names)!;
    expect(svg).toMatch(/fill="none"[^>]*aria-label="dot"><circle[^>]*><title>N \(handlers\) 16: 1\.000 \[0\.970, 1\.030\], tie<\/title>/);
  });

  it("is null when the curve has no point", () => {
    expect(crossoverChart({ ...curve, result: { points: [], crossings: [], throughout: null } }, names)).toBeNull();
  });
});

describe("bodyChart", () => {
  it("is an accessible svg with a dot per point with data, 0 ops included", () => {
    const svg = expectChart(bodyChart(body, "uniform"), "body", "Dispatch share of the whole call by body size, uniform");
    expect(count(svg, "<circle")).toBe(5);
    expect(svg).toContain(">0</text>");
  });

  it("shows the share in percent with a dashed rule at 1%", () => {
    const svg = bodyChart(body, "uniform")!;
    expect(svg).toContain("<title>chain, 8 ops: 5.00 [4.00, 6.00] % of the call</title>");
    expect(svg).toContain('stroke-dasharray="4,3"');
  });

  it("is null when no point has a share", () => {
    const empty: BodyAnalysis = { ...body, curves: body.curves.map((c) => ({ ...c, points: c.points.map((p) => ({ ...p, share: null })) })) };
    expect(bodyChart(empty, "uniform")).toBeNull();
  });
});

describe("sweepSectionHtml", () => {
  it("names the kind in the heading", () => {
    expect(sweepSectionHtml(record(position))).toContain("<h2>Position sweep</h2>");
    expect(sweepSectionHtml(record(scale))).toContain("<h2>Scaling sweep</h2>");
    expect(sweepSectionHtml(record(crossover))).toContain("<h2>Crossover sweep</h2>");
    expect(sweepSectionHtml(record(body))).toContain("<h2>Body-cost sweep</h2>");
  });

  it("lists the sentences, escaped", () => {
    expect(sweepSectionHtml(record(position))).toContain(
      '<ul class="sentences"><li>chain costs 0.50 ns per position; chain &lt; table up to position 3</li></ul>',
    );
  });

  it("puts each chart in a figure with a caption", () => {
    const html = sweepSectionHtml(record(crossover));
    expect(count(html, /<figure><svg[^>]*data-chart="crossover"/)).toBe(2);
    expect(count(html, "<figcaption>")).toBe(2);
  });

  it("has a position row per strategy with the fit and its CIs", () => {
    const html = sweepSectionHtml(record(position));
    expect(html).toContain(
      '<tr><td>chain</td><td>turbofan</td><td class="num">0.500 [0.400, 0.600]</td><td class="num">0.50 [0.30, 0.70]</td><td class="num">0.990</td><td class="num">0.012</td><td class="num">3</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>table</td><td>turbofan</td><td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="num">2</td></tr>',
    );
  });

  it("has a scale column per N and a dash for a point without data", () => {
    const html = sweepSectionHtml(record(scale));
    expect(html).toContain("<th>N=8</th><th>N=16</th><th>N=32</th>");
    expect(html).toContain(
      '<tr><td>uniform</td><td>chain</td><td>turbofan</td><td class="num">1.00 [0.90, 1.10]</td><td class="num">3.00 [2.80, 3.20]</td><td class="num">–</td></tr>',
    );
  });

  it("lists a crossing with its interval and verdict", () => {
    expect(sweepSectionHtml(record(crossover))).toContain(
      '<tr><td>chain → table</td><td class="num">12</td><td class="num">[9, 20]</td><td>conclusive</td></tr>',
    );
  });

  it("has a crossings table only for curves that cross", () => {
    expect(count(sweepSectionHtml(record(crossover)), "<h3>Crossings")).toBe(1);
  });

  it("has a body row per strategy and ops, shares in percent", () => {
    const html = sweepSectionHtml(record(body));
    expect(count(html, "<tr><td>uniform</td>")).toBe(6);
    expect(html).toContain(
      '<tr><td>uniform</td><td>chain</td><td>turbofan</td><td class="num">8</td><td class="num">10.00 [9.90, 10.10]</td><td class="num">5.00 [4.00, 6.00]</td><td class="num">-1.00 [-2.00, 0.00]</td></tr>',
    );
  });

  it("says the analysis is missing for an incomplete sweep", () => {
    expect(sweepSectionHtml(record(null, "scale"))).toBe(
      '<section class="sweep" data-sweep="scale">\n<h2>Scaling sweep</h2>\n<p class="muted">the sweep has no analysis yet (incomplete)</p>\n</section>',
    );
  });
});

describe("sweepSectionMarkdown", () => {
  it("lists the sentences, escaped", () => {
    expect(sweepSectionMarkdown(record(body))).toContain("- above 8 ops the dispatch is \\< 5% of the call\n");
  });

  it("renders the position table with a row per strategy", () => {
    expect(sweepSectionMarkdown(record(position))).toContain(
      [
        "| strategy | tier | slope ns/position [95% CI] | intercept ns [95% CI] | r² | residual sd ns | points |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        "| chain | turbofan | 0.500 [0.400, 0.600] | 0.50 [0.30, 0.70] | 0.990 | 0.012 | 3 |",
        "| table | turbofan | – | – | – | – | 2 |",
      ].join("\n"),
    );
  });

  it("renders the crossover tables, one crossing row", () => {
    const md = sweepSectionMarkdown(record(crossover));
    expect(md).toContain("| chain → table | 12 | [9, 20] | conclusive |");
    expect(md).toContain("| 16 | 1.000 [0.970, 1.030] | tie |");
  });

  it("has no chart", () => {
    expect(sweepSectionMarkdown(record(scale))).not.toContain("<svg");
  });

  it("says the analysis is missing for an incomplete sweep", () => {
    expect(sweepSectionMarkdown(record(null, "body"))).toBe("### Body-cost sweep\n\nthe sweep has no analysis yet (incomplete)\n");
  });
});

describe("sweepTables", () => {
  it("gives the crossover's points and crossings per curve", () => {
    expect(sweepTables(crossover).map((t) => t.rows.length)).toEqual([4, 1, 2]);
  });
});
