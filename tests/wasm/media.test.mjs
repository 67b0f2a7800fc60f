// The media engine in WASM through its JS glue (MediaEngine in
// web/engine/engine.js): two engines in one process hold a short call, with
// the messages passed by hand, as the JS transport will.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { test, run, assert, assertEq, assertThrows } from '../common/harness.mjs';
import { synthVideoFrame } from '../common/synth.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(resolve(root, process.env.BB_DIST ?? 'dist'), 'engine');
const { loadEngine, MediaEngine } = await import(pathToFileURL(join(dist, 'engine.js')).href);
const engine = await loadEngine({ wasmBinary: readFileSync(join(dist, 'beeldbel-engine.wasm')) });

const W = 320, H = 180;

function psnr(a, b) {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return se ? 10 * Math.log10(255 * 255 * a.length / se) : 99;
}

// Runs ms of simulated time; drop(msg) may drop A's messages.
function call(a, b, ms, drop = () => false) {
  const frames = [];
  const pcm = new Int16Array(960);
  for (let i = 0, t = 0; i < ms; i++, t += 1000) {
    if (i % 33 === 0) a.pushVideo(synthVideoFrame(W, H, i / 33), t, t);
    if (i % 20 === 0) {
      for (let k = 0; k < 960; k++) pcm[k] = Math.round(8000 * Math.sin((i * 48 + k) / 20));
      a.pushAudio(pcm, t, t);
      if (b.peers().includes(0x0a)) b.pullAudio(0x0a, t); // known once its first message arrived
    }
    a.tick(t);
    for (const m of a.pollSend()) {
      assert(m.data.length <= 1160, `message of ${m.data.length} bytes`);
      if (!drop(m)) b.receive(m.data, t + 5000);
    }
    b.tick(t);
    for (const m of b.pollSend()) a.receive(m.data, t + 5000);
    if (i % 16 === 0 && b.peers().includes(0x0a)) {
      const f = b.pullFrame(0x0a, t);
      if (f) frames.push(f);
    }
  }
  return frames;
}

test('media_call_through_wasm_glue_shows_the_right_frames', () => {
  const a = new MediaEngine(engine, { ssrc: 0x0a, width: W, height: H, startKbps: 400 });
  const b = new MediaEngine(engine, { ssrc: 0x0b, width: W, height: H });
  try {
    const frames = call(a, b, 2000);
    assert(frames.length >= 40, `only ${frames.length} frames shown`);
    const last = frames[frames.length - 1];
    assertEq(last.width, W);
    assertEq(last.height, H);
    const q = psnr(last.i420, synthVideoFrame(W, H, Math.round(last.captureUs * 30 / 1e6)));
    assert(q > 30, `psnr ${q.toFixed(1)} dB: not the frame its capture time names`);
    assertEq(b.peers()[0], 0x0a);
    const s = b.stats();
    assertEq(s.peers.length, 1);
    assert(s.peers[0].audioFrames > 80, `audio frames ${s.peers[0].audioFrames}`);
    assert(a.stats().bytesSent > 10000);
  } finally { a.free(); b.free(); }
});

test('media_control_is_delivered_and_bad_bytes_are_counted', () => {
  const a = new MediaEngine(engine, { ssrc: 0x0a, width: W, height: H });
  const b = new MediaEngine(engine, { ssrc: 0x0b, width: W, height: H });
  try {
    call(a, b, 100);
    a.sendControl(new TextEncoder().encode('{"t":"hallo"}'), 100000);
    let lost = 0; // the first copy is lost: the engine repeats it
    call(a, b, 1000, (m) => m.cls === 'control' && lost++ === 0);
    const c = b.pollControl();
    assert(c, 'control message not delivered');
    assertEq(c.from, 0x0a);
    assertEq(new TextDecoder().decode(c.data), '{"t":"hallo"}');
    assertEq(b.pollControl(), null);
    assert(b.receive(new Uint8Array([1, 2, 3]), 0) < 0, 'garbage accepted');
    assert(b.receive(new Uint8Array(5000), 0) < 0, 'oversize accepted');
    const r = b.stats().rejected;
    assertEq(r.truncated, 1);
    assertEq(r.oversize, 1);
  } finally { a.free(); b.free(); }
});

// The browser's codecs stand-in: the glue's own VP8 encoder and decoder,
// driven by videoWant / pullEncodedFrame the way web/engine/webcodecs.js
// drives VideoEncoder / VideoDecoder.
test('media_host_coded_video_through_the_glue_shows_the_right_frames', () => {
  const a = new MediaEngine(engine, { ssrc: 0x0a, width: W, height: H, startKbps: 400 });
  const b = new MediaEngine(engine, { ssrc: 0x0b, width: W, height: H });
  let enc = null, keys = 0, large = 0;
  const dec = engine.createVideoDecoder();
  const shown = [];
  try {
    for (let i = 0, t = 0; i < 3000; i++, t += 1000) {
      if (i % 33 === 0) {
        const p = a.videoWant(t, t);
        if (p) {
          assertEq(p.width, W);   // 400 kbit/s: the full picture
          enc ??= engine.createVideoEncoder({ width: p.width, height: p.height, fps: p.fps, kbps: p.kbps });
          const out = enc.encode(synthVideoFrame(W, H, i / 33), t, p.keyframe);
          keys += p.keyframe;
          a.pushEncodedVideo(out.data, out.key, t, t);
          // A frame larger than the glue's first buffer (keyframes at high rates).
          if (i >= 33 * 20 && !large) { a.pushEncodedVideo(new Uint8Array(100000).fill(7), false, t, t); large++; }
        }
      }
      a.tick(t);
      for (const m of a.pollSend()) b.receive(m.data, t + 5000);
      b.tick(t);
      for (const m of b.pollSend()) a.receive(m.data, t + 5000);
      if (i % 16 === 0 && b.peers().includes(0x0a)) {
        for (let f; (f = b.pullEncodedFrame(0x0a, t)) !== null;) {
          if (f.data.length === 100000) { b.decodeFailed(0x0a); continue; }   // not VP8: what a decoder does
          const pic = dec.decode(f.data);
          if (f.show) { shown.push({ ...pic, captureUs: f.captureUs }); break; }
        }
      }
    }
    assert(shown.length >= 50, `only ${shown.length} frames shown`);
    const last = shown.at(-1);
    assertEq(last.width, W);
    const q = psnr(last.i420, synthVideoFrame(W, H, Math.round(last.captureUs / 33000)));
    assert(q > 30, `psnr ${q.toFixed(1)} dB: not the frame its capture time names`);
    assertEq(large, 1);
    assertEq(keys, 2, 'the first keyframe, and the one the failed frame asked for');
    const s = b.stats();
    assertEq(s.rejected.decode, 1);
    assert(s.peers[0].keyframeRequests >= 1, 'the failed frame asked for a keyframe');
  } finally { a.free(); b.free(); dec.free(); if (enc) enc.free(); }
});

// web/engine/webcodecs.js against stand-ins for the browser's WebCodecs
// classes: what it asks of them, what it refuses to queue, how it fails.
const { WebCodecsVideo, webCodecsUsable } = await import(pathToFileURL(join(dist, 'webcodecs.js')).href);
const fakes = { encoders: [], decoders: [], supported: true };
function installFakeWebCodecs() {
  const codec = (list) => class {
    constructor({ output, error }) {
      Object.assign(this, { output, error, configs: [], inputs: [], resets: 0, state: 'unconfigured',
        encodeQueueSize: 0, decodeQueueSize: 0 });
      list.push(this);
    }
    static async isConfigSupported() { return { supported: fakes.supported }; }
    configure(c) { this.configs.push(c); this.state = 'configured'; }
    encode(frame, opt) { this.inputs.push({ timestamp: frame.timestamp, keyFrame: opt.keyFrame }); }
    decode(chunk) { this.inputs.push(chunk); }
    reset() { this.resets++; this.state = 'unconfigured'; this.decodeQueueSize = 0; }
    close() { this.state = 'closed'; }
  };
  globalThis.VideoEncoder = codec(fakes.encoders);
  globalThis.VideoDecoder = codec(fakes.decoders);
  globalThis.VideoFrame = class { constructor(t) { this.timestamp = t; this.closed = false; } close() { this.closed = true; } };
  globalThis.EncodedVideoChunk = class { constructor(o) { Object.assign(this, o); } };
}

test('webcodecs_is_used_only_where_the_browser_says_vp8_works', async () => {
  const shape = { width: 640, height: 360, fps: 30, kbps: 800 };
  assertEq(await webCodecsUsable(shape), false, 'no WebCodecs at all');
  installFakeWebCodecs();
  assertEq(await webCodecsUsable(shape), true);
  fakes.supported = false;
  assertEq(await webCodecsUsable(shape), false, 'VP8 not supported');
  fakes.supported = true;
});

test('webcodecs_encoder_follows_the_plan_and_never_queues', () => {
  installFakeWebCodecs();
  const chunks = [];
  const vc = new WebCodecsVideo({ onChunk: (d, k, t) => chunks.push({ d, k, t }), onFrame: () => {}, onError: () => {} });
  const plan = { width: 320, height: 180, fps: 30, kbps: 300, keyframe: true };
  vc.encode(new VideoFrame(1000), plan);
  const enc = fakes.encoders.at(-1);
  assertEq(enc.configs.length, 1);
  const c = enc.configs[0];
  assertEq(`${c.codec} ${c.width}x${c.height} ${c.bitrate} ${c.framerate} ${c.latencyMode}`, 'vp8 320x180 300000 30 realtime');
  assertEq(enc.inputs[0].keyFrame, true);
  vc.encode(new VideoFrame(2000), { ...plan, keyframe: false, kbps: 310 });   // a small change: not worth a flush
  assertEq(enc.configs.length, 1);
  vc.encode(new VideoFrame(3000), { ...plan, keyframe: false, kbps: 400 });   // a large one is
  assertEq(enc.configs.at(-1).bitrate, 400000);
  vc.encode(new VideoFrame(4000), { ...plan, width: 640, height: 360, kbps: 400 });
  assertEq(`${enc.configs.at(-1).width}x${enc.configs.at(-1).height}`, '640x360');
  assertEq(vc.counts.reconfigures, 2);
  assertEq(vc.encoderBusy(), false);
  enc.encodeQueueSize = 1;                 // one frame still in the encoder: the next is skipped
  assertEq(vc.encoderBusy(), true);
  assertEq(vc.counts.encoderBusy, 1);
  enc.output({ type: 'key', timestamp: 1000, byteLength: 3, copyTo: (b) => b.set([1, 2, 3]) });
  assertEq(JSON.stringify(chunks.map((x) => [[...x.d], x.k, x.t])), '[[[1,2,3],true,1000]]');
  vc.close();
  assertEq(enc.state, 'closed');
});

test('webcodecs_decoder_starts_at_a_keyframe_drops_backlog_and_shows_what_playout_says', () => {
  installFakeWebCodecs();
  const shown = [];
  const vc = new WebCodecsVideo({ onChunk: () => {}, onFrame: (ssrc, f, t) => shown.push([ssrc, t]), onError: () => {} });
  const frame = (key, show, captureUs) => ({ data: new Uint8Array(4), key, show, captureUs });
  assertEq(vc.decode(7, frame(false, true, 1)), false, 'a delta frame first cannot be decoded');
  assertEq(vc.decode(7, frame(true, false, 2)), true);
  assertEq(vc.decode(7, frame(false, true, 3)), true);
  const dec = fakes.decoders.at(-1);
  assertEq(dec.inputs.map((c) => c.type).join(','), 'key,delta');
  const out = [new VideoFrame(2), new VideoFrame(3)];
  for (const f of out) dec.output(f);
  assertEq(out[0].closed, true, 'decoded only for its references: closed, not shown');
  assertEq(JSON.stringify(shown), '[[7,3]]');
  dec.decodeQueueSize = 2;                 // backed up: a delta frame is dropped...
  assertEq(vc.decode(7, frame(false, true, 4)), false);
  assertEq(vc.decode(7, frame(false, true, 5)), false, '...and so is everything up to a keyframe');
  assertEq(vc.decode(7, frame(true, true, 6)), true, 'a keyframe restarts the decoder');
  assertEq(dec.resets, 1);
  assertEq(vc.counts.decoderBacklog, 3, 'every frame that met the backlog');
  vc.removePeer(7);
  assertEq(dec.state, 'closed');
});

test('webcodecs_error_is_reported_once_and_closes_everything', () => {
  installFakeWebCodecs();
  const errors = [];
  const vc = new WebCodecsVideo({ onChunk: () => {}, onFrame: () => {}, onError: (e) => errors.push(e.message) });
  vc.encode(new VideoFrame(1), { width: 320, height: 180, fps: 30, kbps: 300, keyframe: true });
  vc.decode(9, { data: new Uint8Array(4), key: true, show: true, captureUs: 1 });
  const enc = fakes.encoders.at(-1), dec = fakes.decoders.at(-1);
  dec.error(new Error('decode failed'));
  enc.error(new Error('and then this'));
  assertEq(JSON.stringify(errors), '["decode failed"]');
  assertEq(`${enc.state} ${dec.state}`, 'closed closed');
  const n = enc.inputs.length;
  vc.encode(new VideoFrame(2), { width: 320, height: 180, fps: 30, kbps: 300, keyframe: false });
  assertEq(enc.inputs.length, n, 'nothing more goes to a failed codec');
});

test('media_bad_config_throws_bilingual_error', async () => {
  await assertThrows(() => new MediaEngine(engine, { ssrc: 0 }), (e) => {
    assertEq(e.code, -1);
    assert(e.nl.length > 0 && e.en.length > 0);
  });
  await assertThrows(() => new MediaEngine(engine, { ssrc: 1, profile: 'fast' }));
});

await run();
