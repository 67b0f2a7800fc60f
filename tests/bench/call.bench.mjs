// make bench, issue 5: our pipeline (WASM VP8/Opus + E2EE in a Worker, over
// data channels, web/engine/call.js) against Chromium's own WebRTC (VP8/Opus
// tracks), both through the same Janus (run.sh, loopback) joined by our C
// signalling, one after the other in one run: time from join to first remote
// frame, glass-to-glass video latency p50/p95 (the wall clock drawn as blocks
// into the sender's canvas, read back from the receiver's picture), audio
// latency p50 (a beep on every whole second, its onset detected in what the
// receiver plays), decoded fps and resolution, and CPU seconds per minute
// per participant (all Chromium processes, from /proc). One way: a sender
// and a receiver, 640x360 at 30 fps.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { launch, startTestSite } from '../browser/lib.mjs';
import { startSystem, janusToken, createRoom } from '../browser/system-lib.mjs';

const SECONDS = Number(process.env.BB_CALL_BENCH_SECONDS ?? 20);

function cpuTicks(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      sum += Number(f[11]) + Number(f[12]); // utime + stime
    } catch { /* gone */ }
  }
  return sum;
}
function descendants(pid) {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const parent = new Map();
  for (const p of all) {
    try { parent.set(p, Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1])); } catch { /* gone */ }
  }
  const out = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parent) if (!out.has(p) && out.has(pp)) { out.add(p); grew = true; }
  }
  return [...out];
}
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };
const line = (name, value, unit) => console.log(`bench ${name} ${Number(value).toFixed(3)} ${unit}`);

/** Runs sender + receiver, waits for 30 frames, then measures for SECONDS. */
async function measure(browser, open, receiverStats) {
  const contexts = [];
  const sender = await open('sender', contexts);
  const receiver = await open('receiver', contexts);
  await receiver.waitForFunction(() => window.bb && window.bb.firstFrameMs !== null && (window.bb.count ?? window.bb.frames) > 30, null, { timeout: 60000 })
    .catch(async (e) => { throw new Error(`${e.message}\n${JSON.stringify(await receiver.evaluate(() => window.bb.state ? window.bb.state() : window.bb))}`); });
  // Chromium's process tree: our children named chromium, and theirs.
  const ppid = (pid) => { try { return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]); } catch { return -1; } };
  const pids = [...new Set(descendants(process.pid).filter((pid) => ppid(pid) === process.pid)
    .filter((pid) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('chrom'); } catch { return false; } })
    .flatMap((pid) => descendants(pid)))];
  const c0 = cpuTicks(pids);
  await receiver.evaluate(() => { window.bb.latencies = []; window.bb.audioLatencies = []; window.bb.t0 = performance.now();
    if (typeof window.bb.frames === 'number') window.bb.frames = 0;
    window.bb.count = 0; });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const c1 = cpuTicks(pids);
  const s = await receiver.evaluate(receiverStats);
  for (const c of contexts) await c.close();
  void sender;
  return { ...s, cpu: ((c1 - c0) / 100) * (60 / SECONDS) / 2 };
}

const sys = await startSystem('call-bench');
// The beep generators start without a click.
const browser = await launch({ args: ['--autoplay-policy=no-user-gesture-required'] });
let web;
try {
  const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
  await createRoom(browser, sys, 7001);
  await createRoom(browser, sys, 7002);
  web = await startTestSite('bench', { BB_JANUS_WS_URL: sys.wsUrl });
  const newPage = async (contexts) => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    return ctx.newPage();
  };

  // Chromium's own pipeline: VP8/Opus tracks.
  const native = await measure(browser, async (role, contexts) => {
    const page = await newPage(contexts);
    const hash = new URLSearchParams({ janus: sys.wsUrl, room: '7001', token, role });
    await page.goto(`${web.url}/test/webrtc.html#${hash}`);
    return page;
  }, () => ({ first: window.bb.firstFrameMs, lat: window.bb.latencies, alat: window.bb.audioLatencies,
    fps: window.bb.frames / ((performance.now() - window.bb.t0) / 1000), width: window.bb.width, height: window.bb.height }));

  // Ours: the call session, E2EE included (officer certificate + invitation).
  const officerDir = join(sys.runDir, 'ca', 'officers');
  const invite = randomBytes(32).toString('base64url');
  const ours = await measure(browser, async (role, contexts) => {
    const page = await newPage(contexts);
    page.on('pageerror', (e) => console.error(`[${role}] ${e}`));
    await page.goto(`${web.url}/test/session.html`);
    // Joined once the engine is loaded, as the widget does after its device check.
    await page.waitForFunction(() => document.getElementById('status').textContent === 'ready', null, { timeout: 20000 });
    const common = { janus: sys.wsUrl, room: 7002, token, invite, officer: 'Jan de Vries', width: 640, height: 360, fps: 30 };
    await page.evaluate((cfg) => window.bb.setup(cfg), role === 'sender'
      ? { ...common, role: 'officer', source: 'clock', beep: true,
        cert: [...readFileSync(join(officerDir, 'jan-de-vries.pem'))], key: [...readFileSync(join(officerDir, 'jan-de-vries.key'))] }
      : { ...common, role: 'citizen', source: 'none', audio: false, readClock: true, detectBeeps: true });
    return page;
  }, () => {
    const f = Object.values(window.bb.frames)[0] || {};
    return { first: window.bb.firstFrameMs, lat: window.bb.latencies, alat: window.bb.audioLatencies,
      fps: window.bb.count / ((performance.now() - window.bb.t0) / 1000), width: f.width, height: f.height };
  });

  for (const [name, r] of [['webrtc_native', native], ['ours', ours]]) {
    line(`call.${name}.join_to_first_frame_ms`, r.first, 'ms');
    line(`call.${name}.glass_to_glass_p50_ms`, pct(r.lat, 0.5), 'ms');
    line(`call.${name}.glass_to_glass_p95_ms`, pct(r.lat, 0.95), 'ms');
    line(`call.${name}.audio_latency_p50_ms`, pct(r.alat, 0.5), 'ms');
    line(`call.${name}.decoded_fps`, r.fps, 'fps');
    line(`call.${name}.decoded_width`, r.width, 'px');
    line(`call.${name}.cpu_s_per_min_per_participant`, r.cpu, 'cpu_s/min');
    console.error(`  ${name}: ${r.lat.length} clock readings, ${r.alat.length} beeps`);
  }
  const ratio = (n, a, b) => line(`call.${n}.our_over_native`, a / b, 'ratio');
  ratio('join_to_first_frame', ours.first, native.first);
  ratio('glass_to_glass_p50', pct(ours.lat, 0.5), pct(native.lat, 0.5));
  ratio('glass_to_glass_p95', pct(ours.lat, 0.95), pct(native.lat, 0.95));
  ratio('audio_latency_p50', pct(ours.alat, 0.5), pct(native.alat, 0.5));
  ratio('decoded_fps', ours.fps, native.fps);
  ratio('decoded_width', ours.width, native.width);
  ratio('cpu_per_participant', ours.cpu, native.cpu);
} finally {
  if (web) web.stop();
  await browser.close();
  await sys.stop();
}
process.exit(0);
