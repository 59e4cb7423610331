/**
 * uPlot (JS + CSS) from node_modules, read once per process and inlined into every HTML report.
 * Its one-line banner holds the project's URL; the report must not contain any URL, so the
 * banner is replaced by the same credit without a scheme.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface UplotAssets {
  js: string;
  css: string;
  version: string;
}

let cached: UplotAssets | undefined;

export function uplotAssets(): UplotAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('uplot/package.json');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  const dist = join(dirname(pkgPath), 'dist');
  const js = readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8').replace(
    /^\/\*![^*]*\*\//,
    `/*! uPlot v${version}, MIT License, (c) Leon Sorokin, github.com/leeoniya/uPlot */`,
  );
  const css = readFileSync(join(dist, 'uPlot.min.css'), 'utf8');
  // inlined as they are, so they must not end their <script>/<style> element early
  for (const [what, text, tag] of [['uPlot JS', js, 'script'], ['uPlot CSS', css, 'style']] as const) {
    if (new RegExp(`</${tag}|<!--`, 'i').test(text)) throw new Error(`${what} cannot be inlined: it contains </${tag} or <!--`);
  }
  cached = { js, css, version };
  return cached;
}
