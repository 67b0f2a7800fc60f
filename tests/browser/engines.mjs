// The browsers besides Chromium, from Debian's packages: Firefox ESR driven
// by puppeteer-core over WebDriver BiDi, and WebKitGTK's MiniBrowser driven
// by WebKitWebDriver (classic WebDriver over HTTP) under a virtual X server.
// Both trust the tests' TLS CA and nothing else, and have fake cameras and
// microphones. Every process started here is stopped when the test process
// ends (lib.mjs track).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { root, buildDir, ensureTestCa, track, shotDir } from './lib.mjs';

const require = createRequire(join(root, 'tests', 'package.json'));
export const FIREFOX = '/usr/lib/firefox-esr/firefox-esr';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Firefox's version as it reports it ("153.8.0esr"). */
export const firefoxVersion = () => execFileSync(FIREFOX, ['--version'], { encoding: 'utf8' }).trim().replace(/^Mozilla Firefox /, '');

/**
 * Firefox ESR, headless, in a profile of its own (build/test-output/<name>)
 * whose certificate store holds the tests' CA as its one added authority.
 */
export async function launchFirefox(name = 'firefox-profile') {
  const puppeteer = require('puppeteer-core');
  const profile = join(buildDir, 'test-output', name);
  rmSync(profile, { recursive: true, force: true });
  mkdirSync(profile, { recursive: true });
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${profile}`]);
  execFileSync('certutil', ['-A', '-n', 'beeldbel test CA', '-t', 'C,,', '-i', join(ensureTestCa(), 'ca.pem'), '-d', `sql:${profile}`]);
  mkdirSync(shotDir, { recursive: true });
  return puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
    protocolTimeout: 60000,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,            // a moving test picture and a tone
      'media.navigator.permission.disabled': true,     // as if the person chose "Allow"
      'media.autoplay.default': 0,                     // the other side's sound plays
      'media.autoplay.blocking_policy': 0,
      // Janus offers 127.0.0.1 (DESIGN.md); Firefox skips loopback candidates otherwise.
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'network.dns.disableIPv6': true,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
}

/** In-page: the element matching `sel` whose text or label contains `text`, looking through open shadow roots. */
export function deepFind(sel, text) {
  const all = [];
  const walk = (n) => {
    for (const el of n.querySelectorAll(sel)) all.push(el);
    for (const el of n.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  const label = (el) => [el.getAttribute('aria-label'), ...(el.labels ? [...el.labels].map((l) => l.textContent) : []), el.textContent]
    .filter(Boolean).join(' ').replace(/\s+/g, ' ');
  return all.find((el) => (text == null || label(el).includes(text)) && el.getClientRects().length > 0) ?? null;
}

/** In-page: what has the focus, looking through shadow roots (as widget-lib's focused()). */
export function deepFocused() {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a) return null;
  const label = a.getAttribute('aria-label') || (a.labels && a.labels[0] && a.labels[0].textContent) || a.textContent || '';
  return { tag: a.tagName.toLowerCase(), label: label.trim().replace(/\s+/g, ' ') };
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** Starts Xvfb on a display it picks itself; resolves its number. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const x = track(spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] }));
    const timer = setTimeout(() => { x.kill(); reject(new Error('Xvfb did not start')); }, 15000);
    x.stdio[3].on('data', (d) => { clearTimeout(timer); resolve({ display: `:${String(d).trim()}`, proc: x }); });
    x.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited ${code}`)); });
  });
}

/**
 * WebKitGTK's MiniBrowser through WebKitWebDriver, on a virtual X server of
 * its own. The session speaks classic WebDriver; `exec` runs a function in
 * the page (its return value comes back as JSON, elements as references that
 * click/type take).
 */
export async function launchWebKit() {
  const x = await startXvfb();
  const port = await freePort();
  // A process group of its own: the browser and its web processes end with it.
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DISPLAY: x.display }, detached: true,
  });
  const killGroup = () => { try { process.kill(-driver.pid, 'SIGTERM'); } catch { /* gone */ } };
  process.on('exit', killGroup);
  let driverLog = '';
  driver.stderr.on('data', (d) => { driverLog = (driverLog + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  async function wd(method, path, body) {
    // A browser that stops answering (its web process gone) fails the step, not the whole run.
    const res = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
      signal: AbortSignal.timeout(60000) }).catch((e) => { throw new Error(`WebDriver ${method} ${path}: no answer (${e.message}); ${driverLog.slice(-500)}`); });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error} ${json.value?.message}`);
    return json.value;
  }
  for (let i = 0; ; i++) {
    try { await fetch(`${base}/status`); break; } catch (e) {
      if (i > 100) throw new Error(`WebKitWebDriver did not start: ${driverLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // The tests' site certificates chain to the tests' CA, which WebKitGTK's
  // trust store does not hold: sessions accept them as the user would after
  // importing that CA (the site's names and dates are still checked by Node's
  // own requests to the same servers).
  const session = await wd('POST', '/session', { capabilities: { alwaysMatch: {
    acceptInsecureCerts: true,
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation', '--enable-mock-capture-devices=true', '--enable-media-stream=true'] },
  } } });
  const sid = session.sessionId, S = `/session/${sid}`;
  const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
  const call = (fn) => `return (${fn}).apply(null, arguments)`;
  return {
    version: session.capabilities.browserVersion,
    open: (url) => wd('POST', `${S}/url`, { url }),
    /** Runs fn(...args) in the page; promises are awaited. */
    exec: (fn, ...args) => wd('POST', `${S}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
          .then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ error: String(e && e.stack || e) }));`,
      args,
    }).then((r) => { if (r.error) throw new Error(r.error); return r.ok; }),
    /** Polls fn(...args) in the page until it is truthy. */
    async waitFor(fn, { timeout = 15000, what = String(fn) } = {}, ...args) {
      const t0 = Date.now();
      for (;;) {
        const v = await wd('POST', `${S}/execute/sync`, { script: call(fn), args });
        if (v) return v;
        if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** The element deepFind(sel, text) finds (or null). */
    find: (sel, text) => wd('POST', `${S}/execute/sync`, { script: call(deepFind), args: [sel, text ?? null] }),
    click: (el) => wd('POST', `${S}/element/${el[ELEMENT]}/click`, {}),
    type: (el, text) => wd('POST', `${S}/element/${el[ELEMENT]}/value`, { text }),
    /** Key presses through the Actions API (WebDriver key codes, e.g. '\uE004' for Tab). */
    keys: (...keys) => wd('POST', `${S}/actions`, { actions: [{ type: 'key', id: 'kb',
      actions: keys.flatMap((k) => [{ type: 'keyDown', value: k }, { type: 'keyUp', value: k }]) }] }),
    async screenshot(path) { writeFileSync(path, Buffer.from(await wd('GET', `${S}/screenshot`), 'base64')); },
    /** Runs a script body as WebDriver does (a page's CSP does not govern it). */
    script: (body, ...args) => wd('POST', `${S}/execute/sync`, { script: body, args }),
    async quit() {
      try { await wd('DELETE', S); } catch { /* already gone */ }
      killGroup();
      x.proc.kill('SIGTERM');
    },
    driverLog: () => driverLog,
  };
}

/** The axe-core source, to inject where a page's CSP is not in the way. */
export const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const haveFirefox = () => existsSync(FIREFOX);
