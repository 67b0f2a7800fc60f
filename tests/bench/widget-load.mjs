// make bench, widget section: what the snippet makes the browser
// download (every response after the host page's own files: JS, the WASM
// engine, CSS inside the JS), raw and brotli -q 11, and the time from
// navigation start to the widget being interactive (its form rendered and
// focusable) and to the engine being ready, on loopback, median of RUNS.
// Lower is better for all of these, so run.sh prints no ratio line for them.
// Budget: 400 KB brotli for the first load.
import { brotliCompressSync, constants } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, distDir } from '../browser/lib.mjs';

const RUNS = Number(process.env.BB_WIDGET_BENCH_RUNS ?? 5);
const server = await startServer();
const browser = await launch();
// bench lines are `bench <name> <value> <unit>`; medians of RUNS loads.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const files = new Set(), interactive = [], engine = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('request', (r) => {
      // From the server only: the Workers and the worklet then start from blob: URLs of those bytes.
      if (!r.url().startsWith(`${server.url}/`)) return;
      const p = new URL(r.url()).pathname;
      if (!p.startsWith('/demo/')) files.add(p);
    });
    await page.goto(`${server.url}/demo/`);
    const t = await page.evaluate(() => new Promise((resolve) => {
      const out = {};
      const tick = () => {
        const w = document.querySelector('beeldbel-widget');
        const btn = w?.shadowRoot?.querySelector('button[type=submit]');
        if (btn && out.interactive == null && btn.getClientRects().length) out.interactive = performance.now();
        if (w && w.engineState !== 'starting' && out.engine == null) out.engine = performance.now();
        if (out.interactive != null && out.engine != null) resolve(out); else requestAnimationFrame(tick);
      };
      tick();
    }));
    interactive.push(t.interactive);
    engine.push(t.engine);
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}

let raw = 0, br = 0;
for (const p of files) {
  const body = readFileSync(join(distDir, p));
  raw += body.length;
  br += brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}
console.log(`# widget first load: ${[...files].sort().join(' ')}`);
console.log(`bench widget.first_load_raw_kb ${(raw / 1024).toFixed(1)} KiB`);
console.log(`bench widget.first_load_brotli_kb ${(br / 1024).toFixed(1)} KiB`);
const BUDGET = 400 * 1000;
console.log(br > BUDGET ? `# widget first load OVER ITS BUDGET: ${br} bytes brotli, budget ${BUDGET}`
  : `# widget first load within its budget: ${br} of ${BUDGET} bytes brotli`);
console.log(`bench widget.interactive_ms ${median(interactive).toFixed(0)} ms`);
console.log(`bench widget.engine_ready_ms ${median(engine).toFixed(0)} ms`);
