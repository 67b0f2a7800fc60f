// make bench: our call pipeline (E2EE media engine in a Worker, over data
// channels, web/engine/call.js) against Chromium's own WebRTC (VP8/Opus
// tracks), all through the same Janus (run.sh, loopback) joined by our C
// signalling, one after the other in one run:
//   webrtc_native  Chromium's own pipeline
//   ours           our default path (the browser's VP8 codec where it has one)
//   ours_wasm      our pipeline with libvpx in WASM forced (the engine
//                  module with SIMD kernels, as Chromium loads it)
//   ours_wasm_scalar  the same with the module without them
//   three_party    ours, three participants each sending and receiving
// Per run: time from join to first remote frame, glass-to-glass video latency
// p50/p95 (the wall clock drawn as blocks into the sender's canvas, read back
// from the receiver's picture), audio latency p50 (a beep on every whole
// second, its onset detected in what the receiver plays), decoded fps and
// width, CPU seconds per minute per participant (all Chromium processes, from
// /proc), and Janus's own CPU per relayed stream (one publisher to one
// subscriber). One way runs: a sender and a receiver, 640x360 at 30 fps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { launch, startTestSite } from '../browser/lib.mjs';
import { startSystem, janusToken, createRoom } from '../browser/system-lib.mjs';
import { TICKS_PER_S, cpuTicks, chromiumPids, janusPids } from './proc.mjs';

const SECONDS = Number(process.env.BB_CALL_BENCH_SECONDS ?? 20);


const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };
const line = (name, value, unit) => console.log(`bench ${name} ${Number(value).toFixed(3)} ${unit}`);

/**
 * Opens the participants (open(i) -> page), waits until every receiver has
 * shown 30 frames, then measures for SECONDS. streams: how many
 * publisher -> subscriber relays Janus carries. Resolves with each
 * receiver's readings and the CPU figures.
 */
async function measure(sys, n, open, receivers, streams, read) {
  const pages = [];
  for (let i = 0; i < n; i++) pages.push(await open(i));
  const rx = receivers.map((i) => pages[i]);
  for (const page of rx) {
    await page.waitForFunction(() => window.bb && window.bb.firstFrameMs !== null && (window.bb.count ?? window.bb.frames) > 30, null, { timeout: 60000 })
      .catch(async (e) => { throw new Error(`${e.message}\n${JSON.stringify(await page.evaluate(() => (window.bb.state ? window.bb.state() : window.bb)))}`); });
  }
  const pids = chromiumPids(), jpids = janusPids(sys);
  const c0 = cpuTicks(pids), j0 = cpuTicks(jpids);
  for (const page of rx) {
    await page.evaluate(() => { window.bb.latencies = []; window.bb.audioLatencies = []; window.bb.t0 = performance.now();
      if (typeof window.bb.frames === 'number') window.bb.frames = 0;
      window.bb.count = 0; });
  }
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const c1 = cpuTicks(pids), j1 = cpuTicks(jpids);
  const readings = [];
  for (const page of rx) readings.push(await page.evaluate(read));
  for (const page of pages) await page.context().close();
  return {
    readings,
    cpu: ((c1 - c0) / TICKS_PER_S) * (60 / SECONDS) / n,
    janusMsPerSPerStream: ((j1 - j0) / TICKS_PER_S) * 1000 / SECONDS / streams,
  };
}

const sys = await startSystem('call-bench');
// The beep generators start without a click.
const browser = await launch({ args: ['--autoplay-policy=no-user-gesture-required'] });
let web;
try {
  const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
  for (const room of [7001, 7002, 7003, 7004, 7005]) await createRoom(browser, sys, room);
  web = await startTestSite('bench', { BB_JANUS_WS_URL: sys.wsUrl });
  // Each participant in a context (a window) of its own: a second tab in
  // one window is throttled as a background tab.
  const newPage = async () => (await browser.newContext()).newPage();

  // Chromium's own pipeline: VP8/Opus tracks.
  const native = await measure(sys, 2, async (i) => {
    const page = await newPage();
    const hash = new URLSearchParams({ janus: sys.wsUrl, room: '7001', token, role: i === 0 ? 'sender' : 'receiver' });
    await page.goto(`${web.url}/test/webrtc.html#${hash}`);
    return page;
  }, [1], 1, () => ({ first: window.bb.firstFrameMs, lat: window.bb.latencies, alat: window.bb.audioLatencies,
    fps: window.bb.frames / ((performance.now() - window.bb.t0) / 1000), width: window.bb.width, height: window.bb.height }));

  // Ours: the call session, E2EE included (officer certificate + invitation).
  const officerDir = join(sys.runDir, 'ca', 'officers');
  const invite = randomBytes(32).toString('base64url');
  const officerKeys = { cert: [...readFileSync(join(officerDir, 'jan-de-vries.pem'))], key: [...readFileSync(join(officerDir, 'jan-de-vries.key'))] };
  const ourPage = async (room, cfg) => {
    const page = await newPage();
    page.on('pageerror', (e) => console.error(`[${cfg.role}] ${e}`));
    await page.goto(`${web.url}/test/session.html${cfg.simd === false ? '?simd=0' : ''}`);
    // Joined once the engine is loaded, as the widget does after its device check.
    await page.waitForFunction(() => document.getElementById('status').textContent === 'ready', null, { timeout: 20000 });
    await page.evaluate((c) => window.bb.setup(c), { janus: sys.wsUrl, room, token, invite, officer: '100001',
      width: 640, height: 360, fps: 30, ...cfg });
    return page;
  };
  // Frames of every remote participant, per second of measuring.
  const ourReading = () => {
    const feeds = Object.values(window.bb.frames);
    const s = window.bb.state();
    return { first: window.bb.firstFrameMs, lat: window.bb.latencies, alat: window.bb.audioLatencies,
      fps: window.bb.count / Math.max(1, feeds.length) / ((performance.now() - window.bb.t0) / 1000),
      width: Math.min(...feeds.map((f) => f.width)), path: s.media && s.media.codecPath };
  };
  const oneWay = (room, codec, simd) => (i) => ourPage(room, i === 0
    ? { role: 'officer', source: 'clock', beep: true, codec, simd, ...officerKeys }
    : { role: 'citizen', source: 'none', audio: false, readClock: true, detectBeeps: true, codec, simd });
  const ours = await measure(sys, 2, oneWay(7002, 'auto'), [1], 1, ourReading);
  const oursWasm = await measure(sys, 2, oneWay(7003, 'wasm'), [1], 1, ourReading);
  // The same with the engine module browsers without WebAssembly SIMD run.
  const oursWasmScalar = await measure(sys, 2, oneWay(7005, 'wasm', false), [1], 1, ourReading);
  // Three participants, each sending its clock and reading the others'.
  const roles = ['officer', 'citizen', 'interpreter'];
  const three = await measure(sys, 3, (i) => ourPage(7004, { role: roles[i], source: 'clock', audio: false, readClock: true,
    ...(i === 0 ? officerKeys : {}) }), [0, 1, 2], 6, ourReading);

  const runs = [['webrtc_native', native], ['ours', ours], ['ours_wasm', oursWasm], ['ours_wasm_scalar', oursWasmScalar]];
  for (const [name, r] of runs) {
    const x = r.readings[0];
    line(`call.${name}.join_to_first_frame_ms`, x.first, 'ms');
    line(`call.${name}.glass_to_glass_p50_ms`, pct(x.lat, 0.5), 'ms');
    line(`call.${name}.glass_to_glass_p95_ms`, pct(x.lat, 0.95), 'ms');
    line(`call.${name}.audio_latency_p50_ms`, pct(x.alat, 0.5), 'ms');
    line(`call.${name}.decoded_fps`, x.fps, 'fps');
    line(`call.${name}.decoded_width`, x.width, 'px');
    line(`call.${name}.cpu_s_per_min_per_participant`, r.cpu, 'cpu_s/min');
    console.error(`  ${name}: ${x.lat.length} clock readings, ${x.alat.length} beeps${x.path ? `, codec path ${x.path}` : ''}`);
  }
  for (const [name, r] of [['ours', ours], ['webrtc_native', native]]) {
    line(`janus.${name}.cpu_ms_per_s_per_stream`, r.janusMsPerSPerStream, 'cpu_ms/s');
  }
  three.readings.forEach((x, i) => {
    line(`call.three_party.${roles[i]}.decoded_fps`, x.fps, 'fps');
    line(`call.three_party.${roles[i]}.glass_to_glass_p50_ms`, pct(x.lat, 0.5), 'ms');
  });
  line('call.three_party.decoded_fps_min', Math.min(...three.readings.map((x) => x.fps)), 'fps');
  line('call.three_party.glass_to_glass_p50_ms_max', Math.max(...three.readings.map((x) => pct(x.lat, 0.5))), 'ms');
  line('call.three_party.cpu_s_per_min_per_participant', three.cpu, 'cpu_s/min');
  line('janus.three_party.cpu_ms_per_s_per_stream', three.janusMsPerSPerStream, 'cpu_ms/s');

  const metrics = [
    ['join_to_first_frame', (r) => r.readings[0].first],
    ['glass_to_glass_p50', (r) => pct(r.readings[0].lat, 0.5)],
    ['glass_to_glass_p95', (r) => pct(r.readings[0].lat, 0.95)],
    ['audio_latency_p50', (r) => pct(r.readings[0].alat, 0.5)],
    ['decoded_fps', (r) => r.readings[0].fps],
    ['decoded_width', (r) => r.readings[0].width],
    ['cpu_per_participant', (r) => r.cpu],
  ];
  for (const [m, get] of metrics) {
    line(`call.${m}.our_over_native`, get(ours) / get(native), 'ratio');
    line(`call.${m}.wasm_over_native`, get(oursWasm) / get(native), 'ratio');
    line(`call.${m}.wasm_scalar_over_native`, get(oursWasmScalar) / get(native), 'ratio');
  }
  line('janus.cpu_per_stream.our_over_native', ours.janusMsPerSPerStream / native.janusMsPerSPerStream, 'ratio');
} finally {
  if (web) web.stop();
  await browser.close();
  await sys.stop();
}
process.exit(0);
