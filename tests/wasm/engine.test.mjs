// The WASM engine through its JS glue (web/engine/engine.js), under node.
// The VP8 digest must equal the one the native build printed: same sources,
// same bitstream, whatever the compiler or SIMD. The codec tests run in both
// modules: the scalar one and the one with libvpx's WebAssembly SIMD kernels.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { test, run, assert, assertEq, assertThrows } from '../common/harness.mjs';
import { synthVideoFrame } from '../common/synth.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(resolve(root, process.env.BB_DIST ?? 'dist'), 'engine');
const { loadEngine } = await import(pathToFileURL(join(dist, 'engine.js')).href);
const engines = {
  scalar: await loadEngine({ wasmBinary: readFileSync(join(dist, 'beeldbel-engine.wasm')) }),
  simd128: await loadEngine({ wasmBinary: readFileSync(join(dist, 'beeldbel-engine-simd128.wasm')) }),
};
const engine = engines.scalar;

function nativeDigest(name) {
  const file = process.env.BB_NATIVE_OUTPUT ?? join(resolve(root, process.env.BB_BUILD ?? 'build'), 'test-output', 'native-unit.txt');
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`digest ${name} `));
  assert(line, `native output has no digest ${name}`);
  return line.split(' ')[2];
}

for (const [kind, engine] of Object.entries(engines)) {
  test(`versions_come_from_debian_sources_${kind}`, () => {
    const v = engine.versions();
    assertEq(v.simd128, kind === 'simd128');
    assert(v.vp8.includes('1.12.0'), v.vp8);
    assert(v.opus.includes('1.3.1'), v.opus);
    assert(v.mbedtls.includes('2.28.3'), v.mbedtls);
    assertEq(v.cjson, '1.7.15');
  });

  test(`vp8_through_glue_is_bit_exact_with_native_${kind}`, () => {
    const enc = engine.createVideoEncoder({ width: 640, height: 360, fps: 30, kbps: 800 });
    const h = createHash('sha256');
    for (let i = 0; i < 10; i++) h.update(enc.encode(synthVideoFrame(640, 360, i), i * 33333).data);
    enc.free();
    assertEq(h.digest('hex'), nativeDigest('vp8_640x360_10frames'));
  });

  test(`vp8_encode_decode_roundtrip_${kind}`, () => {
    const enc = engine.createVideoEncoder({ width: 320, height: 180 });
    const dec = engine.createVideoDecoder();
    const frame = synthVideoFrame(320, 180, 0);
    const { data, key } = enc.encode(frame, 0);
    assert(key, 'first frame is a keyframe');
    const out = dec.decode(data);
    assertEq(out.width, 320);
    assertEq(out.height, 180);
    let se = 0;
    for (let i = 0; i < 320 * 180; i++) se += (out.i420[i] - frame[i]) ** 2;
    const psnr = 10 * Math.log10(255 * 255 * 320 * 180 / se);
    assert(psnr > 30, `luma psnr ${psnr}`);
    enc.free(); dec.free();
  });

  test(`vp8_garbage_gives_engine_error_not_crash_${kind}`, async () => {
    const dec = engine.createVideoDecoder();
    const e = await assertThrows(() => dec.decode(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])));
    assertEq(e.name, 'EngineError');
    assert(e.code === -4 || e.code === -10, `code ${e.code}`);
    dec.free();
    await assertThrows(() => dec.decode(new Uint8Array(10)), (x) => assertEq(x.code, -11));
  });
}

test('opus_20ms_roundtrip', () => {
  const enc = engine.createAudioEncoder({ bitrate: 24000 });
  const dec = engine.createAudioDecoder();
  const pcm = new Int16Array(960);
  let out;
  for (let f = 0; f < 10; f++) {
    for (let i = 0; i < 960; i++) pcm[i] = Math.round(8000 * Math.sin(2 * Math.PI * 440 * (f * 960 + i) / 48000));
    const pkt = enc.encode(pcm);
    assert(pkt.length > 2 && pkt.length < 200, `packet ${pkt.length}`);
    out = dec.decode(pkt);
  }
  assertEq(out.length, 960);
  const rms = Math.sqrt(out.reduce((a, x) => a + x * x, 0) / out.length);
  assert(rms > 3000 && rms < 8000, `rms ${rms}`);
  assertEq(dec.decode(null).length, 960); // a lost packet is concealed
  enc.free(); dec.free();
});

test('aes_gcm_seal_open_and_tamper', async () => {
  const key = new Uint8Array(16).fill(7), nonce = new Uint8Array(12).fill(1);
  const aad = new TextEncoder().encode('hdr');
  const pt = new TextEncoder().encode('geheim bericht aan de wijkagent');
  const ct = engine.seal(key, nonce, aad, pt);
  assertEq(ct.length, pt.length + 16);
  assertEq(new TextDecoder().decode(engine.open(key, nonce, aad, ct)), 'geheim bericht aan de wijkagent');
  ct[3] ^= 0x20;
  const e = await assertThrows(() => engine.open(key, nonce, aad, ct));
  assertEq(e.code, -5);
  assertEq(e.nl, 'authenticatie mislukt');
});

test('control_message_roundtrip_and_reject_reason', async () => {
  const json = engine.writeControl({ type: 'text', seq: 7, from: 'citizen-1', text: 'Hallo 👋' });
  const m = engine.parseControl(new TextEncoder().encode(json));
  assertEq(m.type, 'text');
  assertEq(m.seq, 7);
  assertEq(m.from, 'citizen-1');
  assertEq(m.text, 'Hallo 👋');
  const bad = new TextEncoder().encode('{"v":1,"type":"hello","seq":1,"from":"x","admin":1}');
  const e = await assertThrows(() => engine.parseControl(bad));
  assertEq(e.reason, 'field');
  await assertThrows(() => engine.writeControl({ type: 'text', seq: 1, from: '<b>' }), (x) => assertEq(x.code, -1));
});

await run({ exit: true });
