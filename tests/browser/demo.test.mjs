// The demo host page in Debian's Chromium: the snippet loads (with its SRI
// hash, under the strict CSP the server sends), the WASM engine starts in
// its Worker from files checked against the bundle's own hashes, the police
// root is the one the bundle pins, and the widget says so in a way a screen
// reader announces.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { startSealedSite, launch, shotDir, axeSource, buildDir } from './lib.mjs';
import { fakeService, waitScreen, GOOD_TOKEN, inviteHash } from './widget-lib.mjs';

const server = await startSealedSite('demo');
const browser = await launch();

async function openDemo({ width = 1280, height = 800, contrast = 'no-preference', route, hash = '', service = false, noSimd = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  // A browser from before WebAssembly SIMD: the probe module (an i8x16
  // instruction) does not validate.
  if (noSimd) {
    await context.addInitScript(() => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => (new Uint8Array(bytes).includes(0xfd) ? false : validate(bytes));
    });
  }
  const page = await context.newPage();
  await page.emulateMedia({ contrast });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const requests = [];
  context.on('request', (r) => requests.push(new URL(r.url()).pathname));
  if (service) await fakeService(page);
  if (route) await page.route(route.pattern, route.handler);
  await page.goto(`${server.url}/demo/${hash}`);
  return { context, page, problems, requests };
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
  // Chromium has WebAssembly SIMD: it runs libvpx's SIMD kernels.
  assertEq(info.versions.simd128, true);
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

async function waitFor(cond, what, ms = 10000) {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(what);
  }
}

// The engine's files as a compromised widget host would serve them: one byte added.
const changed = (file) => ({
  pattern: `**/engine/${file}`,
  handler: async (r) => {
    const resp = await r.fetch();
    await r.fulfill({ response: resp, body: Buffer.concat([await resp.body(), Buffer.from(file.endsWith('.wasm') ? [0] : '\n;')]) });
  },
});

test('the_widget_runs_only_engine_files_its_bundle_pins', async () => {
  // Untouched: exactly the four pinned files are fetched, nothing by its plain
  // module URL; the engine module with SIMD kernels, or without where the
  // browser has no WebAssembly SIMD.
  for (const [noSimd, wasm] of [[false, 'beeldbel-engine-simd128.wasm'], [true, 'beeldbel-engine.wasm']]) {
    const { context, page, problems, requests } = await openDemo({ noSimd });
    assertEq(await widgetState(page), 'ready');
    const fetched = requests.filter((p) => p.startsWith('/engine/')).map((p) => p.slice(8));
    assertEq(fetched.sort().join(), `audio-worklet.js,${wasm},wire-worker.bundle.js,worker.bundle.js`);
    const info = await page.evaluate(() => document.querySelector('beeldbel-widget').engineInfo);
    assertEq(info.versions.simd128, !noSimd);
    for (const k of ['vp8', 'opus', 'aesgcm', 'json']) assertEq(info.selftest[k], true, `${wasm}: ${k}`);
    assertEq(problems.join('\n'), '');
    await context.close();
  }
  // Any of them changed: the engine does not start, and says why.
  for (const file of ['worker.bundle.js', 'wire-worker.bundle.js', 'audio-worklet.js', 'beeldbel-engine-simd128.wasm',
    'beeldbel-engine.wasm']) {
    const o = await openDemo({ route: changed(file), noSimd: file === 'beeldbel-engine.wasm' });
    assertEq(await widgetState(o.page), 'failed', file);
    const info = await o.page.evaluate(() => document.querySelector('beeldbel-widget').engineInfo);
    assertEq(`${info.code} ${info.file}`, `integrity ${file}`);
    // The citizen can still ask for a callback.
    assert(await o.page.locator('beeldbel-widget').getByRole('button', { name: 'Verstuur verzoek' }).isVisible(), 'form gone');
    await o.context.close();
  }
});

test('a_revocation_list_older_than_the_sealed_one_stops_the_call', async () => {
  // A server replaying last week's list (from before a revocation): the
  // bundle knows the thisUpdate of the list current when it was sealed.
  const ca = join(buildDir, 'test-output', 'demo-old-crl-ca');
  rmSync(ca, { recursive: true, force: true });
  cpSync(dirname(server.rootPem), ca, { recursive: true });
  const floor = Number(execFileSync(join(buildDir, 'bin', 'beeldbel-ca'), ['crl-time', ca], { encoding: 'utf8' }));
  execFileSync(join(buildDir, 'bin', 'beeldbel-ca'), ['crl', ca, '--now', String(floor - 3600)], { stdio: 'ignore' });
  const older = readFileSync(join(ca, 'crl.pem'));
  const o = await openDemo({ hash: inviteHash(GOOD_TOKEN), service: true,
    route: { pattern: '**/police/crl.pem', handler: (r) => r.fulfill({ status: 200, contentType: 'application/x-pem-file', body: older }) } });
  const w = o.page.locator('beeldbel-widget');
  await w.getByRole('button', { name: 'Deelnemen' }).click();
  await waitScreen(o.page, 'device');
  await w.locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor();
  await w.getByRole('button', { name: 'Naar de wachtkamer' }).click();
  const alert = w.locator('.utrecht-alert[role=alert]', { hasText: 'niet actueel' });
  await alert.waitFor({ timeout: 15000 });
  const text = await alert.textContent();
  assert(text.includes('politie') && text.includes('0900-8844'), text);
  assert(await w.locator('.bb-busy').isHidden(), 'no "connecting" left spinning');
  await o.page.screenshot({ path: join(shotDir, 'demo-old-crl.png'), fullPage: true });
  await o.context.close();
});

test('a_swapped_police_root_stops_the_call_with_a_clear_message', async () => {
  const other = join(buildDir, 'test-output', 'demo-other-ca');
  rmSync(other, { recursive: true, force: true });
  execFileSync(join(buildDir, 'bin', 'beeldbel-ca'), ['init', other], { stdio: 'ignore' });
  const otherRoot = readFileSync(join(other, 'root.pem'));
  const toWaitingRoom = async (route) => {
    const o = await openDemo({ hash: inviteHash(GOOD_TOKEN), service: true, route });
    const w = o.page.locator('beeldbel-widget');
    await w.getByRole('button', { name: 'Deelnemen' }).click();
    await waitScreen(o.page, 'device');
    await w.locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor();
    await w.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await waitScreen(o.page, 'waiting');
    return { ...o, w };
  };
  const alert = (w) => w.locator('.utrecht-alert', { hasText: 'niet de versie die de politie heeft vrijgegeven' });
  // The pinned root: the call starts (its Worker fetches the revocation list next; the
  // fake Janus then does not answer).
  const good = await toWaitingRoom();
  await good.page.waitForFunction(() => document.querySelector('beeldbel-widget').engineState === 'ready');
  await waitFor(() => good.requests.includes('/police/crl.pem'), 'the call did not start');
  assertEq(await alert(good.w).count(), 0);
  await good.context.close();
  // Another root on the widget's host (a valid CA, just not the police's): no call, and why.
  const bad = await toWaitingRoom({ pattern: '**/police/root.pem', handler: (r) => r.fulfill({ status: 200, contentType: 'application/x-pem-file', body: otherRoot }) });
  await alert(bad.w).waitFor();
  assert((await alert(bad.w).textContent()).includes('0900-8844'), 'no way on');
  await bad.page.screenshot({ path: join(shotDir, 'demo-police-root-swapped.png'), fullPage: true });
  await bad.context.close();
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
