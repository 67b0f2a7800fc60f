// The citizen on a phone, in the real call on `make run`'s whole system
// (run.sh: Janus, the contact service, the web server, the demo police CA):
// the officer calls back from the console, the citizen opens the invitation
// link in the widget on the demo page in Chromium's phone emulation (touch,
// a mobile viewport) and the call runs there. The phone gets slow, four
// times: first the DevTools CPU throttle on the citizen's page (which slows
// the page's main thread only; the call's media work is in Workers), then
// the citizen's whole renderer process; the call goes on, a smaller picture
// before a jerkier one, and back to the full size once the phone is fast
// again. On 360x740 and 390x844 screens, upright and turned mid-call, every
// control of the call screen can be reached (in view or by scrolling, not
// covered, at least 24x24 px) and the officer's video stays in view; the
// on-screen keyboard for real-time text does not hide the latest line; the
// camera switches between the phone's two cameras (Chromium's fake camera
// offers two), also on a phone that opens one camera at a time, while video
// keeps reaching the officer.
// Screenshots: build/test-output/screenshots/mobile-*.png.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Worker as WorkerThread } from 'node:worker_threads';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, shotDir, buildDir } from './lib.mjs';
import { startSystem, runOnSystem, VIDEOFRAME_GC_WARNING } from './system-lib.mjs';
import { officerBin, totpSource } from '../contact/lib.mjs';
import { waitScreen as waitWidgetScreen } from './widget-lib.mjs';

const PASSWORD = 'correct horse battery staple';
const CITIZEN = 'Anna de Vries';
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

const sys = await startSystem('mobile');
execFileSync(officerBin, ['--db', join(sys.runDir, 'contact.db'), 'password', 'jan', '--iterations', '10000'],
  { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
const nextCode = totpSource(/^secret ([A-Z2-7]+)$/m
  .exec(execFileSync(officerBin, ['--db', join(sys.runDir, 'contact.db'), 'totp', 'jan'], { encoding: 'utf8' }))[1]);
// Two fake cameras: the phone's front and back camera.
const browser = await launch({ args: ['--use-fake-device-for-media-stream=device-count=2'] });
const problems = [];
let officer, citizen, invitationUrl;
/** What this run verified, for the README's browser table (support-table.mjs). */
const results = { browser: 'Chromium, phone emulation', verified: [], notWorking: [] };

/** A page in its own context (own window: not throttled as a background tab). */
async function openPage(who, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`[${who}] ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`[${who} console] ${m.text()}`); });
  return { context, page };
}

// ---- the citizen's phone ------------------------------------------------------

const widget = () => citizen.page.locator('beeldbel-widget');
const waitScreen = (name, timeout = 30000) => waitWidgetScreen(citizen.page, name, timeout, async () => {
  const where = await citizen.page.evaluate(() => {
    const w = document.querySelector('beeldbel-widget'), s = w?._store.session;
    return { engine: w?.engineState, call: s?.state, transport: s?.transport?.state, errors: s?.stats ? undefined : 'no status yet' };
  }).catch(() => ({}));
  return `${JSON.stringify(where)}; ${problems.join('\n')}`;
});
/** The tests after joining need the call: without it they stop at once. */
let inCall = false;
const needCall = () => assert(inCall, 'no call: the phone did not join');

/**
 * What of the call screen a person can use, in the page: every control
 * (buttons and the text input of the widget, its dialog closed), scrolled
 * into view as a finger would, with its size, whether its centre lies in the
 * viewport and whether it is the element there (not covered); and how much
 * of the officer's video is in view where the page is now, and once
 * scrolled to.
 */
function reach() {
  const root = document.querySelector('beeldbel-widget').shadowRoot;
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const inView = (r) => Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0)) * Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
  const video = root.querySelector('.bb-tile[data-role="officer"] canvas');
  const videoNow = video && video.getBoundingClientRect();
  const out = { vw, vh, scrollWidth: document.documentElement.scrollWidth, controls: [],
    video: video && { inViewNow: inView(videoNow) } };
  const controls = [...root.querySelectorAll('button, textarea')].filter((c) => !c.closest('dialog') && c.getClientRects().length);
  for (const c of controls) {
    c.scrollIntoView({ block: 'center', inline: 'center' });
    const r = c.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const inside = x >= 0 && x < vw && y >= 0 && y < vh;
    const hit = inside ? root.elementFromPoint(x, y) : null;
    out.controls.push({ name: (c.textContent || c.labels?.[0]?.textContent || c.className).trim().slice(0, 40),
      w: Math.round(r.width), h: Math.round(r.height), inside, covered: inside && !(hit === c || c.contains(hit)),
      by: hit && hit !== c && !c.contains(hit) ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}` : '' });
  }
  if (video) {
    video.scrollIntoView({ block: 'center' });
    const r = video.getBoundingClientRect();
    out.video.inViewScrolled = inView(r);
    out.video.box = [Math.round(r.width), Math.round(r.height)];
  }
  return out;
}

/** Frames the officer's console decoded from the citizen (counted in the page, from the engine Worker). */
const officerFrames = () => officer.page.evaluate(() => ({ ...window.__frames, t: performance.now() }));
/** The citizen's call as the widget's session reports it: what it sends, and how busy its Worker is. */
const citizenMedia = () => citizen.page.evaluate(() => {
  const s = document.querySelector('beeldbel-widget')._store.session;
  const m = s?.stats?.media;
  return m ? { width: m.width, height: m.height, fps: m.fps, kbps: m.targetKbps, busy: m.busyPct, state: s.state,
    codec: m.codecPath, fallback: m.codecFallback, skipped: m.webcodecs?.encoderBusy ?? 0 } : null;
});

async function framesFlow(what, min = 10, within = 10000) {
  const a = await officerFrames();
  const start = Date.now();
  let b = a;
  while (b.n - a.n < min && Date.now() - start < within) {
    await new Promise((r) => setTimeout(r, 250));
    b = await officerFrames();
  }
  assert(b.n - a.n >= min, `${what}: the officer decoded ${b.n - a.n} frames in ${within / 1000} s`);
  return { fps: (b.n - a.n) / ((b.t - a.t) / 1000), width: b.width, height: b.height };
}

test('officer_calls_back_by_video_and_waits_in_the_call', async () => {
  // The citizen's request, as the widget's form sends it.
  const req = await openPage('request', {});
  await req.page.goto(`${sys.httpUrl}/demo/`);
  const r = await req.page.evaluate(async (name) => {
    const res = await fetch('/api/v1/requests', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, phone: '06 12345678', neighbourhood: 'groningen-noord', topic: 'Fiets gestolen',
        preference: 'video', window: 'any', needs: [], lang: 'nl' }) });
    return { status: res.status, json: await res.json() };
  }, CITIZEN);
  await req.context.close();
  assertEq(r.status, 201, JSON.stringify(r.json));
  officer = await openPage('officer', { viewport: { width: 1280, height: 900 } });
  const p = officer.page;
  // Every frame the engine hands the console: the officer's side of the call, decoded.
  await p.addInitScript(() => {
    const seen = window.__frames = { n: 0, width: 0, height: 0 };
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (ev) => {
          if (ev.data?.type !== 'call-frame') return;
          seen.n++; seen.width = ev.data.width; seen.height = ev.data.height;
        });
      }
    };
  });
  await p.goto(`${sys.consoleUrl}/console/`);
  await p.fill('#username', 'jan');
  await p.fill('#password', PASSWORD);
  await p.fill('#code', await nextCode());
  await p.press('#code', 'Enter');
  const card = p.locator('article', { hasText: r.json.reference });
  await card.getByRole('button', { name: 'Oppakken' }).click({ timeout: 10000 });
  await card.getByRole('button', { name: 'Terugbellen met beeld' }).click({ timeout: 10000 });
  invitationUrl = await p.getByLabel('Uitnodigingslink').inputValue({ timeout: 15000 });
  const officerFiles = join(sys.runDir, 'ca', 'officers');
  await p.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)')
    .setInputFiles([join(officerFiles, 'jan-de-vries.pem'), join(officerFiles, 'jan-de-vries.key')]);
  await p.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 3000 });
  await p.locator('#call-view').getByRole('button', { name: 'Deelnemen aan het gesprek' }).click();
  await p.waitForFunction(() => document.querySelector('#call-view .call-state')?.dataset.state === 'waiting', null, { timeout: 30000 });
  console.log(`  officer waiting after ${since()}`);
});

test('a_phone_joins_by_the_invitation_link_with_touch', async () => {
  citizen = await openPage('citizen', PHONE);
  const page = citizen.page;
  await page.goto(invitationUrl);
  await widget().getByRole('button', { name: 'Deelnemen' }).tap({ timeout: 15000 });
  await waitScreen('device');
  await widget().locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor({ timeout: 15000 });
  await page.screenshot({ path: join(shotDir, 'mobile-device-check.png') });
  await widget().getByRole('button', { name: 'Naar de wachtkamer' }).tap();
  await waitScreen('call', 45000);
  await officer.page.waitForFunction(() => document.querySelector('#call-view .call-state')?.dataset.state === 'connected', null, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-tile[data-role="officer"][data-video="playing"]'), null, { timeout: 20000 });
  const flow = await framesFlow('after joining', 20, 15000);
  inCall = true;
  const sent = await citizenMedia();
  console.log(`  both connected after ${since()}; the phone sends ${sent.width}x${sent.height} (VP8 in ${sent.codec}` +
    `${sent.fallback ? `: ${sent.fallback}` : ''}), the officer decodes ${flow.width}x${flow.height} at ${flow.fps.toFixed(1)} fps`);
  await page.screenshot({ path: join(shotDir, 'mobile-call-joined.png') });
  const seen = await page.evaluate(() => {
    const r = document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-tile[data-role="officer"] canvas').getBoundingClientRect();
    return { top: Math.round(r.top), bottom: Math.round(r.bottom), vh: innerHeight, y: scrollY };
  });
  console.log(`  as the call starts: officer's video at ${seen.top}..${seen.bottom} px of ${seen.vh} (page scrolled ${seen.y} px)`);
  results.verified.push('joining by the invitation link with touch at 360×740');
});

/** Our Chromium's renderer processes (descendants of this test process), with their CPU time so far (s). */
function renderers() {
  const tick = 100;   // USER_HZ
  const stat = (pid) => {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / tick };
  };
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      let up = stat(d).ppid;
      for (let i = 0; i < 6 && up > 1 && up !== process.pid; i++) up = stat(up).ppid;
      if (up === process.pid) out.set(Number(d), stat(d).cpu);
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** The renderer process of a page: the one whose CPU time grows while the page's main thread spins. */
async function rendererOf(page) {
  const a = renderers();
  await page.evaluate(() => { for (const end = performance.now() + 1500; performance.now() < end;); });
  const b = renderers();
  const grew = [...b].map(([pid, cpu]) => [pid, cpu - (a.get(pid) ?? cpu)]).sort((x, y) => y[1] - x[1]);
  assert(grew.length && grew[0][1] > 0.5, `the page's renderer process: ${JSON.stringify(grew)}`);
  return grew[0][0];
}

/**
 * Slows a whole process down `rate` times, every thread of it: stopped
 * (SIGSTOP) for rate - 1 of every `rate` milliseconds, from a thread of this
 * process. stop() lets it run freely again and resolves the share of the
 * time it was stopped.
 */
function slowDown(pid, rate) {
  const shared = new Int32Array(new SharedArrayBuffer(12));   // [stop, ms stopped, ms in all]
  const worker = new WorkerThread(`
    const { workerData: { pid, rate, shared } } = require('node:worker_threads');
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const t0 = performance.now();
    let stopped = 0;
    while (Atomics.load(shared, 0) === 0) {
      const a = performance.now();
      try { process.kill(pid, 'SIGSTOP'); } catch { break; }
      Atomics.wait(nap, 0, 0, rate - 1);
      try { process.kill(pid, 'SIGCONT'); } catch { break; }
      stopped += performance.now() - a;
      Atomics.wait(nap, 0, 0, 1);
    }
    shared[1] = Math.round(stopped); shared[2] = Math.round(performance.now() - t0);`,
  { eval: true, workerData: { pid, rate, shared } });
  const done = new Promise((r) => worker.on('exit', r));
  const resume = () => { try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ } };
  process.on('exit', resume);
  return { stop: async () => { Atomics.store(shared, 0, 1); await done; resume(); return shared[1] / Math.max(1, shared[2]); } };
}

const SLOW_RATE = 4;     // the slow phone does a quarter of the work in the same time
const SLOW_S = 12;
// How long the way back to the full size may take. The engine's CPU cap
// (src/media/engine.c) comes back one step of its ladder per 5 s of low
// load (CPU_UP_US), a larger picture waiting 3 s more (sender.c): 20 to 25 s
// from the smallest step. A slow sender also looks like a queue on the path
// to the receiver's delay-based estimate, which then cuts the bitrate (to
// about 150 kbit/s under a CPU hog); that comes back at the probing rate
// (8 % a second, 2 % near the last overuse: sender.c, rate.c), 20 to 35 s
// to the 620 kbit/s of the full size.
const RECOVER_S = 45;
// A step down costs a keyframe, which a phone at a quarter of its speed
// takes a while to make: a freeze of a few seconds, not more.
const FREEZE_S = 5;

test('a_slow_phone_keeps_the_call_going_smaller_first_and_recovers', async () => {
  needCall();
  const page = citizen.page;
  const samples = [];
  const watch = async (phase, seconds, until = () => false) => {
    for (let end = Date.now() + seconds * 1000; Date.now() < end;) {
      const [m, f] = [await citizenMedia(), await officerFrames()];
      samples.push({ phase, at: Date.now(), ...m, n: f.n, rw: f.width, rh: f.height });
      if (until()) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  };
  const pid = await rendererOf(page);
  // The call at its best first: the camera's full size.
  const settled = Date.now();
  await page.waitForFunction(() => document.querySelector('beeldbel-widget')._store.session?.stats?.media?.width >= 640,
    null, { timeout: 20000, polling: 500 }).catch(() => {});
  const start = await citizenMedia();
  assert(start.width >= 640, `before the phone gets slow, the call is not at the camera's full size after ${((Date.now() - settled) / 1000).toFixed(0)} s: ` +
    `${start.width}x${start.height}@${start.fps}, ${start.kbps} kbps, Worker busy ${start.busy} %`);
  await watch('before', 5);
  const full = samples.at(-1);
  const fpsOver = (from, to) => (to.n - from.n) / ((to.at - from.at) / 1000);
  const beforeFps = fpsOver(samples[0], full);
  // The DevTools CPU throttle, as a slow phone is usually emulated. It
  // slows the page's main thread only (DevTools refuses it for Workers:
  // "only supported for pages"), and the call's capture, codec, encryption
  // and data channels all run in Workers: the call should not notice.
  const cdp = await citizen.context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOW_RATE });
  await watch('devtools', 6);
  // A slow phone is slow on every thread: the citizen's whole renderer
  // process (page, Workers, WebRTC) gets a quarter of the time.
  const slow = slowDown(pid, SLOW_RATE);
  await watch('slow', SLOW_S);
  const stoppedShare = await slow.stop();
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.detach();
  const released = Date.now();
  const back = () => { const x = samples.at(-1); return x.phase === 'after' && x.width >= full.width && x.fps >= full.fps; };
  await watch('after', RECOVER_S, back);
  const recoveredS = back() ? (samples.at(-1).at - released) / 1000 : null;

  // The timeline, every 2 s: what the citizen's engine sends, and what the officer decodes.
  const t0s = samples[0].at;
  for (let i = 4; i < samples.length; i += 4) {
    const a = samples[i - 4], b = samples[i];
    console.log(`  ${b.phase.padEnd(8)} ${((b.at - t0s) / 1000).toFixed(0).padStart(3)} s: sends ${b.width}x${b.height}@${b.fps} ` +
      `(${b.kbps} kbps, Worker busy ${b.busy} %); the officer decodes ${b.rw}x${b.rh} at ${fpsOver(a, b).toFixed(1)} fps`);
  }
  const slowEnd = samples.filter((x) => x.phase === 'slow').at(-1);
  console.log(`  before: ${full.width}x${full.height}@${full.fps} (VP8 in ${full.codec}${full.fallback ? `: ${full.fallback}` : ''}), decoded at ${beforeFps.toFixed(1)} fps; renderer stopped ` +
    `${(stoppedShare * 100).toFixed(0)} % of the slow phase; camera frames the browser's encoder was too busy for: ${slowEnd.skipped - full.skipped}; ` +
    `full size again ${recoveredS === null ? `not within ${RECOVER_S}` : recoveredS.toFixed(1)} s after`);

  const bad = [];
  const floor = beforeFps / 2;
  const during = samples.filter((x) => x.phase !== 'before');
  for (const x of during) if (x.state !== 'connected') bad.push(`${x.phase}: the call is ${x.state}`);
  for (let i = 0; i < during.length; i++) {
    const x = during[i];
    // Frame rate goes after size: a smaller picture first, a jerkier one only at the smallest sizes.
    if (x.fps < full.fps && x.width >= full.width) bad.push(`${x.phase}: ${x.width}x${x.height} kept at ${x.fps} fps`);
    // The officer keeps seeing the citizen move: never FREEZE_S without a frame, ...
    const still = during.findIndex((y) => y.at >= x.at + FREEZE_S * 1000);
    if (still > 0 && during[still].n === x.n) bad.push(`${x.phase}: no frame for ${FREEZE_S} s from ${((x.at - t0s) / 1000).toFixed(0)} s`);
    // ... and while the full size is sent, at least half the frame rate it had.
    const w2 = during.findIndex((y) => y.at >= x.at + 2000);
    if (w2 > 0 && during[w2].width >= full.width && x.width >= full.width && fpsOver(x, during[w2]) < floor) {
      bad.push(`${x.phase}: ${fpsOver(x, during[w2]).toFixed(1)} fps decoded at ${x.width}x${x.height} from ${((x.at - t0s) / 1000).toFixed(0)} s`);
    }
  }
  if (recoveredS === null) bad.push(`not back to ${full.width}x${full.height}@${full.fps} within ${RECOVER_S} s`);
  assertEq([...new Set(bad)].slice(0, 12).join('\n'), '', 'the slow phone: ');
  const smallest = Math.min(...during.map((x) => x.width));
  results.verified.push(`a phone ${SLOW_RATE}× slower keeps the call going (${smallest >= full.width
    ? `${full.width}×${full.height} throughout` : `down to ${smallest} px wide, full size again ${recoveredS.toFixed(0)} s after`})`);
});

test('call_screen_fits_the_phone_upright_and_turned_mid_call', async () => {
  needCall();
  const page = citizen.page;
  const bad = [];
  for (const [w, h] of [[360, 740], [740, 360], [390, 844], [844, 390], [360, 740]]) {
    const name = `${w}x${h}`;
    // The citizen watches the officer, and turns the phone: the viewport
    // changes under the running call.
    await page.evaluate(() => document.querySelector('beeldbel-widget').shadowRoot
      .querySelector('.bb-tile[data-role="officer"] canvas').scrollIntoView({ block: 'center' }));
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shotDir, `mobile-call-${name}.png`) });
    const r = await page.evaluate(reach);
    console.log(`  ${name}: viewport ${r.vw}x${r.vh}, page ${r.scrollWidth} wide, officer's video ${r.video?.box?.join('x')} ` +
      `(${Math.round(r.video?.inViewNow ?? 0)} px² in view as turned, ${Math.round(r.video?.inViewScrolled ?? 0)} px² scrolled to)`);
    for (const c of r.controls) {
      const why = [c.w < 24 || c.h < 24 ? `${c.w}x${c.h} px` : '', !c.inside ? 'out of view' : '', c.covered ? `covered by ${c.by}` : ''].filter(Boolean);
      if (why.length) bad.push(`${name} "${c.name}": ${why.join(', ')}`);
    }
    if (r.scrollWidth > r.vw) bad.push(`${name}: the page scrolls sideways (${r.scrollWidth} px wide)`);
    if (!r.video || !(r.video.inViewNow > 0)) bad.push(`${name}: the officer's video is out of view after turning`);
    // The call kept going through the turn.
    await framesFlow(`turned to ${name}`, 5);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shotDir, 'mobile-call-whole-page.png'), fullPage: true });
  assertEq(bad.join('\n'), '', 'unreachable: ');
  results.verified.push('every control reachable and the video in view at 360×740 and 390×844, upright and turned mid-call');
});

/** Where the newest line of the text log and the text input are, against the viewport (the part above the keyboard). */
const textInView = () => citizen.page.evaluate(() => {
  const root = document.querySelector('beeldbel-widget').shadowRoot;
  const line = [...root.querySelectorAll('.bb-rtt-log .bb-rtt-line')].at(-1);
  const input = root.querySelector('.bb-rtt-input');
  const vh = window.visualViewport ? visualViewport.height : innerHeight;
  const box = (el) => { const r = el.getBoundingClientRect(); return { top: Math.round(r.top), bottom: Math.round(r.bottom) }; };
  const l = line && box(line), i = box(input);
  return { vh: Math.round(vh), text: line?.textContent, line: l, input: i, focused: root.activeElement === input,
    lineInView: !!l && l.top >= 0 && l.bottom <= vh, inputInView: i.top >= 0 && i.bottom <= vh };
});

test('the_on_screen_keyboard_does_not_hide_the_latest_text_line', async () => {
  needCall();
  const page = citizen.page, p = officer.page;
  await page.setViewportSize({ width: 360, height: 740 });
  const officerSays = async (text) => {
    await p.getByLabel(/^Uw tekst/).fill('');
    await p.getByLabel(/^Uw tekst/).focus();
    await p.keyboard.type(text, { delay: 5 });
    await p.keyboard.press('Enter');
    await page.waitForFunction((t) => [...document.querySelector('beeldbel-widget').shadowRoot
      .querySelectorAll('.bb-rtt-log .bb-rtt-line--theirs')].some((l) => l.textContent.includes(t)), text, { timeout: 10000 });
  };
  await officerSays('Goedemiddag, u spreekt met Jan de Vries.');
  // The citizen taps the text field; the keyboard takes the lower part of the screen.
  const input = widget().getByLabel('Jouw tekst (de ander ziet het terwijl je typt)');
  await input.tap();
  await page.setViewportSize({ width: 360, height: 400 });
  await page.waitForTimeout(300);
  const states = [['keyboard up', await textInView()]];
  await page.screenshot({ path: join(shotDir, 'mobile-keyboard-up.png') });
  await page.keyboard.type('Mijn fiets is gestolen.', { delay: 5 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
  states.push(['after sending', await textInView()]);
  await officerSays('Waar stond de fiets?');
  await page.waitForTimeout(200);
  states.push(['after an answer', await textInView()]);
  await page.screenshot({ path: join(shotDir, 'mobile-keyboard-answer.png') });
  await page.setViewportSize({ width: 360, height: 740 });
  const bad = [];
  for (const [when, s] of states) {
    console.log(`  ${when}: latest line "${s.text}" at ${s.line?.top}..${s.line?.bottom}, input ${s.input.top}..${s.input.bottom} of ${s.vh} px (focused ${s.focused})`);
    if (!s.lineInView) bad.push(`${when}: the latest line is out of view`);
    if (!s.inputInView) bad.push(`${when}: the text input is out of view`);
  }
  assertEq(bad.join('\n'), '', 'hidden by the keyboard: ');
  results.verified.push('the on-screen keyboard does not hide the latest text line');
});

test('switching_between_front_and_back_camera_mid_call', async () => {
  needCall();
  const page = citizen.page;
  const camera = () => page.evaluate(() => {
    const w = document.querySelector('beeldbel-widget');
    const track = w._store.localStream?.getVideoTracks()[0];
    const self = w.shadowRoot.querySelector('video.bb-self');
    return { id: track?.getSettings().deviceId, label: track?.label, live: track?.readyState,
      selfShows: self?.srcObject?.getVideoTracks()[0]?.id === track?.id };
  });
  // Chromium's second fake camera gives 16-bit grey frames (a depth camera's
  // format), which the browser's VP8 encoder refuses: the engine goes on with
  // libvpx in WASM, which takes any frame. Hence this test comes last.
  const cameras = await page.evaluate(async () => (await navigator.mediaDevices.enumerateDevices())
    .filter((d) => d.kind === 'videoinput').map((d) => d.deviceId));
  assertEq(cameras.length, 2, 'the phone has two cameras');
  const first = await camera();
  const seen = [first];
  for (const turn of ['to the other camera', 'back']) {
    await widget().getByRole('button', { name: 'Wissel camera' }).tap();
    await page.waitForFunction((id) => document.querySelector('beeldbel-widget')._store.localStream
      ?.getVideoTracks()[0]?.getSettings().deviceId !== id, seen.at(-1).id, { timeout: 10000 }).catch(() => {});
    const now = await camera();
    seen.push(now);
    const flow = await framesFlow(`after switching ${turn}`, 20);
    const sent = await citizenMedia();
    console.log(`  switched ${turn}: ${now.label} (${now.id?.slice(0, 8)}), sent with ${sent.codec}${sent.fallback ? ` (${sent.fallback})` : ''}; ` +
      `the officer decodes ${flow.width}x${flow.height} at ${flow.fps.toFixed(1)} fps`);
    assert(now.id !== seen.at(-2).id, `switching ${turn}: still ${now.label}`);
    assert(now.live === 'live' && now.selfShows, `switching ${turn}: the own view shows the new camera (${JSON.stringify(now)})`);
  }
  assertEq(seen[2].id, first.id, 'switching twice is back to the first camera');
  // Many phones open only one camera at a time: while one is open, the
  // other does not start (NotReadableError, as Chrome on Android says it).
  await page.evaluate(() => {
    const media = navigator.mediaDevices, open = media.getUserMedia.bind(media);
    const busy = () => document.querySelector('beeldbel-widget')._store.localStream.getVideoTracks().some((t) => t.readyState === 'live');
    media.getUserMedia = async (c) => {
      if (c.video && busy()) throw new DOMException('Could not start video source', 'NotReadableError');
      return open(c);
    };
  });
  await widget().getByRole('button', { name: 'Wissel camera' }).tap();
  await page.waitForFunction((id) => document.querySelector('beeldbel-widget')._store.localStream
    ?.getVideoTracks()[0]?.getSettings().deviceId !== id, first.id, { timeout: 10000 }).catch(() => {});
  await page.evaluate(() => { delete navigator.mediaDevices.getUserMedia; });
  const one = await camera();
  const flow = await framesFlow('after switching on a phone with one camera at a time', 20);
  console.log(`  one camera at a time: ${one.label}, the officer decodes ${flow.width}x${flow.height} at ${flow.fps.toFixed(1)} fps`);
  assert(one.id !== first.id && one.live === 'live' && one.selfShows, `one camera at a time: ${JSON.stringify(one)}`);
  assertEq(await page.evaluate(() => document.querySelector('beeldbel-widget')._store.session.state), 'connected');
  results.verified.push('front and back camera switched mid-call');
});

test('results_for_the_support_table', () => {
  writeFileSync(join(buildDir, 'test-output', 'support-mobile.json'), JSON.stringify(results, null, 1));
  assert(results.verified.length > 0, 'something verified');
});

test('no_page_errors', async () => {
  // Anything but Chromium's VideoFrame collection warning is a failure.
  assertEq(problems.filter((m) => !VIDEOFRAME_GC_WARNING.test(m)).join('\n'), '', 'page errors or console errors: ');
});

await runOnSystem(run, sys, browser, since);
