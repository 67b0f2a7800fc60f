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

test('media_bad_config_throws_bilingual_error', async () => {
  await assertThrows(() => new MediaEngine(engine, { ssrc: 0 }), (e) => {
    assertEq(e.code, -1);
    assert(e.nl.length > 0 && e.en.length > 0);
  });
  await assertThrows(() => new MediaEngine(engine, { ssrc: 1, profile: 'fast' }));
});

await run();
