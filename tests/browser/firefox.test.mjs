// The widget and the console in Firefox ESR (puppeteer-core over WebDriver
// BiDi), on `make run`'s whole system (run.sh: Janus, the contact service,
// both sites over HTTPS with the strict CSP): a callback request with the
// keyboard alone, the confirmation and the status screen; then the real
// call — the officer in Chromium's console calls back by video and the
// citizen joins in Firefox from the invitation link (device check, waiting
// room, call: video both ways, the verified officer, the same code, real-time
// text both ways, hang-up) — and the other way round, the officer in
// Firefox with the citizen in Chromium. axe-core (WCAG 2.2 AA) on every
// screen in both themes, and no CSP violation. Firefox has no
// MediaStreamTrackProcessor: the camera is read on the page (capture.js).
// Screenshots: build/test-output/screenshots/firefox-*.png.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, shotDir, buildDir } from './lib.mjs';
import { startSystem } from './system-lib.mjs';
import { launchFirefox, firefoxVersion, deepFind, deepFocused, axeSource, AXE_TAGS } from './engines.mjs';
import { officerBin, totpSource } from '../contact/lib.mjs';
import { requestByKeyboard } from './widget-lib.mjs';

const PASSWORD = 'correct horse battery staple';
const sys = await startSystem('firefox');
const codes = {};
for (const user of ['jan']) {
  execFileSync(officerBin, ['--db', join(sys.runDir, 'contact.db'), 'password', user, '--iterations', '10000'],
    { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  const made = execFileSync(officerBin, ['--db', join(sys.runDir, 'contact.db'), 'totp', user], { encoding: 'utf8' });
  codes[user] = totpSource(/^secret ([A-Z2-7]+)$/m.exec(made)[1]);
}
const officerFiles = join(sys.runDir, 'ca', 'officers');
const firefox = await launchFirefox();
const chromium = await launch();
const problems = [];
const results = { browser: 'Firefox ESR', version: firefoxVersion(), verified: [] };

// ---- Firefox pages ------------------------------------------------------------

/** A Firefox tab recording CSP violations, page errors and console errors. */
async function ffPage(who, { width = 1000, height = 900 } = {}) {
  const page = await firefox.newPage();
  await page.setViewport({ width, height });
  await page.evaluateOnNewDocument(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => problems.push(`[firefox ${who}] ${e.message ?? e}`));
  page.on('console', (m) => { if (process.env.BB_DEBUG) console.log(`[firefox ${who} ${m.type()}] ${m.text()}`); if (m.type() === 'error') problems.push(`[firefox ${who} console] ${m.text()}`); });
  return page;
}
const waitIn = (page, fn, timeout, ...args) => page.waitForFunction(fn, { timeout, polling: 100 }, ...args);
const screenOf = (page) => page.evaluate(() => document.querySelector('beeldbel-widget')?.screen ?? null);
async function waitScreen(page, name, timeout = 20000) {
  try {
    await waitIn(page, (n) => document.querySelector('beeldbel-widget')?.screen === n, timeout, name);
  } catch (e) {
    throw new Error(`screen ${await screenOf(page)} (wanted ${name}); ${problems.join('\n')}\n${e.message}`);
  }
}
/** In-page: the widget's screen text contains t. */
const widgetSays = (t) => document.querySelector('beeldbel-widget')?.shadowRoot.querySelector('.bb-screen')?.textContent.includes(t);
/** Clicks the visible element matching sel whose text or label contains text (through shadow roots). */
async function clickOn(page, sel, text) {
  const el = (await page.evaluateHandle(deepFind, sel, text)).asElement();
  if (!el) throw new Error(`no ${sel} "${text}" to click`);
  await el.click();
}
async function tabTo(page, text, { max = 40, shift = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (shift) await page.keyboard.down('Shift');
    await page.keyboard.press('Tab');
    if (shift) await page.keyboard.up('Shift');
    const f = await page.evaluate(deepFocused);
    if (f && f.label.includes(text)) return f;
  }
  throw new Error(`keyboard: "${text}" not reached in ${max} Tab presses`);
}
/** axe-core on the page; returns the violations as lines. */
async function axe(page, what) {
  // Injected by the driver, which the page's CSP does not govern.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  console.log(`  axe ${what}: ${r.passes.length} rules passed, ${r.violations.length} violated`);
  return r.violations.map((v) => `${what} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
/** The widget's screen in both themes (its own high-contrast switch): axe and a screenshot each, back to normal after. */
let themeMs = 0;   // time the test spends in these checks, taken out of the call's timings
async function widgetBothThemes(page, name) {
  const out = [], t0 = Date.now();
  const pressed = () => page.evaluate(() => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-contrast').getAttribute('aria-pressed') === 'true');
  for (const theme of ['normal', 'contrast', 'back']) {
    if (await pressed() !== (theme === 'contrast')) await clickOn(page, 'button.bb-contrast', null);
    assertEq(await pressed(), theme === 'contrast', `${name}: ${theme} theme`);
    if (theme === 'back') break;
    out.push(...await axe(page, `${name}/${theme}`));
    await page.screenshot({ path: join(shotDir, `firefox-${name}-${theme}.png`), fullPage: true });
  }
  themeMs += Date.now() - t0;
  return out;
}
const cspOf = (page) => page.evaluate(() => window.__csp ?? []);

// ---- Chromium officer ------------------------------------------------------------

async function chromiumPage(who) {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => problems.push(`[chromium ${who}] ${e}`));
  return { context, page };
}

/** A citizen's video request, as the widget sends it. */
async function newRequest(name) {
  const res = await fetch(`${sys.httpUrl}/api/v1/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, phone: '06 12345678', neighbourhood: 'groningen-noord', topic: 'Fietsen in de gang',
      preference: 'video', window: 'any', needs: [], lang: 'nl' }) });
  assertEq(res.status, 201);
  return (await res.json()).reference;
}

let reference, invitationUrl, officer, citizen;

// ---- the request flow ------------------------------------------------------------

test('request_by_keyboard_alone_confirmation_and_status_with_axe_in_both_themes', async () => {
  const page = await ffPage('request');
  await page.goto(`${sys.httpUrl}/demo/`);
  await waitScreen(page, 'request');
  results.features = await page.evaluate(() => ({ RTCPeerConnection: typeof RTCPeerConnection, WebAssembly: typeof WebAssembly,
    VideoEncoder: typeof VideoEncoder, AudioWorkletNode: typeof AudioWorkletNode, MediaStreamTrackProcessor: typeof MediaStreamTrackProcessor }));
  results.notWorking = results.features.MediaStreamTrackProcessor === 'undefined'
    ? ['no MediaStreamTrackProcessor: the camera is read on the page, not in the engine\'s Worker'] : [];
  const violations = await widgetBothThemes(page, 'request');
  // The same keys as in Chromium's widget suite (puppeteer names the space bar ' ').
  await requestByKeyboard({ tabTo: (t) => tabTo(page, t), type: (t) => page.keyboard.type(t),
    press: (key) => page.keyboard.press(key === 'Space' ? ' ' : key) });
  await waitScreen(page, 'confirm');
  reference = await page.evaluate(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-reference]').dataset.reference);
  assert(/^BB-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(reference), reference);
  // Firefox can make the call: no note that it cannot.
  assertEq(await page.evaluate(() => !!document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-no-video]')), false);
  violations.push(...await widgetBothThemes(page, 'confirm'));
  // The status, from the confirmation with the reference filled in, by keyboard.
  await tabTo(page, 'Bekijk of trek dit verzoek in');
  await page.keyboard.press('Enter');
  await waitScreen(page, 'status');
  await tabTo(page, 'Je telefoonnummer');
  await page.keyboard.type('06 12345678');
  await tabTo(page, 'Bekijk mijn verzoek');
  await page.keyboard.press('Enter');
  await waitIn(page, () => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-status="queued"]'), 10000);
  violations.push(...await widgetBothThemes(page, 'status'));
  assertEq((await cspOf(page)).join('\n'), '', 'CSP violations');
  await page.close();
  assertEq(violations.join('\n'), '', 'axe: ');
  results.verified.push('request form by keyboard', 'confirmation', 'status');
});

// ---- the call: officer in Chromium, citizen in Firefox ------------------------------

/** The officer (Chromium console) claims `ref`, calls back by video, loads jan's certificate; returns the link. */
async function officerCallsBack(page, ref) {
  await page.goto(`${sys.consoleUrl}/console/`);
  await page.fill('#username', 'jan');
  await page.fill('#password', PASSWORD);
  await page.fill('#code', await codes.jan());
  await page.press('#code', 'Enter');
  const card = page.locator('article', { hasText: ref });
  await card.getByRole('button', { name: 'Oppakken' }).click({ timeout: 15000 });
  await card.getByRole('button', { name: 'Terugbellen met beeld' }).click({ timeout: 10000 });
  const link = await page.getByLabel('Uitnodigingslink').inputValue({ timeout: 15000 });
  await page.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)')
    .setInputFiles([join(officerFiles, 'jan-de-vries.pem'), join(officerFiles, 'jan-de-vries.key')]);
  await page.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 5000 });
  return link;
}
/** The officer joins the prepared call: waiting for the citizen, or with them at once. */
async function officerJoins(page) {
  await page.locator('#call-view').getByRole('button', { name: 'Deelnemen aan het gesprek' }).click();
  await page.waitForFunction(() => ['waiting', 'connected'].includes(document.querySelector('#call-view .call-state')?.dataset.state),
    null, { timeout: 30000 });
}

/** Both sides of the call as they stand: tiles, states and the engines' last status, for a failure's message. */
async function callState() {
  const tiles = (root) => [...root.querySelectorAll('.bb-tile')].map((t) => `${t.dataset.role}:${t.dataset.video}`).join(' ');
  const o = await officer.page.evaluate(`({ state: document.querySelector('#call-view .call-state')?.dataset.state,
    tiles: (${tiles})(document.querySelector('#call-view') ?? document) })`).catch((e) => String(e));
  const c = await citizen.evaluate(`(() => { const w = document.querySelector('beeldbel-widget'), s = w?._store?.session;
    return { screen: w?.screen, tiles: (${tiles})(w.shadowRoot), session: s?.state, transport: s?.transport?.state,
      stats: s?.stats && JSON.stringify(s.stats).slice(0, 600) }; })()`).catch((e) => String(e));
  return `officer (Chromium): ${JSON.stringify(o)}\ncitizen (Firefox): ${JSON.stringify(c)}\n${problems.join('\n')}`;
}

test('citizen_in_firefox_joins_the_officer_in_chromium_video_both_ways_verified_same_code', async () => {
  officer = await chromiumPage('officer');
  invitationUrl = await officerCallsBack(officer.page, reference);
  const page = citizen = await ffPage('citizen');
  const t0 = Date.now();
  themeMs = 0;
  await page.goto(invitationUrl);
  await waitScreen(page, 'redeem');
  const violations = await widgetBothThemes(page, 'invite');
  await clickOn(page, 'button', 'Deelnemen');
  await waitScreen(page, 'device');
  await waitIn(page, widgetSays, 20000, 'Je camera en microfoon werken.');
  violations.push(...await widgetBothThemes(page, 'device'));
  // The citizen comes first: the waiting room, until the officer joins.
  await clickOn(page, 'button', 'Naar de wachtkamer');
  await waitScreen(page, 'waiting');
  violations.push(...await widgetBothThemes(page, 'waiting'));
  const tJoin = Date.now();
  await officerJoins(officer.page);
  await waitScreen(page, 'call', 45000);
  const connectedMs = Date.now() - t0;
  // The first decoded frame on each side, timed from opening the link.
  const [officerFirst, citizenFirst] = await Promise.all([
    officer.page.locator('#call-view figure.bb-tile[data-role="citizen"][data-video="playing"]').waitFor({ timeout: 30000 })
      .then(() => Date.now() - t0),
    waitIn(page, () => document.querySelector('beeldbel-widget').shadowRoot
      .querySelector('.bb-tile[data-role="officer"][data-video="playing"]'), 30000).then(() => Date.now() - t0),
  ]).then((ms) => ms.map((x) => x - themeMs), async (e) => { throw new Error(`${e.message}\n${await callState()}`); });
  const afterJoin = (x) => x + themeMs - (tJoin - t0);
  console.log(`  from opening the link (the test's ${themeMs} ms of accessibility checks and screenshots taken out): call screen ${connectedMs - themeMs} ms, ` +
    `first decoded frame at the officer (Chromium) ${officerFirst} ms, at the citizen (Firefox) ${citizenFirst} ms; ` +
    `from the officer's join, with the citizen waiting: ${afterJoin(officerFirst)} ms and ${afterJoin(citizenFirst)} ms`);
  results.firstFrame = { officerChromiumMs: officerFirst, citizenFirefoxMs: citizenFirst };
  // The citizen in Firefox sees the verified officer; both read the same code.
  await waitIn(page, () => document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-identity [data-sas]'), 15000);
  const badge = await page.evaluate(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-identity').textContent);
  assert(badge.includes('Geverifieerde politiemedewerker') && badge.includes('Jan de Vries'), badge);
  const citizenCode = await page.evaluate(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-sas]').textContent);
  await officer.page.locator('#call-view [data-sas]').waitFor({ timeout: 10000 });
  const officerCode = await officer.page.locator('#call-view [data-sas]').textContent();
  assert(/^\d{3} \d{3}$/.test(officerCode), officerCode);
  assertEq(citizenCode, officerCode, 'the same code on both sides');
  // Video keeps coming in Firefox: the officer's tile changes.
  const tileHash = () => page.evaluate(() => {
    const c = document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-tile[data-role="officer"] canvas');
    return c ? `${c.width}x${c.height}:${c.toDataURL().length}:${c.toDataURL().slice(-64)}` : null;
  });
  const a = await tileHash();
  let b = a;
  const t1 = Date.now();
  while (b === a && Date.now() - t1 < 10000) { await new Promise((r) => setTimeout(r, 250)); b = await tileHash(); }
  assert(a !== b, `the officer's picture does not change in Firefox: ${a}`);
  violations.push(...await widgetBothThemes(page, 'call'));
  assertEq(violations.join('\n'), '', 'axe: ');
  results.verified.push('invitation', 'device check (fake camera)', 'waiting room (the citizen first)', 'call with a Chromium officer', 'verified officer and code');
});

test('real_time_text_both_ways_and_hang_up_from_firefox', async () => {
  const page = citizen, p = officer.page;
  await p.getByLabel(/^Uw tekst/).focus();
  await p.keyboard.type('Goedemiddag Anna', { delay: 20 });
  await waitIn(page, () => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-rtt-typing')?.textContent.includes('Goedemiddag Anna'), 5000);
  await p.keyboard.press('Enter');
  await waitIn(page, () => [...document.querySelector('beeldbel-widget').shadowRoot
    .querySelectorAll('.bb-rtt-line--theirs')].some((l) => l.textContent.includes('Goedemiddag Anna')), 5000);
  const input = (await page.evaluateHandle(deepFind, 'textarea, input', 'Jouw tekst')).asElement();
  await input.focus();
  await page.keyboard.type('Dag agent', { delay: 20 });
  await page.keyboard.press('Enter');
  const theirs = p.locator('#call-view [role="log"] .bb-rtt-line--theirs');
  await theirs.waitFor({ timeout: 5000 });
  assertEq(await theirs.textContent(), 'Anna de Vries: Dag agent');
  // Hang up in Firefox, with its confirmation; the officer sees the call end.
  await clickOn(page, 'button', 'Ophangen');
  await waitIn(page, () => document.querySelector('beeldbel-widget').shadowRoot.querySelector('dialog[open]'), 5000);
  await clickOn(page, 'button', 'Ja, ophangen');
  await waitScreen(page, 'ended');
  const violations = await widgetBothThemes(page, 'ended');
  // The officer stays in the call, alone again: waiting, the citizen's tile gone.
  await p.waitForFunction(() => document.querySelector('#call-view .call-state')?.dataset.state === 'waiting'
    && !document.querySelector('#call-view figure.bb-tile[data-role="citizen"]'), null, { timeout: 30000 });
  assertEq((await cspOf(page)).join('\n'), '', 'CSP violations in Firefox');
  assertEq(problems.join('\n'), '', 'page errors');
  assertEq(violations.join('\n'), '', 'axe: ');
  await page.close();
  await officer.context.close();
  results.verified.push('real-time text both ways', 'hang-up', 'the ended screen');
});

// ---- the call: officer in Firefox, citizen in Chromium ------------------------------

test('officer_in_firefox_calls_back_and_the_citizen_in_chromium_joins', async () => {
  const ref = await newRequest('Bram Bakker');
  const p = await ffPage('officer', { width: 1280, height: 900 });
  await p.goto(`${sys.consoleUrl}/console/`);
  await p.waitForSelector('#username');
  await p.type('#username', 'jan');
  await p.type('#password', PASSWORD);
  await p.type('#code', await codes.jan());
  await p.keyboard.press('Enter');
  // The request's card's button with this label, once it is there.
  const cardButton = (r, l) => [...([...document.querySelectorAll('article')].find((a) => a.textContent.includes(r))
    ?.querySelectorAll('button') ?? [])].find((b) => b.textContent.trim() === l);
  for (const label of ['Oppakken', 'Terugbellen met beeld']) await (await waitIn(p, cardButton, 15000, ref, label)).asElement().click();
  await waitIn(p, () => /#invite=/.test(document.querySelector('input[id^="invite-"]')?.value ?? ''), 15000);
  const link = await p.evaluate(() => document.querySelector('input[id^="invite-"]').value);
  const files = await p.$('#call-files');
  await files.uploadFile(join(officerFiles, 'jan-de-vries.pem'), join(officerFiles, 'jan-de-vries.key'));
  await waitIn(p, () => document.querySelector('#call-files-status')?.dataset.ready === 'true', 5000);
  await clickOn(p, '#call-view button', 'Deelnemen aan het gesprek');
  await waitIn(p, () => document.querySelector('#call-view .call-state')?.dataset.state === 'waiting', 30000);
  // The citizen, in Chromium.
  const c = await chromiumPage('citizen');
  const t0 = Date.now();
  await c.page.goto(link);
  const w = c.page.locator('beeldbel-widget');
  await w.getByRole('button', { name: 'Deelnemen' }).click({ timeout: 15000 });
  await w.locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor({ timeout: 20000 });
  await w.getByRole('button', { name: 'Naar de wachtkamer' }).click();
  const [officerFirst, citizenFirst] = await Promise.all([
    waitIn(p, () => document.querySelector('#call-view figure.bb-tile[data-role="citizen"][data-video="playing"]'), 45000).then(() => Date.now() - t0),
    c.page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot
      .querySelector('.bb-tile[data-role="officer"][data-video="playing"]'), null, { timeout: 45000 }).then(() => Date.now() - t0),
  ]);
  console.log(`  from opening the link: first decoded frame at the officer (Firefox) ${officerFirst} ms, at the citizen (Chromium) ${citizenFirst} ms`);
  results.firstFrameOfficerInFirefox = { officerFirefoxMs: officerFirst, citizenChromiumMs: citizenFirst };
  await waitIn(p, () => document.querySelector('#call-view [data-sas]'), 15000);
  const officerCode = await p.evaluate(() => document.querySelector('#call-view [data-sas]').textContent);
  await w.locator('[data-sas]').waitFor({ timeout: 15000 });
  assertEq(await w.locator('[data-sas]').textContent(), officerCode, 'the same code');
  assert((await w.locator('.bb-identity').textContent()).includes('Geverifieerde politiemedewerker'), 'verified');
  // The console in both themes in Firefox (the page follows the system's contrast setting).
  const violations = [];
  for (const theme of ['auto', 'more']) {
    await p.evaluate((v) => { document.body.dataset.contrast = v; }, theme);
    violations.push(...await axe(p, `console-call/${theme}`));
    await p.screenshot({ path: join(shotDir, `firefox-console-call-${theme}.png`), fullPage: true });
  }
  // The officer hangs up in Firefox; the citizen's widget ends.
  await clickOn(p, '#call-view button', 'Ophangen');
  await waitIn(p, () => document.querySelector('#call-view dialog[open]'), 5000);
  await clickOn(p, '#call-view dialog button', 'Ja, ophangen');
  await waitIn(p, () => document.querySelector('#call-view .call-state')?.dataset.state === 'ended', 10000);
  // The citizen's widget no longer shows the officer.
  await c.page.waitForFunction(() => !document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-tile[data-role="officer"]'),
    null, { timeout: 30000 });
  assertEq((await cspOf(p)).join('\n'), '', 'CSP violations in the console');
  assertEq(problems.join('\n'), '', 'page errors');
  assertEq(violations.join('\n'), '', 'axe: ');
  await c.context.close();
  results.verified.push('console call as the officer, with a Chromium citizen');
});

test('results_for_the_support_table', () => {
  writeFileSync(join(buildDir, 'test-output', 'support-firefox.json'), JSON.stringify(results, null, 1));
  assert(results.verified.length > 0, 'something verified');
});

await run({ exit: true });
