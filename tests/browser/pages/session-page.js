// Test page for the real call session (web/engine/call.js): Janus, the WASM
// media engine and E2EE in the Worker, capture, render and audio. The test
// hands in the call's coordinates with bb.setup(); everything the session
// reports is recorded in window.bb. Video comes from Chromium's fake camera,
// or (source 'clock') from a canvas that draws the wall clock as 32
// black/white blocks and a marker, like webrtc-page.js, so the receiver can
// read the clock back (glass-to-glass latency). Not part of the product.
import { createCallSession } from '/engine/call.js';
import { beepTrack, detectBeeps } from '/test/beep.js';
import { clockTrack, readClock, latencyOf, nowMs } from '/test/clock.js';

let W = 640, H = 360;
const worker = new Worker('/engine/worker.js', { type: 'module' });
const bb = { audioLatencies: [], stateLog: [], frameLog: [], tileLog: [], texts: [], errors: [], frames: {}, latencies: [], firstFrameMs: null, identity: null };
window.bb = bb;
// Every state the session said, in order (from the log, which also has when and why).
Object.defineProperty(bb, 'states', { get: () => bb.stateLog.map(([, state]) => state) });

bb.setup = async (cfg) => {
  W = cfg.width ?? 640; H = cfg.height ?? 360;
  const canvas = document.getElementById('source');
  canvas.width = W; canvas.height = H;
  const audio = cfg.beep ? new MediaStream([await beepTrack()])
    : cfg.audio !== false ? await navigator.mediaDevices.getUserMedia({ audio: true }) : null;
  let stream;
  if (cfg.source === 'none') {
    stream = audio;
  } else if (cfg.source === 'clock') {
    stream = new MediaStream([clockTrack(canvas, W, H, cfg.marker || 'BEELDBEL', cfg.colour, cfg.fps ?? 30)]);
  } else {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: W, height: H } });
  }
  if (audio && stream !== audio) stream.addTrack(audio.getAudioTracks()[0]);
  const enc = (a) => (a ? new Uint8Array(a) : undefined);
  bb.joinMs = nowMs();
  const s = createCallSession({
    worker, janusUrl: cfg.janus, room: cfg.room, pin: cfg.pin, token: cfg.token, role: cfg.role,
    invite: cfg.invite, cert: enc(cfg.cert), key: enc(cfg.key), expectedOfficer: cfg.officer || '',
    localStream: stream, feedId: cfg.feedId, keepPlain: !!cfg.keepPlain, width: W, height: H, fps: cfg.fps ?? 30,
    codec: cfg.codec, startKbps: cfg.startKbps, capture: cfg.capture, display: cfg.display,
    policeBase: new URL('/police/', location.href).href,
  });
  bb.session = s;
  s.addEventListener('state', (ev) => {
    bb.stateLog.push([Math.round(nowMs()), ev.detail.state, ev.detail.reason ?? null]);
    if (ev.detail.state === 'ended') bb.endReason = ev.detail.reason ?? null;
    document.getElementById('status').textContent = ev.detail.state;
  });
  s.addEventListener('error', (ev) => bb.errors.push(ev.detail));
  s.addEventListener('identity', () => { bb.identity = s.identity; });
  for (const kind of ['rtt', 'caption']) s.addEventListener(kind, (ev) => bb.texts.push({ kind, ...ev.detail }));
  // Files: every event without its bytes (kept apart, by sender and id), and when it came.
  bb.files = [];
  bb.fileData = {};
  s.addEventListener('file', (ev) => {
    const { data, ...d } = ev.detail;
    bb.files.push({ ...d, at: nowMs() });
    if (data) bb.fileData[`${d.from}:${d.id}`] = data;
  });
  s.addEventListener('tiles', () => {
    bb.tileLog.push([Math.round(nowMs()), s.tiles.length]);
    document.getElementById('tiles').replaceChildren(...s.tiles.map((t) => t.canvas));
  });
  if (cfg.detectBeeps) {
    const tap = setInterval(() => {
      if (!s.playback) return;
      clearInterval(tap);
      detectBeeps(s.audio, s.playback.node, (ms) => bb.audioLatencies.push(ms));
    }, 50);
  }
  s.addEventListener('frame', (ev) => {
    const d = ev.detail;
    const at = nowMs();
    if (bb.firstFrameMs === null) bb.firstFrameMs = at - bb.joinMs;
    const f = (bb.frames[d.feedId] ||= { n: 0, width: 0, height: 0 });
    f.n++; f.width = d.width; f.height = d.height; f.at = at;
    if (bb.frameLog.push([Math.round(at), d.feedId]) > 3000) bb.frameLog.splice(0, 1000);
    bb.count = (bb.count ?? 0) + 1;
    if (cfg.readClock) {
      const tile = s.tiles.find((t) => t.id === String(d.feedId));
      const probe = (bb.probe ||= new OffscreenCanvas(W, H).getContext('2d', { willReadFrequently: true }));
      const lat = latencyOf(readClock(probe, tile.canvas, W, H), at);
      if (lat !== null) bb.latencies.push(lat);
    }
  });
};

/** The longest video playout delay of the others, as of the engine's last status (us). */
bb.videoDelayUs = () => Math.max(0, ...(bb.session.stats?.media?.peers ?? []).map((m) => m.videoDelayUs));
bb.state = () => {
  const s = bb.session;
  return {
    state: s.state, engineVersions: bb.engineVersions ?? null, sourceFrames: document.getElementById('source').drawn ?? null, endReason: bb.endReason, feedId: s.feedId, identity: s.identity, quality: s.quality, errors: bb.errors,
    tiles: s.tiles.map((t) => ({ id: t.id, role: t.role, name: t.name })), frames: bb.frames, texts: bb.texts,
    counts: s.stats && s.stats.counts, rejected: s.stats && s.stats.rejected,
    e2ee: s.stats && s.stats.peers.map((p) => ({ id: p.id, role: p.role, hasKey: p.hasKey })),
    media: s.stats && s.stats.media, audio: s.playback ? s.playback.stats() : null, states: bb.states,
    capture: { camera: s.cameraInWorker ? 'worker' : 'page', mic: s.micCapture && s.micCapture.inWorker ? 'worker' : 'page' },
    transport: s.transport && { ...s.transport.stats, state: s.transport.state, inWorker: s.transport.inWorker ? s.transport.inWorker.size : 0,
      channels: [...s.transport.channels].map(([f, c]) => `${f}:${c.readyState}`) },
  };
};
/** Shares bytes handed in as base64 (files.test.mjs) under name. */
bb.shareBase64 = (name, b64, keepMetadata = false) =>
  bb.session.shareFile({ name, bytes: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) }, { keepMetadata });
/** A received file's bytes as base64 (key: `${from}:${id}`), or null. */
bb.fileBase64 = (key) => {
  const d = bb.fileData[key];
  if (!d) return null;
  let s = '';
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
  return btoa(s);
};
bb.breakCodec = () => worker.postMessage({ type: 'call-codec-fail' });
bb.plain = () => new Promise((resolve) => {
  const h = (ev) => {
    if (ev.data.type !== 'call-plain') return;
    worker.removeEventListener('message', h);
    resolve({ plain: ev.data.plain.map((m) => [...m]), wire: ev.data.wire.map((m) => [...m]) });
  };
  worker.addEventListener('message', h);
  worker.postMessage({ type: 'call-plain' });
});
// Like the widget, which starts its engine during the device check: the
// engine is loaded before anyone joins. ?simd=0: the module without SIMD
// kernels, as a browser from before WebAssembly SIMD runs.
await new Promise((resolve) => {
  const h = (ev) => {
    if (ev.data.type !== 'ready' && ev.data.type !== 'error') return;
    worker.removeEventListener('message', h);
    bb.engineVersions = ev.data.versions ?? null;
    resolve();
  };
  worker.addEventListener('message', h);
  worker.postMessage({ type: 'init', simd: new URLSearchParams(location.search).get('simd') === '0' ? false : undefined });
});
document.getElementById('status').textContent = 'ready';
