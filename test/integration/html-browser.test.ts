// The HTML report in a real browser (Debian's Chromium through playwright-core), opened from file:// as a
// user opens a CI artifact: no console error, no request but the file itself, charts drawn with data and
// fault bands. The screenshot is kept in test-output/ for a person to look at.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../reports/html/run-page.ts";
import { makeJournal } from "../fixtures/journal.ts";
import { ROOT } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const OUT = join(ROOT, "test-output", "html-report");

describe("HTML report in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (scripts/setup.sh does it)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("opens offline from file://: no console errors, no requests, charts with data, fault bands and markers", async () => {
    mkdirSync(join(OUT, "logs"), { recursive: true });
    const journal = makeJournal({
      extras: true,
      text: ` <img src="https://example.invalid/x.png" onerror="console.error('xss')">`,
      faults: [
        { kind: "crash", atMs: 8_000, outageMs: 1_600 },
        { kind: "pause", atMs: 18_000, outageMs: 3_300, durationMs: 3_000 },
      ],
    });
    const file = join(OUT, "report.html");
    writeFileSync(file, renderHtml(journal));
    writeFileSync(join(OUT, "logs", "api-0.log"), "api listening on :8080\n");

    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: "load" });

    const charts = await page.$$eval("svg.chart", (svgs) =>
      svgs.map((svg) => ({
        id: svg.getAttribute("data-chart"),
        width: svg.getBoundingClientRect().width,
        series: [...svg.querySelectorAll("path.series")].map((p) => ({
          name: p.getAttribute("data-series"),
          points: Number(p.getAttribute("data-points")),
          length: (p as unknown as { getTotalLength(): number }).getTotalLength(),
        })),
        bands: [...svg.querySelectorAll("rect.fault-band")].map((r) => (r as unknown as { getBBox(): { width: number } }).getBBox().width),
        markers: svg.querySelectorAll("line.marker").length,
      })),
    );
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("h1").innerText()).toBe("fixture FAIL");
    // In the containers table and in the list of files.
    expect(await page.locator('a[href="./logs/api-0.log"]').count()).toBe(2);
    await page.screenshot({ path: join(OUT, "report.png"), fullPage: true });
    await page.close();

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    expect(charts.map((c) => c.id)).toEqual(["throughput", "errors", "latency", "cpu", "memory"]);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(600);
      expect(c.bands).toHaveLength(2);
      expect(c.bands.every((w) => w > 5)).toBe(true);
      expect(c.markers).toBeGreaterThanOrEqual(4);
      for (const s of c.series) {
        expect(s.points, `${c.id} ${s.name}`).toBeGreaterThan(20);
        expect(s.length, `${c.id} ${s.name}`).toBeGreaterThan(100);
      }
    }
  });
});
