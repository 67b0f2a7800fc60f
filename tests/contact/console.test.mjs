// The browser flow on `make run`'s system (src/system/run.sh: Janus, web
// server with the /api/ proxy, contact service) in Debian's Chromium:
// a citizen's callback request -> the officer console (keyboard only) ->
// claim -> call back by video -> the citizen redeems the invitation -> both
// sides' credentials join the same Janus VideoRoom room (the call itself
// comes with the call issue). Plus axe-core on the console, a reused link,
// and stopping run.sh stopping the contact service.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, axeSource, shotDir, seedTestCa } from '../browser/lib.mjs';
import { startSystem } from '../browser/system-lib.mjs';
import { root, buildDir, officerBin, totp } from './lib.mjs';

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const PASSWORD = 'correct horse battery staple';
const runDir = join(buildDir, 'test-output', 'contact-run');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
seedTestCa(runDir);
for (const [user, name] of [['noord', 'Wijkagent Jansen'], ['noord-axe', 'Wijkagent Axe']]) {
  execFileSync(officerBin, ['--db', join(runDir, 'contact.db'), 'add', user, '--name', name, '--team', 'Basisteam Groningen',
    '--neighbourhoods', 'groningen-noord', '--number', '900001', '--iterations', '10000'], { input: `${PASSWORD}\n` });
}
execFileSync(officerBin, ['--db', join(runDir, 'contact.db'), 'add', 'leiding', '--role', 'team-lead', '--name', 'Teamleider Noord',
  '--team', 'Basisteam Groningen', '--neighbourhoods', 'groningen-noord', '--iterations', '10000'], { input: `${PASSWORD}\n` });
execFileSync(officerBin, ['--db', join(runDir, 'contact.db'), 'add', 'balie', '--role', 'service-centre', '--name', 'Medewerker Balie',
  '--team', 'Servicecentrum 0900-8844', '--iterations', '10000'], { input: `${PASSWORD}\n` });
const [httpPort, wsPort, contactPort, janusHttpPort, consolePort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
const rtpBase = 40000 + Math.floor(Math.random() * 200) * 100;
const readyFile = join(runDir, 'ready');
const system = spawn('bash', [join(root, 'src', 'system', 'run.sh')], {
  cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, BB_HTTP_PORT: String(httpPort), BB_JANUS_WS_PORT: String(wsPort), BB_CONSOLE_PORT: String(consolePort),
    BB_CONTACT_PORT: String(contactPort), BB_JANUS_HTTP_PORT: String(janusHttpPort),
    BB_RTP_RANGE: `${rtpBase}-${rtpBase + 99}`, BB_RUN_DIR: runDir, BB_READY_FILE: readyFile },
});
let output = '';
system.stdout.on('data', (d) => { output += d; });
system.stderr.on('data', (d) => { output += d; });
const exited = new Promise((r) => system.on('exit', (code, sig) => r({ code, sig })));
const site = `https://127.0.0.1:${httpPort}`, consoleSite = `https://127.0.0.1:${consolePort}`;

const browser = await launch();
const TOPIC = 'Overlast <img src=x onerror="window.__xss=1"> in mijn straat';
let reference, repeated, officerCall, invitationUrl, citizenCall;

/** The first login of an account: password, then enrolling the second factor it is offered. */
async function firstLogin(page, user) {
  await page.goto(`${consoleSite}/console/`);
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await page.press('#password', 'Enter');
  await page.locator('#enrol-view').waitFor({ timeout: 10000 });
  await page.fill('#enrol-code', totp((await page.locator('#enrol-key').textContent()).replace(/ /g, '')));
  await page.press('#enrol-code', 'Enter');
}

/** axe-core (WCAG 2.2 AA) on the page as it is, in the normal and the high-contrast theme. */
async function axeInBothThemes(page, what) {
  for (const contrast of ['no-preference', 'more']) {
    await page.emulateMedia({ contrast });
    await page.addScriptTag({ content: axeSource });
    const r = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    assertEq(r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n'), '', `${what} (${contrast}): `);
  }
}

// Joins a VideoRoom room as a publisher from a page, with a token and PIN.
async function joinRoom(page, call, display) {
  return page.evaluate(async ({ url, token, room, pin, display }) => {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise((res, rej) => { ws.onopen = res; ws.onerror = () => rej(new Error('ws error')); });
    const send = (msg) => new Promise((res) => {
      msg.transaction = Math.random().toString(36).slice(2);
      msg.token = token;
      const h = (ev) => {
        const m = JSON.parse(ev.data);
        if (m.transaction === msg.transaction && m.janus !== 'ack') { ws.removeEventListener('message', h); res(m); }
      };
      ws.addEventListener('message', h);
      ws.send(JSON.stringify(msg));
    });
    const s = await send({ janus: 'create' });
    if (s.janus !== 'success') return { error: s };
    const h = await send({ janus: 'attach', session_id: s.data.id, plugin: 'janus.plugin.videoroom' });
    const j = await send({ janus: 'message', session_id: s.data.id, handle_id: h.data.id,
      body: { request: 'join', ptype: 'publisher', room, pin, display, token } });
    // Keep the session open so the other side sees this one in the room.
    window.__janus = ws;
    return j.plugindata?.data ?? { error: j };
  }, { url: call.janus_url, token: call.janus_token, room: call.room, pin: call.pin, display });
}

test('run_sh_starts_the_contact_service_behind_the_web_server', async () => {
  for (let i = 0; i < 200; i++) {
    try { readFileSync(readyFile); break; } catch { /* not yet */ }
    if (system.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert(output.includes(`${consoleSite}/console/`), output);
  // Nothing leaves loopback unless asked for (BB_NET=host).
  assert(output.includes('network mode: loopback'), output);
  const r = await fetch(`${site}/api/v1/health`);
  assertEq(r.status, 200, await r.text());
});

test('make_run_makes_demo_accounts_and_says_how_to_try_a_call', async () => {
  assert(output.includes('try a call') && output.includes(`${site}/demo/`), output);
  const m = /log in as jan \/ (\S+),/.exec(output);
  const secret = /authenticator app given the secret ([A-Z2-7]{32})/.exec(output)?.[1];
  assert(m && secret, output);
  // The printed password and second factor work, for the account with the demo certificate's number;
  // the password alone does not.
  const login = (body) => fetch(`${consoleSite}/api/v1/officer/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) });
  assertEq((await login({ username: 'jan', password: m[1] })).status, 401);
  // In the console's form, with the code as an authenticator app shows it.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${consoleSite}/console/`);
  await page.fill('#username', 'jan');
  await page.fill('#password', m[1]);
  await page.fill('#code', totp(secret).replace(/(\d{3})/, '$1 '));
  await page.press('#code', 'Enter');
  await page.locator('#queue-view').waitFor({ timeout: 10000 });
  assertEq(await page.locator('#code').inputValue(), '', 'the code is not kept in the form');
  await ctx.close();
  for (const log of ['contact.log', 'web.log', 'janus.log']) {
    const text = readFileSync(join(runDir, log), 'utf8');
    assert(!text.includes(m[1]) && !text.includes(secret), `no password or secret in ${log}`);
  }
  for (const user of ['sanne', 'ahmed']) {
    const has = spawnSync(officerBin, ['--db', join(runDir, 'contact.db'), 'has', user]);
    assertEq(has.status, 0, `${user} exists`);
  }
});

test('the_console_has_an_origin_of_its_own_and_the_public_site_no_officer_api', async () => {
  const status = async (url, init) => (await fetch(url, init)).status;
  assertEq(await status(`${site}/console/`), 404, 'no console on the public site');
  assertEq(await status(`${site}/api/v1/officer/queue`), 404, 'no officer API on the public site');
  assertEq(await status(`${site}/api/v1/officer/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'noord', password: PASSWORD }) }), 404);
  assertEq(await status(`${consoleSite}/demo/`), 404, 'no widget pages on the console site');
  // Nor by another spelling of the same path (sent as is, not normalised by a URL parser).
  const { get } = await import('node:https');
  const raw = (port, path) => new Promise((resolve, reject) => get({ host: '127.0.0.1', port, path }, (res) => {
    res.resume();
    resolve(res.statusCode);
  }).on('error', reject));
  for (const path of ['/./console/', '//console/index.html', '/demo/../console/', '/%2e/console/']) {
    assertEq(await raw(httpPort, path), 404, `public site ${path}`);
  }
  assertEq(await raw(consolePort, '/console/../demo/'), 404, 'console site /console/../demo/');
  assertEq(await status(`${consoleSite}/api/v1/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }), 404);
  const page = await fetch(`${consoleSite}/console/`);
  assertEq(page.status, 200);
  const csp = page.headers.get('content-security-policy');
  // Scripts and Workers only by URL from the console's own origin; blob: only for pictures (a photo
  // shared in a call is shown from its checked bytes).
  const directive = (name) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
  assert(/script-src 'self' 'wasm-unsafe-eval';/.test(csp) && /frame-ancestors 'none'/.test(csp), csp);
  assert(!/blob:/.test(directive('script-src')) && !/blob:/.test(directive('worker-src')), csp);
  assertEq(directive('img-src'), "img-src 'self' data: blob:");
  assert(/blob:/.test((await fetch(`${site}/demo/`)).headers.get('content-security-policy')), 'the widget\'s own CSP stays');
});

test('citizen_request_through_the_proxy', async () => {
  const page = await browser.newPage();
  await page.goto(`${site}/demo/`);
  const send = (topic) => page.evaluate(async (t) => {
    const res = await fetch('/api/v1/requests', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Anna de Vries', phone: '06 12345678', postcode: '9742 AB', topic: t,
        preference: 'video', window: 'morning', needs: ['sign_language', 'captions'] }) });
    return { status: res.status, json: await res.json() };
  }, topic);
  const r = await send(TOPIC);
  assertEq(r.status, 201, JSON.stringify(r.json));
  assertEq(r.json.neighbourhood, 'groningen-noord');
  reference = r.json.reference;
  // The same number again: the same answer; the officer sees it flagged.
  const again = await send(`Nog eens: ${TOPIC}`);
  await page.close();
  assertEq(again.status, 201, JSON.stringify(again.json));
  repeated = again.json.reference;
});

const officerCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const officer = await officerCtx.newPage();
officer.on('pageerror', (e) => { output += `\nconsole page error: ${e}`; });

test('officer_logs_in_with_the_keyboard_and_sees_the_queue_with_access_needs', async () => {
  await officer.goto(`${consoleSite}/console/`);
  await officer.keyboard.press('Tab'); // skip link
  await officer.keyboard.press('Tab'); // language
  await officer.focus('#username');
  await officer.keyboard.type('noord');
  await officer.keyboard.press('Tab');
  await officer.keyboard.type(PASSWORD);
  await officer.keyboard.press('Enter');
  // A new account sets up its second factor first: the QR code on the
  // screen, read as a phone's camera reads it, is the key an app takes.
  await officer.locator('#enrol-view').waitFor({ timeout: 10000 });
  assertEq(await officer.evaluate(() => document.activeElement.id), 'enrol-title', 'focus on the step to take');
  const shot = join(shotDir, 'console-enrolment.png');
  await officer.screenshot({ path: shot, fullPage: true });
  const read = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', shot], { encoding: 'utf8' });
  const uri = read.stdout.trim();
  const secret = /^otpauth:\/\/totp\/Beeldbel:noord\?secret=([A-Z2-7]{32})&issuer=Beeldbel&algorithm=SHA1&digits=6&period=30$/.exec(uri)?.[1];
  assert(secret, `QR code read as ${JSON.stringify(uri)} ${read.stderr}`);
  // The same key to type in, in groups of four.
  assertEq((await officer.locator('#enrol-key').textContent()).replace(/ /g, ''), secret);
  await officer.keyboard.press('Tab');
  assertEq(await officer.evaluate(() => document.activeElement.id), 'enrol-code');
  await officer.keyboard.type(totp(secret));
  await officer.keyboard.press('Enter');
  const card = officer.locator('article', { hasText: reference });
  await card.waitFor({ timeout: 10000 });
  const text = await card.innerText();
  assert(text.includes('gebarentolk') && text.includes('ondertiteling'), text);
  assert(text.includes('+31612345678'), 'phone in E.164');
  assert(text.includes(TOPIC), 'topic shown literally');
  assert(!text.includes('Mogelijk dubbel'), text);
  const second = await officer.locator('article', { hasText: repeated }).innerText();
  assert(second.includes('Mogelijk dubbel') && second.includes('1 keer eerder'), second);
  assertEq(await officer.evaluate(() => window.__xss), undefined, 'citizen text never became markup');
  assertEq(await officer.locator('article img').count(), 0);
  const cookies = await officerCtx.cookies(`${consoleSite}/api/v1/officer/queue`);
  const c = cookies.find((x) => x.name === '__Host-bb_session');
  assert(c && c.httpOnly && c.secure && c.sameSite === 'Strict' && c.path === '/', JSON.stringify(cookies));
  assertEq(await officer.evaluate(() => document.cookie), '', 'session cookie not readable from script');
});

test('officer_claims_and_calls_back_by_video_with_the_keyboard', async () => {
  await officer.evaluate(() => window.addEventListener('beeldbel:officer-call', (e) => { window.__call = e.detail.call; }));
  const card = officer.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Oppakken' }).focus();
  await officer.keyboard.press('Enter');
  const videoButton = officer.locator('article', { hasText: reference }).getByRole('button', { name: 'Terugbellen met beeld' });
  await videoButton.waitFor({ timeout: 10000 });
  await videoButton.focus();
  await officer.keyboard.press('Enter');
  const link = officer.getByLabel('Uitnodigingslink');
  await link.waitFor({ timeout: 15000 });
  invitationUrl = await link.inputValue();
  // The link carries the token the service issued and the call's key the console made.
  assert(new RegExp(`^${site}/demo/#invite=[A-Za-z0-9_-]{43}&key=[A-Za-z0-9_-]{43}$`).test(invitationUrl), invitationUrl);
  officerCall = await officer.evaluate(() => window.__call);
  assert(officerCall && officerCall.room > 0 && officerCall.janus_token && officerCall.pin, JSON.stringify(officerCall));
  // The screen reader hears that the call is ready.
  await officer.waitForFunction(() => /kamer/.test(document.getElementById('status').textContent), null, { timeout: 5000 });
  await officer.screenshot({ path: join(shotDir, 'console-invitation.png'), fullPage: true });
});

test('console_has_no_axe_violations_logged_out_and_with_a_queue', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const check = async (what) => {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    const v = result.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    assertEq(v.join('\n'), '', `${what}: `);
  };
  await page.goto(`${consoleSite}/console/`);
  await check('login');
  // The password can be shown while typing it, and is hidden again.
  await page.getByLabel('Wachtwoord tonen').check();
  assertEq(await page.locator('#password').getAttribute('type'), 'text');
  await page.getByLabel('Wachtwoord tonen').uncheck();
  assertEq(await page.locator('#password').getAttribute('type'), 'password');
  await page.fill('#username', 'noord-axe');
  await page.fill('#password', PASSWORD);
  await page.press('#password', 'Enter');
  await page.locator('#enrol-view').waitFor({ timeout: 10000 });
  for (const contrast of ['more', 'no-preference']) {
    await page.emulateMedia({ contrast });
    await check(`enrolment (contrast: ${contrast})`);
  }
  await page.screenshot({ path: join(shotDir, 'console-enrolment-contrast.png'), fullPage: true });
  // A wrong code keeps the officer on this step, told why.
  const secret = (await page.locator('#enrol-key').textContent()).replace(/ /g, '');
  await page.fill('#enrol-code', String((Number(totp(secret)) + 1) % 1000000).padStart(6, '0'));
  await page.press('#enrol-code', 'Enter');
  await page.locator('#error:not([hidden])').waitFor({ timeout: 10000 });
  assert(await page.locator('#enrol-view').isVisible(), 'still enrolling');
  await page.fill('#enrol-code', totp(secret));
  await page.press('#enrol-code', 'Enter');
  await page.locator('article').first().waitFor({ timeout: 10000 });
  await check('queue');
  await page.click('#lang');
  assertEq(await page.locator('#queue-title').textContent(), 'Callback requests');
  assertEq(await page.evaluate(() => document.documentElement.lang), 'en');
  await ctx.close();
});

test('the_service_centre_enters_a_request_for_a_caller_and_the_officer_sees_it_came_by_phone', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await firstLogin(page, 'balie');
  // The service centre's one view, with the keyboard from its heading.
  await page.locator('#intake-view').waitFor({ timeout: 10000 });
  assertEq(await page.evaluate(() => document.activeElement.id), 'intake-title');
  assertEq(await page.locator('#queue-view').isHidden(), true, 'no queue for the service centre');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Bert Beller');
  await page.keyboard.press('Tab');
  await page.keyboard.type('06 55544433');
  await page.fill('#intake-topic', 'Belt over fietsen in de portiek');
  await page.check('#intake-needs-captions');
  // Without the caller's consent nothing is sent.
  await page.getByRole('button', { name: 'Verzoek opslaan' }).click();
  await page.locator('#intake-consent-err:not([hidden])').waitFor();
  assertEq(await page.evaluate(() => document.activeElement.id), 'intake-consent');
  await page.keyboard.press('Space');
  await axeInBothThemes(page, 'intake');
  await page.screenshot({ path: join(shotDir, 'console-intake.png'), fullPage: true });
  await page.emulateMedia({ contrast: 'no-preference' });
  await page.getByRole('button', { name: 'Verzoek opslaan' }).click();
  const ref = page.locator('.intake-reference');
  await ref.waitFor({ timeout: 10000 });
  const reference = await ref.textContent();
  assert(/^BB-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(reference), reference);
  // Read out character by character.
  assertEq(await page.locator('.intake-spelled').textContent(), reference.split('-').map((g) => g.split('').join(' ')).join(' – '));
  await page.screenshot({ path: join(shotDir, 'console-intake-done.png'), fullPage: true });
  // Logged out, nothing of the caller stays in the page for whoever comes next.
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.locator('#login-view').waitFor();
  assert(!(await page.content()).includes(reference), 'the reference is gone after logout');
  // The officer of the neighbourhood sees it, marked as taken by phone.
  await officer.getByRole('button', { name: 'Vernieuwen' }).click();
  const card = officer.locator('article', { hasText: reference });
  await card.waitFor({ timeout: 10000 });
  assert((await card.innerText()).includes('via 0900-8844'), await card.innerText());
  // Days later, past its time window and nobody calling back yet: first in the list, said in words.
  execFileSync('sqlite3', [join(runDir, 'contact.db'), `UPDATE requests SET created_at = created_at - 172800 WHERE reference = '${reference}'`]);
  await officer.getByRole('button', { name: 'Vernieuwen' }).click();
  await officer.waitForFunction((ref) => document.querySelector('#queue article')?.textContent.includes(ref), reference, { timeout: 10000 });
  const first = await officer.locator('#queue article').first().innerText();
  assert(first.includes('Over tijd') && first.includes('Bel deze burger eerst'), first);
  await officer.screenshot({ path: join(shotDir, 'console-overdue.png'), fullPage: true });
  await ctx.close();
});

test('a_team_lead_reads_the_pilots_figures_and_downloads_them_with_no_person_in_them', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await firstLogin(page, 'leiding');
  await page.locator('#pilot-view table').waitFor({ timeout: 10000 });
  assertEq(await page.evaluate(() => document.activeElement.id), 'pilot-title');
  assertEq(await page.locator('#queue-view').isHidden(), true, 'no queue for a team lead');
  const text = await page.locator('#pilot-view table').innerText();
  assert(/Groningen-Noord/.test(text) && /<5/.test(text), text);
  // Every figure the CSV has, the answers after calls among them.
  assert(/Vragen beantwoord/.test(text) && /Gem\. oordeel/.test(text) && /Gem\. wachttijd/.test(text), text);
  await axeInBothThemes(page, 'pilot');
  await page.screenshot({ path: join(shotDir, 'console-pilot.png'), fullPage: true });
  // The CSV the link downloads: counts only.
  const csv = await page.evaluate(async () => (await fetch(document.getElementById('pilot-csv').href)).text());
  assert(csv.startsWith('week,neighbourhood,requests,'), csv.slice(0, 80));
  for (const marker of ['Anna', 'Bert', 'Beller', '+316', 'Overlast', 'fietsen', 'BB-', reference]) {
    assert(!csv.includes(marker), `${marker} in the CSV`);
  }
  await ctx.close();
});

const citizenCtx = await browser.newContext();
const citizen = await citizenCtx.newPage();

test('citizen_redeems_the_invitation_and_both_join_the_same_janus_room', async () => {
  // The widget reads #invite= itself on /demo/; this test
  // redeems the way it does, from a same-origin page without the widget.
  await citizen.goto(`${site}/api/v1/health`);
  const r = await citizen.evaluate(async (token) => {
    const res = await fetch('/api/v1/invitations/redeem', { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
    return { status: res.status, json: await res.json() };
  }, invitationUrl.split('#invite=')[1].split('&')[0]);
  assertEq(r.status, 200, JSON.stringify(r.json));
  citizenCall = r.json;
  assertEq(citizenCall.room, officerCall.room);
  assert(!('invitation_secret' in citizenCall), 'the service hands out no call secret');
  assertEq(citizenCall.officer.display_name, 'Wijkagent Jansen');
  assert(citizenCall.participant_id !== officerCall.participant_id);
  const a = await joinRoom(officer, officerCall, 'officer');
  const b = await joinRoom(citizen, citizenCall, 'citizen');
  assertEq(a.videoroom, 'joined', JSON.stringify(a));
  assertEq(b.videoroom, 'joined', JSON.stringify(b));
  assertEq(a.room, b.room);
  // Without the PIN the room refuses to be joined.
  const noPin = await joinRoom(citizen, { ...citizenCall, pin: 'wrong' }, 'intruder');
  assert(noPin.error_code, `joined without PIN: ${JSON.stringify(noPin)}`);
  // Nor with the PIN and a token Janus accepts that was not issued for this
  // room: one for another room, or one for no room at all.
  const secret = /^BB_JANUS_TOKEN_SECRET=(.*)$/m.exec(readFileSync(join(runDir, 'secrets.env'), 'utf8'))[1];
  const sign = (data) => `${data}:${createHmac('sha1', secret).update(data).digest('base64')}`;
  const expiry = Math.floor(Date.now() / 1000) + 600;
  for (const token of [sign(`${expiry},janus,janus.plugin.videoroom`),
    sign(`${expiry},janus,janus.plugin.videoroom,bb-call-${citizenCall.room + 1}-${citizenCall.participant_id}`)]) {
    const other = await joinRoom(citizen, { ...citizenCall, janus_token: token }, 'intruder');
    assertEq(other.error_code, 433, `joined with a token not on the room's list: ${JSON.stringify(other)}`);
  }
});

test('a_reused_invitation_link_gets_a_clear_refusal', async () => {
  const r = await citizen.evaluate(async (token) => {
    const res = await fetch('/api/v1/invitations/redeem', { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
    return { status: res.status, json: await res.json() };
  }, invitationUrl.split('#invite=')[1].split('&')[0]);
  assertEq(r.status, 410);
  assertEq(r.json.error.code, 'invitation_used');
  assert(/politie\.nl/.test(r.json.error.message.nl) && /politie\.nl/.test(r.json.error.message.en));
});

test('closing_the_request_destroys_its_janus_room', async () => {
  const card = officer.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Afronden' }).focus();
  await officer.keyboard.press('Enter');
  await card.waitFor({ state: 'detached', timeout: 10000 });
  const again = await joinRoom(citizen, citizenCall, 'late');
  assert(again.error_code, `room still joinable after close: ${JSON.stringify(again)}`);
});

test('stopping_run_sh_stops_the_contact_service', async () => {
  await browser.close();
  system.kill('SIGTERM');
  const { code } = await exited;
  assertEq(code, 0, output);
  const closed = await new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false)).listen(contactPort, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  assert(closed, 'contact port released');
  const log = readFileSync(join(runDir, 'contact.log'), 'utf8');
  assert(!/Anna|612345678|Overlast/.test(log), 'no personal data in the log');
});

test('with_BB_DEMO_0_make_run_makes_no_demo_accounts', async () => {
  const other = await startSystem('contact-run-nodemo', { BB_DEMO: '0' });
  try {
    assert(/no demo accounts/.test(other.output()) && !/try a call/.test(other.output()), other.output());
    assertEq(spawnSync(officerBin, ['--db', join(other.runDir, 'contact.db'), 'has', 'jan']).status, 1, 'no account jan');
  } finally {
    const { code } = await other.stop();
    assertEq(code, 0, other.output());
  }
});

try {
  await run();
} finally {
  if (system.exitCode === null) system.kill('SIGTERM');
  await browser.close().catch(() => {});
}
