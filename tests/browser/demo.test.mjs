// The demo host page in Debian's Chromium: the snippet loads (with its SRI
// hash, under the strict CSP the server sends), the WASM engine starts in
// its Worker, and the widget says so in a way a screen reader announces.
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { startServer, launch, shotDir, axeSource } from './lib.mjs';

const server = await startServer();
const browser = await launch();

async function openDemo({ width = 1280, height = 800, contrast = 'no-preference', route } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.emulateMedia({ contrast });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  if (route) await page.route(route.pattern, route.handler);
  await page.goto(`${server.url}/demo/`);
  return { context, page, problems };
}

function widgetState(page) {
  return page.waitForFunction(() => {
    const w = document.querySelector('beeldbel-widget');
    return w && w.engineState && w.engineState !== 'starting' ? w.engineState : null;
  }, null, { timeout: 20000 }).then((h) => h.jsonValue());
}

test('demo_page_starts_engine_in_worker', async () => {
  const { context, page, problems } = await openDemo();
  const events = page.evaluate(() => new Promise((res) =>
    document.addEventListener('beeldbel:engine-ready', (e) => res(e.detail), { once: true })));
  assertEq(await widgetState(page), 'ready');
  // The widget keeps the engine's self-test for the host (the citizen sees the form).
  const info = await page.evaluate(() => document.querySelector('beeldbel-widget').engineInfo);
  for (const k of ['vp8', 'opus', 'aesgcm', 'json']) assertEq(info.selftest[k], true, k);
  assert(info.versions.vp8.includes('1.12.0'), JSON.stringify(info.versions));
  assert(await page.locator('beeldbel-widget').getByRole('button', { name: 'Verstuur verzoek' }).isVisible(), 'form not shown');
  const detail = await Promise.race([events, new Promise((r) => setTimeout(() => r(null), 100))]);
  // The event may fire before the listener is attached; the state is what counts.
  if (detail) assert(detail.versions.vp8.includes('1.12.0'));
  await page.screenshot({ path: join(shotDir, 'demo-1280x800.png'), fullPage: true });
  assertEq(problems.join('\n'), '');
  await context.close();
});

test('demo_page_on_a_phone_and_in_high_contrast', async () => {
  const { context, page, problems } = await openDemo({ width: 360, height: 740, contrast: 'more' });
  assertEq(await widgetState(page), 'ready');
  // The widget's box (inside the shadow root) switches to the high-contrast tokens.
  const border = await page.locator('beeldbel-widget section.bb').evaluate((el) => `${getComputedStyle(el).borderTopColor} ${getComputedStyle(el).borderTopWidth}`);
  assertEq(border, 'rgb(0, 0, 0) 2px');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert(!overflow, 'page scrolls sideways at 360 px');
  await page.screenshot({ path: join(shotDir, 'demo-360x740-contrast.png'), fullPage: true });
  assertEq(problems.join('\n'), '');
  await context.close();
});

test('english_on_request', async () => {
  const { context, page } = await openDemo();
  await widgetState(page);
  await page.locator('beeldbel-widget').evaluate((el) => el.setAttribute('lang', 'en'));
  const h = await page.locator('beeldbel-widget h2').textContent();
  assertEq(h, 'Video call with your neighbourhood officer');
  await context.close();
});

test('tampered_snippet_is_refused_by_integrity_check', async () => {
  const { context, page } = await openDemo({
    route: {
      pattern: '**/beeldbel.js',
      handler: async (r) => {
        const resp = await r.fetch();
        await r.fulfill({ response: resp, body: (await resp.text()) + '\n// injected\n' });
      },
    },
  });
  await page.waitForTimeout(1500);
  const defined = await page.evaluate(() => !!customElements.get('beeldbel-widget'));
  assert(!defined, 'a modified beeldbel.js must not run');
  await context.close();
});

test('strict_csp_is_sent_and_holds', async () => {
  const resp = await fetch(`${server.url}/demo/`);
  const csp = resp.headers.get('content-security-policy');
  assert(csp.includes("script-src 'self' 'wasm-unsafe-eval'"), csp);
  assert(!csp.includes('unsafe-inline') && !/'unsafe-eval'/.test(csp), csp);
  const { context, page } = await openDemo();
  const violations = [];
  await page.exposeFunction('bbViolation', (v) => violations.push(v));
  await page.evaluate(() => document.addEventListener('securitypolicyviolation',
    (e) => window.bbViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  assertEq(await widgetState(page), 'ready');
  assertEq(violations.join('\n'), '');
  await context.close();
});

test('server_refuses_path_traversal', async () => {
  for (const p of ['/../Makefile', '/%2e%2e/Makefile', '/demo/..%2f..%2fMakefile']) {
    const r = await fetch(`${server.url}${p}`);
    assert(r.status === 403 || r.status === 404, `${p} -> ${r.status}`);
  }
});

test('axe_finds_no_violations_in_either_theme', async () => {
  for (const contrast of ['no-preference', 'more']) {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.emulateMedia({ contrast });
    await page.goto(`${server.url}/demo/`);
    await widgetState(page);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }));
    const v = result.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    assertEq(v.join('\n'), '', `${contrast}: `);
    await context.close();
  }
});

try {
  await run();
} finally {
  await browser.close();
  server.stop();
}
