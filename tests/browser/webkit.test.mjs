// The widget in WebKitGTK's MiniBrowser (WebKitWebDriver, on a virtual X
// server, with WebKit's mock camera and microphone), on `make run`'s whole
// system: the engine starts and passes its self-test; a callback request with
// the reference and the status; an officer's invitation, which Debian's
// WebKitGTK cannot take up (it has no RTCPeerConnection) — the widget says
// what to do instead and leaves the one-time link unused; and, with a
// stand-in for the missing transport, the device check with the mock camera.
// axe-core (WCAG 2.2 AA) on every screen in both themes. Screenshots:
// build/test-output/screenshots/webkit-*.png.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { shotDir, buildDir } from './lib.mjs';
import { startSystem } from './system-lib.mjs';
import { launchWebKit, axeSource, AXE_TAGS } from './engines.mjs';
import { officerBin, totpSource, api } from '../contact/lib.mjs';

const PASSWORD = 'correct horse battery staple';
const sys = await startSystem('webkit');
const db = join(sys.runDir, 'contact.db');
execFileSync(officerBin, ['--db', db, 'password', 'jan', '--iterations', '10000'], { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
const code = totpSource(/^secret ([A-Z2-7]+)$/m.exec(execFileSync(officerBin, ['--db', db, 'totp', 'jan'], { encoding: 'utf8' }))[1]);
const wk = await launchWebKit();
const results = { browser: 'WebKitGTK (MiniBrowser)', version: wk.version, verified: [], notWorking: [] };

const W = () => document.querySelector('beeldbel-widget');
const screen = () => wk.exec(() => document.querySelector('beeldbel-widget')?.screen ?? null);
async function waitScreen(name, timeout = 20000) {
  try {
    await wk.waitFor((n) => document.querySelector('beeldbel-widget')?.screen === n, { timeout, what: `screen ${name}` }, name);
  } catch (e) { throw new Error(`${e.message} (on ${await screen()})`); }
}
const says = (text, timeout = 15000) => wk.waitFor((t) => document.querySelector('beeldbel-widget')?.shadowRoot
  .querySelector('.bb-screen')?.textContent.includes(t), { timeout, what: `"${text}"` }, text);
async function click(sel, text) {
  const el = await wk.find(sel, text);
  if (!el) throw new Error(`no ${sel} "${text}" to click (on ${await screen()})`);
  await wk.click(el);
}
async function fill(label, text) {
  const el = await wk.find('input, textarea', label);
  if (!el) throw new Error(`no field "${label}"`);
  await wk.type(el, text);
}
async function axe(what) {
  if (!(await wk.exec(() => !!window.axe))) await wk.script(`${axeSource}\n;window.axe = axe; return true;`);
  const r = await wk.exec((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } })
    .then((x) => ({ passes: x.passes.length, violations: x.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) })), AXE_TAGS);
  console.log(`  axe ${what}: ${r.passes} rules passed, ${r.violations.length} violated`);
  return r.violations.map((v) => `${what} ${v}`);
}
/** axe and a screenshot of the widget's screen in both themes (its own switch), back to normal after. */
async function bothThemes(name) {
  const out = [];
  const pressed = () => wk.exec(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-contrast').getAttribute('aria-pressed') === 'true');
  for (const theme of ['normal', 'contrast', 'back']) {
    if (await pressed() !== (theme === 'contrast')) await click('button.bb-contrast', null);
    assertEq(await pressed(), theme === 'contrast', `${name}: ${theme}`);
    if (theme === 'back') break;
    out.push(...await axe(`${name}/${theme}`));
    await wk.screenshot(join(shotDir, `webkit-${name}-${theme}.png`));
  }
  return out;
}

/** The officer, through the API: claims the request and calls back by video; returns the invitation's token. */
async function officerInvites(reference) {
  const login = await api(sys.consoleUrl, 'POST', '/api/v1/officer/login', { body: { username: 'jan', password: PASSWORD, code: await code() } });
  assertEq(login.status, 200, login.text);
  const auth = { cookie: login.headers.get('set-cookie').split(';')[0], csrf: login.json.csrf_token };
  const q = await api(sys.consoleUrl, 'GET', '/api/v1/officer/queue', auth);
  const item = q.json.requests.find((r) => r.reference === reference);
  assert(item, `${reference} in the queue`);
  assertEq((await api(sys.consoleUrl, 'POST', `/api/v1/officer/requests/${item.id}/claim`, auth)).status, 200);
  const v = await api(sys.consoleUrl, 'POST', `/api/v1/officer/requests/${item.id}/video`, auth);
  assertEq(v.status, 200, v.text);
  return /#invite=([A-Za-z0-9_-]{43})$/.exec(v.json.invitation_url)[1];
}
/** The link as the officer's console makes it: the token and the call's secret. */
const linkFor = (token) => `${sys.httpUrl}/demo/#invite=${token}&key=${randomBytes(32).toString('base64url')}`;

test('the_engine_starts_in_webkit_and_passes_its_self_test', async () => {
  await wk.open(`${sys.httpUrl}/demo/`);
  await wk.waitFor(() => ['ready', 'failed'].includes(document.querySelector('beeldbel-widget')?.engineState), { timeout: 30000, what: 'the engine' });
  const info = await wk.exec(() => ({ state: document.querySelector('beeldbel-widget').engineState, info: document.querySelector('beeldbel-widget').engineInfo }));
  console.log(`  engine ${info.state}: ${JSON.stringify(info.info)}`);
  assertEq(info.state, 'ready', JSON.stringify(info.info));
  const failed = Object.entries(info.info.selftest).filter(([k, v]) => k !== 'ms' && v !== true);
  assertEq(failed.map(([k]) => k).join(), '', 'self-test parts that failed');
  const has = await wk.exec(() => ({ RTCPeerConnection: typeof RTCPeerConnection, WebAssembly: typeof WebAssembly,
    VideoEncoder: typeof VideoEncoder, AudioWorkletNode: typeof AudioWorkletNode, MediaStreamTrackProcessor: typeof MediaStreamTrackProcessor }));
  console.log(`  WebKitGTK ${wk.version}: ${JSON.stringify(has)}`);
  results.features = has;
  results.verified.push('engine self-test (WASM)');
  if (has.RTCPeerConnection === 'undefined') results.notWorking.push('calls: this build of WebKitGTK has no RTCPeerConnection (the widget says what to do instead)');
});

let reference;
test('request_confirmation_and_status_in_webkit_with_axe_in_both_themes', async () => {
  await wk.open(`${sys.httpUrl}/demo/`);
  await waitScreen('request');
  const violations = await bothThemes('request');
  await fill('Je naam', 'Anna de Vries');
  await fill('Je telefoonnummer', '06 12345678');
  await fill('Waar gaat het over?', 'Fietsen in de gang');
  await click('button', 'Verstuur verzoek');
  await waitScreen('confirm');
  reference = await wk.exec(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-reference]').dataset.reference);
  assert(/^BB-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(reference), reference);
  // A video request from a browser that cannot call: told so, beside the reference.
  const note = await wk.exec(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-no-video]')?.textContent ?? '');
  assert(note.includes(reference) && note.includes('0900-8844'), `the note: ${note}`);
  violations.push(...await bothThemes('confirm'));
  await click('button', 'Bekijk of trek dit verzoek in');
  await waitScreen('status');
  await fill('Je telefoonnummer', '06 12345678');
  await click('button', 'Bekijk mijn verzoek');
  await wk.waitFor(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-status="queued"]'), { what: 'the status' });
  violations.push(...await bothThemes('status'));
  assertEq(violations.join('\n'), '', 'axe: ');
  results.verified.push('request form', 'confirmation', 'status');
});

test('an_invitation_in_a_browser_without_webrtc_says_what_to_do_and_stays_unused', async () => {
  const token = await officerInvites(reference);
  await wk.open(linkFor(token));
  await waitScreen('cannotCall');
  await says('0900-8844');
  const text = await wk.exec(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-screen').textContent);
  assert(text.includes('WebRTC ontbreekt') && text.includes('nog niet gebruikt'), text);
  assertEq(await wk.find('button', 'Deelnemen'), null, 'no way to spend the link');
  // Said to screen readers through the live region.
  await wk.waitFor(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[aria-live]')
    .textContent.includes('Beeldbellen lukt niet'), { what: 'the announcement' });
  const violations = await bothThemes('cannot-call');
  assertEq(violations.join('\n'), '', 'axe: ');
  // The link still works: on another device it would be taken up now.
  const r = await api(sys.httpUrl, 'POST', '/api/v1/invitations/redeem', { body: { token } });
  assertEq(r.status, 200, `the invitation was left unused: ${r.text}`);
  results.verified.push('the way out where a call cannot be made');
});

test('device_check_with_the_mock_camera_given_a_stand_in_for_the_missing_transport', async () => {
  const res = await fetch(`${sys.httpUrl}/api/v1/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Bram Bakker', phone: '06 87654321', neighbourhood: 'groningen-noord', topic: 'Geluidsoverlast',
      preference: 'video', window: 'any', needs: [], lang: 'nl' }) });
  const token = await officerInvites((await res.json()).reference);
  await wk.open(`${sys.httpUrl}/demo/`);
  await waitScreen('request');
  // Everything but the transport: a stand-in RTCPeerConnection passes the widget's check.
  await wk.exec(() => {
    window.RTCPeerConnection = function RTCPeerConnection() { throw new Error('no WebRTC in this browser'); };
    window.RTCPeerConnection.prototype.createDataChannel = () => null;
  });
  await wk.exec((h) => { location.hash = h; }, new URL(linkFor(token)).hash);
  await waitScreen('redeem');
  const violations = await bothThemes('invite');
  await click('button', 'Deelnemen');
  await waitScreen('device');
  await says('Je camera en microfoon werken.');
  // The mock camera's picture plays in the preview; the microphone meter exists.
  await wk.waitFor(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('video.bb-preview')?.videoWidth > 0,
    { what: 'the camera preview' });
  const size = await wk.exec(() => { const v = document.querySelector('beeldbel-widget').shadowRoot.querySelector('video.bb-preview'); return `${v.videoWidth}x${v.videoHeight}`; });
  console.log(`  mock camera preview ${size}`);
  violations.push(...await bothThemes('device'));
  // Not on into the waiting room: the call would start there, and this
  // WebKitGTK's web process can crash on the engine's first question to
  // its VP8 encoder (VideoEncoder.isConfigSupported) — a browser no citizen
  // reaches the call in, since it has no RTCPeerConnection. A peer
  // connection that cannot be made is tried in the session suite.
  assertEq(violations.join('\n'), '', 'axe: ');
  results.verified.push('invitation', 'device check (mock camera and microphone)');
});

test('results_for_the_support_table', async () => {
  await wk.quit();
  writeFileSync(join(buildDir, 'test-output', 'support-webkit.json'), JSON.stringify(results, null, 1));
  assert(results.verified.length > 0, 'something verified');
});

await run({ exit: true });
