/**
 * Opens an HTML report in real headless Chromium (Debian's `chromium`, driven by
 * playwright-core) from file:// and reports what a person would notice: console errors, every
 * request the page made besides the file itself, whether each chart drew (coloured pixels
 * inside its plot area), and a full-page screenshot.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Request } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChartPixels {
  id: string;
  /** pixels inside the plot area that are clearly coloured (series strokes, not grey grid lines) */
  coloured: number;
  plotArea: number;
}

export interface PageCheck {
  consoleErrors: string[];
  /** every request other than the report file itself */
  requests: string[];
  charts: ChartPixels[];
  /** what the page script saw; set when something ran that should not have */
  pwned: unknown;
  text: string;
  batchBars: number;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile (user-data-dir), removed on close. */
export async function launchChromium(viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'batch-load-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function openReport(browser: Browser, file: string, screenshot: string): Promise<PageCheck> {
  let onRequest: ((req: Request) => void) | undefined;
  try {
    const page = await browser.context.newPage();
    const url = pathToFileURL(file).href;
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    // on the context: a worker or a second page the report opened would be seen too
    onRequest = (req: Request) => {
      if (req.url() !== url) requests.push(req.url());
    };
    browser.context.on('request', onRequest);
    await page.goto(url, { waitUntil: 'load' });
    // the page's own objects, typed just enough (the tests compile without the DOM library)
    type Plot = { ctx: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }; bbox: { left: number; top: number; width: number; height: number } };
    type Win = {
      batchLoadCharts?: Array<{ id: string; plot: Plot }>;
      __pwned?: unknown;
      document: { body: { innerText: string }; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { width: number } }> };
    };
    await page.waitForFunction(() => Array.isArray((globalThis as unknown as Win).batchLoadCharts), null, { timeout: 10_000 });
    const charts = await page.evaluate(() =>
      (globalThis as unknown as Win).batchLoadCharts!.map(({ id, plot }) => {
        const { left, top, width, height } = plot.bbox;
        const data = plot.ctx.getImageData(Math.round(left), Math.round(top), Math.max(1, Math.round(width)), Math.max(1, Math.round(height))).data;
        let coloured = 0;
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
          if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
        }
        return { id, coloured, plotArea: Math.round(width * height) };
      }),
    );
    const pwned = await page.evaluate(() => (globalThis as unknown as Win).__pwned);
    const text = await page.evaluate(() => (globalThis as unknown as Win).document.body.innerText);
    const batchBars = await page.evaluate(
      () => Array.from((globalThis as unknown as Win).document.querySelectorAll('.lc-span')).filter((e) => e.getBoundingClientRect().width > 0).length,
    );
    await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, requests, charts, pwned, text, batchBars };
  } finally {
    if (onRequest) browser.context.off('request', onRequest);
    for (const p of browser.context.pages()) await p.close();
  }
}
