// make bench, issue 5: Chromium's own WebRTC (VP8/Opus tracks) through our
// Janus (run.sh, loopback), joined by our C signalling: time from join to
// first remote frame, glass-to-glass latency p50/p95 (a clock drawn into the
// sender's canvas, read back on the receiver), decoded fps and resolution,
// and CPU seconds per minute per participant (all Chromium processes, from
// /proc). Our WASM pipeline's twin of these lines comes with the call
// session; until then this prints the baseline only.
import { readFileSync, readdirSync } from 'node:fs';

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
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const line = (name, value, unit) => console.log(`bench ${name} ${Number(value).toFixed(3)} ${unit}`);

const sys = await startSystem('call-bench');
const browser = await launch();
let web;
try {
  const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
  await createRoom(browser, sys, 7001);
  web = await startTestSite('bench', { BB_JANUS_WS_URL: sys.wsUrl });
  const open = async (role) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const hash = new URLSearchParams({ janus: sys.wsUrl, room: '7001', token, role });
    await page.goto(`${web.url}/test/webrtc.html#${hash}`);
    return page;
  };
  await open('sender');
  const receiver = await open('receiver');
  await receiver.waitForFunction(() => window.bb && window.bb.frames > 30, null, { timeout: 30000 });
  const pids = descendants(browser.process ? browser.process().pid : 0);
  const hz = 100; // USER_HZ
  const c0 = cpuTicks(pids);
  await receiver.evaluate(() => { window.bb.latencies = []; window.bb.frames = 0; window.bb.t0 = performance.now(); });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const c1 = cpuTicks(pids);
  const s = await receiver.evaluate(() => ({ ...window.bb, transport: undefined, fps: window.bb.frames / ((performance.now() - window.bb.t0) / 1000) }));
  line('call.webrtc_native.join_to_first_frame_ms', s.firstFrameMs, 'ms');
  line('call.webrtc_native.glass_to_glass_p50_ms', pct(s.latencies, 0.5), 'ms');
  line('call.webrtc_native.glass_to_glass_p95_ms', pct(s.latencies, 0.95), 'ms');
  line('call.webrtc_native.decoded_fps', s.fps, 'fps');
  line('call.webrtc_native.decoded_width', s.width, 'px');
  line('call.webrtc_native.cpu_s_per_min_per_participant', ((c1 - c0) / hz) * (60 / SECONDS) / 2, 'cpu_s/min');
} finally {
  if (web) web.stop();
  await browser.close();
  await sys.stop();
}
process.exit(0);
