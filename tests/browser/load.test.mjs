// A two-party call through the real Janus while another program takes one
// of the machine's cores for 20 s, as on a citizen's busy phone or old
// laptop: the call adapts to the CPU it has (video keeps moving, delay stays
// low, speech is not chopped) and returns to full quality once the core is
// free again. Both participants send the wall clock drawn as blocks
// (tests/browser/pages/clock.js) and read the other's back, so glass-to-glass
// latency is measured on what is shown.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert } from '../common/harness.mjs';
import { launch, startTestSite, track } from './lib.mjs';
import { startSystem, janusToken, createRoom } from './system-lib.mjs';

const ROOM = 5454;
const HOG_S = 20;
const RECOVER_S = 10;
const PIN = randomBytes(6).toString('hex');
const sys = await startSystem('load');
const browser = await launch({ args: ['--autoplay-policy=no-user-gesture-required'] });
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
await createRoom(browser, sys, ROOM, { pin: PIN });
const web = await startTestSite('load', { BB_JANUS_WS_URL: sys.wsUrl });
const officerDir = join(sys.runDir, 'ca', 'officers');
const invite = randomBytes(32).toString('base64url');
const pages = [];

async function participant(role, extra) {
  const context = await browser.newContext();
  const page = await context.newPage();
  pages.push(page);
  page.on('pageerror', (e) => console.log(`  [${role}] ${e}`));
  await page.goto(`${web.url}/test/session.html`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'ready', null, { timeout: 20000 });
  await page.evaluate((cfg) => window.bb.setup(cfg), {
    janus: sys.wsUrl, room: ROOM, pin: PIN, token, role, invite, officer: '100001',
    width: 640, height: 360, fps: 30, source: 'clock', readClock: true, ...extra,
  });
  return page;
}

/** What a page has seen so far of the other participant. */
const sample = (page) => page.evaluate(() => {
  const s = window.bb.state();
  const feed = Object.values(window.bb.frames)[0] || { n: 0, width: 0 };
  const peer = (s.media && s.media.peers[0]) || {};
  return { t: performance.now(), frames: feed.n, width: feed.width, lat: window.bb.latencies.length, drawn: s.sourceFrames,
    audio: peer.audioFrames || 0, concealed: peer.audioConcealed || 0, sent: s.media,
    decoded: peer.framesDecoded || 0, shown: peer.framesShown || 0 };
});

/** Samples both pages every second for `seconds`. */
async function watch(seconds, into) {
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    into.push(await Promise.all(pages.map(sample)));
  }
}

const latenciesBetween = (page, from, to) => page.evaluate(([a, b]) => window.bb.latencies.slice(a, b), [from, to]);
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))]; };
const rateOf = (key) => (a, b) => (b[key] - a[key]) / ((b.t - a.t) / 1000);
const fpsOf = rateOf('frames');
// The clock "camera" is drawn by the sending page's own script, so on a busy
// machine it may give fewer pictures than a real camera would: a receiver is
// judged by what the other side's camera gave.
const drawnOf = rateOf('drawn');

test('cpu_hog_keeps_the_call_moving_and_it_recovers', async () => {
  await participant('officer', {
    cert: [...readFileSync(join(officerDir, 'jan-de-vries.pem'))], key: [...readFileSync(join(officerDir, 'jan-de-vries.key'))] });
  await participant('citizen', {});
  for (const page of pages) {
    await page.waitForFunction(() => Object.values(window.bb.frames).some((f) => f.n > 30), null, { timeout: 30000, polling: 200 });
  }
  // Full quality: what the call settles on with the machine to itself.
  const before = [];
  await watch(8, before);
  const full = [0, 1].map((i) => ({ width: before.at(-1)[i].width, fps: fpsOf(before.at(-4)[i], before.at(-1)[i]) }));
  console.log(`  before: ${full.map((f) => `${f.width} px ${f.fps.toFixed(1)} fps`).join(' / ')} ` +
    `(cameras drew ${[0, 1].map((i) => drawnOf(before.at(-4)[i], before.at(-1)[i]).toFixed(1)).join(' / ')} fps)`);
  const plan = (m) => (m ? `${m.width}x${m.height}@${m.fps} ${m.targetKbps} kbps, busy ${Math.round(m.busyPct)} %, ${m.codecPath}` : '?');
  console.log(`  sending: ${before.at(-1).map((x) => plan(x.sent)).join(' / ')}`);
  // With the machine to itself a two-party call is at its best: the camera's
  // size at (nearly) its frame rate.
  for (const f of full) assert(f.width === 640 && f.fps >= 24, `before the hog: ${f.width} px, ${f.fps.toFixed(1)} fps`);

  const hog = track(spawn(process.execPath, ['-e', `for (const end = Date.now() + ${HOG_S * 1000}; Date.now() < end;);`], { stdio: 'ignore' }));
  const during = [await Promise.all(pages.map(sample))];
  await watch(HOG_S, during);
  await new Promise((r) => (hog.exitCode !== null ? r() : hog.on('exit', r)));
  const after = [during.at(-1)];
  await watch(RECOVER_S, after);

  for (const i of [0, 1]) {
    const who = i ? 'citizen' : 'officer';
    const o = 1 - i;   // the other side, whose camera this one shows
    const a = during[0][i], b = during.at(-1)[i];
    const fps = fpsOf(a, b);
    const lat = await latenciesBetween(pages[i], a.lat, b.lat);
    const conceal = (b.concealed - a.concealed) / Math.max(1, b.audio - a.audio + b.concealed - a.concealed);
    const widths = during.map((s) => s[i].width);
    console.log(`  ${who} during the hog: ${fps.toFixed(1)} fps (of ${drawnOf(during[0][o], during.at(-1)[o]).toFixed(1)} drawn), glass-to-glass p95 ${p95(lat)} ms (${lat.length} readings), ` +
      `audio concealed ${(conceal * 100).toFixed(1)} %, width ${Math.min(...widths)}..${Math.max(...widths)} px`);
    assert(fps >= 15, `${who}: ${fps.toFixed(1)} fps during the hog`);
    assert(lat.length > 50 && p95(lat) <= 300, `${who}: glass-to-glass p95 ${p95(lat)} ms over ${lat.length} readings`);
    assert(conceal < 0.10, `${who}: ${(conceal * 100).toFixed(1)} % of audio concealed`);
    // Back to full quality within RECOVER_S: the picture size it had before,
    // and (over the last 3 s) its frame rate, or what the other side's
    // camera gave, if that was less just then.
    const back = after.findIndex((s, k) => k >= 3 && s[i].width >= full[i].width &&
      fpsOf(after[k - 3][i], s[i]) >= 0.9 * Math.min(full[i].fps, drawnOf(after[k - 3][o], s[o])));
    console.log(`  ${who} after the hog: full quality again after ${back < 0 ? 'more than ' + RECOVER_S : back} s ` +
      `(${after.at(-1)[i].width} px, ${fpsOf(after.at(-4)[i], after.at(-1)[i]).toFixed(1)} fps of the ` +
      `${drawnOf(after.at(-4)[o], after.at(-1)[o]).toFixed(1)} the other camera gave)`);
    if (back < 0) {
      const r = (key, k, x) => rateOf(key)(after[k][x], after[k + 1][x]).toFixed(0);
      const perSecond = after.slice(1).map((s, k) => `${s[i].width} px, drawn ${r('drawn', k, o)}, decoded ${r('decoded', k, i)}, ` +
        `shown ${r('shown', k, i)}, on the page ${r('frames', k, i)} fps (${plan(s[o].sent)})`);
      console.log(`  ${who}, each second after the hog:\n    ${perSecond.join('\n    ')}`);
    }
    assert(back >= 0, `${who}: not back to ${full[i].width} px / ${full[i].fps.toFixed(1)} fps within ${RECOVER_S} s`);
  }
});

try {
  await run();
} finally {
  for (const page of pages) await page.context().close().catch(() => {});
  await browser.close();
  web.stop();
  await sys.stop();
}
