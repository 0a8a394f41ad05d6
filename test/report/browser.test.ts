/**
 * The report in a real browser: headless Chromium (Debian's, at
 * /usr/bin/chromium) driven by playwright-core, which never downloads one.
 * Without it the test skips here and fails under CI (CI installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readResults } from "../../src/results/read.js";
import type { Dataset } from "../../src/model/results.js";
import { renderHtml } from "../../src/report/html.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const hasChromium = existsSync(CHROMIUM);

const fixture = (name: string): Dataset => readResults(join(ROOT, "test/fixtures/report", name));
/** Runs in several engines (test/report/fixtures): six engines, and two where one skipped a strategy. */
const enginesFixture = (name: string): Dataset => readResults(join(ROOT, "test/report/fixtures", name));

if (!hasChromium && !process.env.CI) {
  console.warn(`skipping test/report/browser.test.ts: no ${CHROMIUM} (apt-get install chromium); under CI this test fails instead`);
}

describe.skipIf(!hasChromium && !process.env.CI)("report in headless Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "dispatch-lab-report-"));
  // One browser for both tests (a launch takes seconds); each test opens its own page.
  let browser: Browser;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: CI must install chromium`).toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads from file:// without errors, every chart has marks, and screenshots", async () => {
    const file = join(dir, "report.html");
    // Two plain runs from two machines, and one small real sweep of each kind.
    const sweeps = ["position", "scale", "crossover", "body"].map((k) => fixture(`sweep-${k}.json`));
    writeFileSync(file, renderHtml([fixture("results-a.json"), fixture("results-b.json"), ...sweeps]));

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });

      const charts = await page.$$eval("[data-chart]", (els) =>
        els.map((el) => ({
          kind: el.getAttribute("data-chart"),
          tag: el.tagName.toLowerCase(),
          role: el.getAttribute("role"),
          title: el.querySelector(":scope > title")?.textContent ?? "",
          marks: el.querySelectorAll("[aria-label] rect, [aria-label] line, [aria-label] path, [aria-label] circle").length,
          dots: el.querySelectorAll("circle").length,
          width: el.getBoundingClientRect().width,
          height: el.getBoundingClientRect().height,
        })),
      );
      expect(charts.filter((c) => c.kind === "bars")).toHaveLength(4);
      expect(charts.filter((c) => c.kind === "heatmap")).toHaveLength(2);
      // position: 3 strategies x 6 handlers; scale: 2 workloads; crossover: along N and along the skew; body: 1 workload.
      expect(charts.filter((c) => c.kind === "position").map((c) => c.dots)).toEqual([18]);
      expect(charts.filter((c) => c.kind === "scale").map((c) => c.dots)).toEqual([6, 6]);
      expect(charts.filter((c) => c.kind === "crossover").map((c) => c.dots)).toEqual([3, 3]);
      expect(charts.filter((c) => c.kind === "body").map((c) => c.dots)).toEqual([6]);
      for (const c of charts) {
        expect(c.tag).toBe("svg");
        expect(c.role).toBe("img");
        expect(c.title.length).toBeGreaterThan(0);
        expect(c.marks, `${c.kind} "${c.title}" has no marks`).toBeGreaterThan(0);
        expect(c.width).toBeGreaterThan(100);
        expect(c.height).toBeGreaterThan(50);
      }
      // Inline SVG parsed as SVG (not unknown HTML elements): it has geometry.
      const barRects = await page.$$eval('svg[data-chart="bars"] g[aria-label="bar"] rect', (els) => els.map((e) => (e as SVGRectElement).getBBox().width));
      expect(barRects.length).toBe(16);
      expect(barRects.every((w) => w > 0)).toBe(true);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);

      mkdirSync(join(ROOT, "test-output"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-output/report.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.screenshot({ path: join(ROOT, "test-output/report-dark.png"), fullPage: true });
      expect(existsSync(join(ROOT, "test-output/report.png"))).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("draws the engine heatmap: a cell per engine and strategy, muted, failed and skipped cells too, and screenshots", async () => {
    const file = join(dir, "engines.html");
    const six = enginesFixture("engines.json");
    const r = six.runs[0]!;
    const cell = (strategy: string, engine: string) => r.summaries.find((s) => s.strategy === strategy && (s.engine ?? "node") === engine)!;
    cell("chain", "bun").inconclusive = "too few samples: 1 round; the minimum is 6";
    Object.assign(cell("chain", "deno"), { status: "failed", error: "trap: unreachable", gross: null, net: null, ratio: null });
    writeFileSync(file, renderHtml([six, enginesFixture("engines-skipped.json")]));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
      page.on("request", (q) => {
        if (!q.url().startsWith("file:")) errors.push(`request: ${q.url()}`);
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      const maps = await page.$$eval('svg[data-chart="engine-heatmap"]', (els) =>
        els.map((el) => ({
          role: el.getAttribute("role"),
          title: el.querySelector(":scope > title")?.textContent ?? "",
          // Every cell drawn, with geometry, and its tooltip.
          cells: [...el.querySelectorAll('g[aria-label="cell"] rect')].map((c) => ({
            width: (c as SVGRectElement).getBBox().width,
            title: c.querySelector("title")?.textContent ?? "",
          })),
          width: el.getBoundingClientRect().width,
        })),
      );
      expect(maps).toHaveLength(2);
      // 6 engines x 2 strategies; 2 engines x 2 strategies
      expect(maps.map((m) => m.cells.length)).toEqual([12, 4]);
      for (const m of maps) {
        expect(m.role).toBe("img");
        expect(m.title).toMatch(/per engine and strategy, uniform$/);
        expect(m.cells.every((c) => c.width > 20)).toBe(true);
        expect(m.width).toBeGreaterThan(300);
      }
      const tips = maps.flatMap((m) => m.cells.map((c) => c.title));
      expect(tips).toContain("bun, chain: 0.91x, inconclusive: too few samples: 1 round; the minimum is 6");
      expect(tips).toContain("deno, chain: failed: trap: unreachable");
      expect(tips.some((t) => t.startsWith("node, table-ref: skipped: needs typed-function-references"))).toBe(true);
      expect(tips.some((t) => /^node@24, chain: \d\.\d\dx \[\d\.\d\d, \d\.\d\d\]$/.test(t))).toBe(true);
      expect(errors).toEqual([]);
      mkdirSync(join(ROOT, "test-output"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-output/report-engines.png"), fullPage: true });
      const heatmap = await page.$('svg[data-chart="engine-heatmap"]');
      await heatmap!.screenshot({ path: join(ROOT, "test-output/engine-heatmap.png") });
      await page.emulateMedia({ colorScheme: "dark" });
      await heatmap!.screenshot({ path: join(ROOT, "test-output/engine-heatmap-dark.png") });
      expect(existsSync(join(ROOT, "test-output/engine-heatmap.png"))).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("runs no script from hostile names: no dialog, no request, no error, the payloads shown as text", async () => {
    const swap: Record<string, string> = {
      uniform: "uniform<img src=x onerror=alert(9)>",
      "xen:pv-guest-build": 'trace:x"><script>alert(5)</script>',
      chain: "chain<svg onload=alert(3)>",
      "node@24": "node@24<img src=x onerror=alert(7)>",
    };
    const hostile = (name: string, read = fixture): Dataset => {
      let text = JSON.stringify(read(name));
      for (const [from, to] of Object.entries(swap)) text = text.split(JSON.stringify(from)).join(JSON.stringify(to));
      const d = JSON.parse(text) as Dataset;
      for (const r of d.runs) r.spec.name = "<script>alert(1)</script><img src=x onerror=alert(2)>";
      return d;
    };
    const file = join(dir, "hostile.html");
    writeFileSync(
      file,
      renderHtml([hostile("results-a.json"), hostile("results-b.json"), hostile("sweep-crossover.json"), hostile("engines-skipped.json", enginesFixture)]),
    );
    const page = await browser.newPage();
    try {
      const events: string[] = [];
      page.on("dialog", (d) => {
        events.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on("console", (m) => {
        if (m.type() === "error") events.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => events.push(`page: ${e.message}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) events.push(`request: ${r.url()}`);
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.waitForTimeout(300);
      expect(events).toEqual([]);
      expect(await page.$$eval("script, img", (els) => els.length)).toBe(0);
      expect(await page.title()).toContain("<script>alert(1)</script>");
      expect(await page.$$eval("svg[data-chart] title", (els) => els.some((t) => (t.textContent ?? "").includes("chain<svg onload=alert(3)>")))).toBe(true);
      expect(
        await page.$$eval('svg[data-chart="engine-heatmap"] text', (els) => els.some((t) => t.textContent === "node@24<img src=x onerror=alert(7)>")),
      ).toBe(true);
    } finally {
      await page.close();
    }
  });
});
