// A Janus server killed during a call: `BB_SCALE=demo make run`'s layout
// (two Janus servers, two contact service instances on PostgreSQL, the web
// servers' proxy), the officer in the console and the citizen in the widget
// in a video call; the Janus the call is on is killed with -9 (run.sh leaves
// one of two down), and both sides ask the contact service where the call
// is now, join it on the other server by themselves and see each other's
// video again within 10 s, their key agreement (and its code) carried over.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, shotDir } from '../browser/lib.mjs';
import { startSystem, freePort } from '../browser/system-lib.mjs';
import { waitScreen as waitWidgetScreen } from '../browser/widget-lib.mjs';
import { officerBin, totpSource, consoleCallState } from './lib.mjs';

const PASSWORD = 'correct horse battery staple';
const CITIZEN = 'Anna de Vries';
const [wsPort2, pgPort, contactPort, contactPort2] = [await freePort(), await freePort(), await freePort(), await freePort()];
const rtp2 = 30000 + Math.floor(Math.random() * 90) * 100;
const sys = await startSystem('failover', { BB_SCALE: 'demo', BB_JANUS_WS_PORT2: String(wsPort2),
  BB_RTP_RANGE2: `${rtp2}-${rtp2 + 99}`, BB_PG_PORT: String(pgPort), BB_CONTACT_PORT: String(contactPort),
  BB_CONTACT_PORT2: String(contactPort2) });
const db = `postgresql://beeldbel:${readFileSync(`${sys.runDir}-postgres/password`, 'utf8').trim()}@127.0.0.1:${pgPort}/beeldbel`;
execFileSync(officerBin, ['password', 'jan', '--iterations', '10000'],
  { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, BB_CONTACT_DB: db } });
const made = execFileSync(officerBin, ['totp', 'jan'], { encoding: 'utf8', env: { ...process.env, BB_CONTACT_DB: db } });
const code = totpSource(/^secret ([A-Z2-7]+)$/m.exec(made)[1]);
const officerFiles = join(sys.runDir, 'ca', 'officers');
const browser = await launch();
const problems = [];
let officer, citizen, invitationUrl;

async function openPage(who) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 850 } });
  // The engine Worker's last status (keys, counters, what each peer's media does), for the
  // printout when the call does not come back.
  await context.addInitScript(() => {
    const W = window.Worker;
    window.Worker = class extends W {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => { if (e.data && e.data.media && e.data.counts) window.__bbStatus = e.data; });
      }
    };
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`[${who}] ${e}`));
  page.on('console', (m) => { if (process.env.BB_DEBUG) console.log(`  [${who} ${m.type()}] ${m.text()}`); });
  // What each side told Janus and heard from it, and where the contact service sent it: printed
  // when the call does not come back, to tell a missed join from a rejoin under another feed id.
  page.on('websocket', (ws) => {
    const port = new URL(ws.url()).port;
    const note = (dir) => (f) => mark(`${who} ${dir}${port} ${janusSummary(f.payload)}`);
    ws.on('framesent', note('>'));
    ws.on('framereceived', note('<'));
    ws.on('close', () => mark(`${who} closed ${port}`));
  });
  page.on('response', (r) => {
    if (r.url().includes('/calls/where')) {
      r.text().then((t) => mark(`${who} where ${r.status()} ${t.replace(/"janus_token":"[^"]*"/, '"janus_token":…').slice(0, 200)}`)).catch(() => {});
    }
  });
  return { context, page };
}
const trail = [];
let trailStart = Date.now();
/** A line of the trail, with the seconds since the kill. */
const mark = (line) => trail.push(`${((Date.now() - trailStart) / 1000).toFixed(2)} ${line}`);
/** One line of a Janus message: its kind, the VideoRoom event and who is in it; no SDP. */
function janusSummary(text) {
  let m;
  try { m = JSON.parse(typeof text === 'string' ? text : ''); } catch { return '(not JSON)'; }
  if (m.janus === 'keepalive' || m.janus === 'ack') return m.janus;
  const body = m.body ?? {}, data = m.plugindata?.data ?? {};
  const bits = [m.janus, body.request, body.ptype, body.id ?? body.feed, data.videoroom, data.id,
    data.publishers && `publishers=${data.publishers.map((x) => x.id).join(',')}`,
    data.leaving && `leaving=${data.leaving}`, data.unpublished && `unpublished=${data.unpublished}`,
    data.error_code && `error=${data.error_code} ${data.error}`, m.error && `error=${m.error.code} ${m.error.reason}`,
    (m.jsep || body.streams || body.subscribe) && `${m.jsep?.type ?? ''}${JSON.stringify(body.streams ?? body.subscribe ?? '')}`];
  return bits.filter((x) => x !== undefined && x !== null && x !== '').join(' ');
}
const widget = () => citizen.page.locator('beeldbel-widget');
const { state: officerState, wait: waitOfficerState } = consoleCallState(() => officer.page, problems);
/** The Janus WebSocket ports the browsers hold connections to. */
function janusInUse() {
  const out = execFileSync('ss', ['-Htn', 'state', 'established'], { encoding: 'utf8' });
  return [sys.wsPort, wsPort2].filter((p) => out.includes(`127.0.0.1:${p} `));
}
/** A changing, non-empty picture on the officer's tile of the citizen. */
async function officerSeesVideo(timeout) {
  await officer.page.waitForFunction(() => {
    const c = document.querySelector('#call-view figure.bb-tile[data-role="citizen"][data-video="playing"] canvas');
    if (!c) return false;
    const probe = document.createElement('canvas');
    probe.width = 32; probe.height = 18;
    const ctx = probe.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(c, 0, 0, 32, 18);
    const d = ctx.getImageData(0, 0, 32, 18).data;
    let hash = 0, sum = 0;
    for (let i = 0; i < d.length; i += 4) { hash = (hash * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13) >>> 0; sum += (d[i] + d[i + 1] + d[i + 2]) / 3; }
    const seen = window.__seen ?? (window.__seen = new Set());
    seen.add(hash);
    return sum / (d.length / 4) > 10 && seen.size >= 3;
  }, null, { timeout, polling: 100 });
  await officer.page.evaluate(() => { window.__seen = new Set(); });
}

test('officer_and_citizen_in_a_video_call', async () => {
  const res = await fetch(`${sys.httpUrl}/api/v1/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: CITIZEN, phone: '06 12345678', neighbourhood: 'groningen-noord', topic: 'Fiets',
      preference: 'video' }) });
  assertEq(res.status, 201);
  const { reference } = await res.json();
  officer = await openPage('officer');
  const p = officer.page;
  await p.goto(`${sys.consoleUrl}/console/`);
  await p.fill('#username', 'jan');
  await p.fill('#password', PASSWORD);
  await p.fill('#code', await code());
  await p.press('#code', 'Enter');
  const card = p.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Oppakken' }).click({ timeout: 15000 });
  await card.getByRole('button', { name: 'Terugbellen met beeld' }).click({ timeout: 10000 });
  invitationUrl = await p.getByLabel('Uitnodigingslink').inputValue({ timeout: 15000 });
  await p.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)')
    .setInputFiles([join(officerFiles, 'jan-de-vries.pem'), join(officerFiles, 'jan-de-vries.key')]);
  await p.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 5000 });
  await p.locator('#call-view').getByRole('button', { name: 'Deelnemen aan het gesprek' }).click();
  await waitOfficerState('waiting');
  citizen = await openPage('citizen');
  await citizen.page.goto(invitationUrl);
  await widget().getByRole('button', { name: 'Deelnemen' }).click({ timeout: 15000 });
  await waitWidgetScreen(citizen.page, 'device', 30000, async () => problems.join('\n'));
  await widget().getByRole('button', { name: 'Naar de wachtkamer' }).click({ timeout: 15000 });
  await waitWidgetScreen(citizen.page, 'call', 45000, async () => problems.join('\n'));
  await waitOfficerState('connected');
  await officerSeesVideo(20000);
  assertEq(janusInUse().length, 1, 'the call is on one Janus server');
});

test('the_janus_the_call_is_on_is_killed_and_the_call_resumes_on_the_other_within_10_s', async () => {
  const [port] = janusInUse();
  const pidFile = join(sys.runDir, port === sys.wsPort ? 'janus.pid' : 'janus2.pid');
  const codeBefore = await officer.page.locator('#call-view [data-sas]').textContent();
  const t0 = Date.now();
  trail.length = 0;
  trailStart = t0;
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  await waitOfficerState('reconnecting', 10000);
  await waitOfficerState('connected', 20000);
  try {
    await officerSeesVideo(20000);
  } catch (e) {
    const tiles = await officer.page.evaluate(() => [...document.querySelectorAll('#call-view figure.bb-tile')]
      .map((f) => `${f.dataset.role}:${f.dataset.video}`).join(' '));
    const people = await officer.page.locator('#call-view [data-people]').getAttribute('data-people', { timeout: 1000 }).catch(() => '?');
    for (let i = 0; i < 2; i++) {
      for (const [who, p] of [['officer', officer.page], ['citizen', citizen.page]]) {
        const st = await p.evaluate(() => {
          const s = window.__bbStatus;
          return s && { peers: s.peers, counts: s.counts, media: { ...s.media, webcodecs: undefined } };
        }).catch((err) => String(err));
        console.log(`  ${who}'s engine: ${JSON.stringify(st).slice(0, 1500)}`);
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    console.log(`  after the kill (seconds, who, > sent or < received on a Janus port):\n    ${trail.filter((l) => !/ (keepalive|ack|trickle)/.test(l)).join('\n    ')}`);
    throw new Error(`officer's tiles ${tiles}, people ${people}, janus ${janusInUse()}: ${e.message}`);
  }
  const seconds = (Date.now() - t0) / 1000;
  await citizen.page.waitForFunction(() => {
    const c = document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-tile[data-role="officer"] canvas');
    return c && c.width > 0;
  }, null, { timeout: 10000 });
  const now = janusInUse();
  assertEq(now.length, 1);
  assert(now[0] !== port, `the call moved to the other server (${port} -> ${now[0]})`);
  // The key agreement carried over: both still show the same code.
  const officerCode = await officer.page.locator('#call-view [data-sas]').textContent();
  const citizenCode = await widget().locator('.bb-identity [data-sas]').textContent();
  assertEq(citizenCode, officerCode, 'the same code on both sides');
  await officer.page.locator('#call-view').screenshot({ path: join(shotDir, 'failover-officer.png') });
  console.log(`  video both ways again ${seconds.toFixed(1)} s after the Janus the call was on died (code ${codeBefore} -> ${officerCode})`);
  console.log(`bench scale.janus_failover_s ${seconds.toFixed(1)} s`);
  assert(seconds < 10, `took ${seconds} s`);
});

test('no_page_errors', async () => {
  assertEq(problems.length, 0, problems.join('\n'));
});

try {
  await run();
} finally {
  await browser.close();
  await sys.stop();
}
