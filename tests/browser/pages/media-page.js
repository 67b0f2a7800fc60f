// Test page for the browser media plumbing: fake camera -> FrameSource ->
// I420 (frames.js, as the engine Worker converts) -> VP8 encode/decode in
// the WASM engine -> I420Renderer (WebGL and 2D), and fake microphone ->
// AudioWorklet -> Opus -> AudioWorklet playback. Results in window.result
// for tests/browser/media.test.mjs. Not part of the product.
import { loadEngine } from '/engine/engine.js';
import { openCamera, FrameSource } from '/engine/capture.js';
import { toI420, i420Size } from '/engine/frames.js';
import { I420Renderer, BT601 } from '/engine/render.js';
import { createAudio, captureMicrophone, createPlayback } from '/engine/audio.js';

const W = 640, H = 360;

function psnr(a, b) {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? 99 : 10 * Math.log10(255 * 255 * a.length / se);
}

function rgbOf(canvas) {
  const c = document.createElement('canvas');
  c.width = W; c.height = H;
  const ctx = c.getContext('2d');
  ctx.drawImage(canvas, 0, 0, W, H);
  const d = ctx.getImageData(0, 0, W, H).data;
  const rgb = new Uint8Array(W * H * 3);
  for (let i = 0, j = 0; i < d.length; i += 4) { rgb[j++] = d[i]; rgb[j++] = d[i + 1]; rgb[j++] = d[i + 2]; }
  return rgb;
}

async function video(engine) {
  const track = await openCamera({ width: W, height: H, fps: 30 });
  const source = new FrameSource(track, { width: W, height: H });
  const enc = engine.createVideoEncoder({ width: W, height: H, fps: 30, kbps: 1200 });
  const dec = engine.createVideoDecoder();
  const gl = new I420Renderer(document.getElementById('webgl'), { mode: 'webgl' });
  const plain = new I420Renderer(document.getElementById('plain'), { mode: '2d' });
  let n = 0, worst = 99, bytes = 0, last = null;
  const t0 = performance.now();
  for await (const c of source.frames()) {
    let f;
    try { f = await toI420(c.frame); } finally { c.frame.close(); }
    if (f.width !== W || f.height !== H || f.i420.length !== i420Size(W, H)) throw new Error(`bad frame ${f.width}x${f.height}`);
    const { data } = enc.encode(f.i420, n * 33333);
    bytes += data.length;
    const out = dec.decode(data);
    if (n >= 5) worst = Math.min(worst, psnr(out.i420.subarray(0, W * H), f.i420.subarray(0, W * H)));
    gl.draw(out.i420, out.width, out.height);
    last = f.i420;
    if (++n === 60) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  source.stop();
  // The same captured frame through both renderers must look the same.
  gl.draw(last, W, H);
  plain.draw(last, W, H);
  const renderPsnr = psnr(rgbOf(gl.canvas), rgbOf(plain.canvas));
  // ... and as a VideoFrame (what the browser's decoder gives), by each
  // renderer that takes one as it is: the default (a 2D canvas the browser
  // draws frames on) and WebGL.
  const canvas16 = () => Object.assign(document.createElement('canvas'), { width: 16, height: 16 });
  const asFrame = () => new VideoFrame(last, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0, colorSpace: BT601 });
  const byFrame = new I420Renderer(canvas16());
  const frame = asFrame();
  byFrame.drawFrame(frame);
  const framePsnr = psnr(rgbOf(byFrame.canvas), rgbOf(plain.canvas));
  const frameClosed = frame.format === null;
  const glFrame = new I420Renderer(canvas16(), { mode: 'webgl' });
  glFrame.drawFrame(asFrame());
  const glFramePsnr = psnr(rgbOf(glFrame.canvas), rgbOf(plain.canvas));
  // Packed I420 (our decoder's output) through the default renderer.
  const byI420 = new I420Renderer(canvas16());
  byI420.draw(last, W, H);
  const i420FramePsnr = psnr(rgbOf(byI420.canvas), rgbOf(plain.canvas));
  track.stop();
  enc.free(); dec.free();
  return { frames: n, fps: n / seconds, worstLumaPsnr: worst, kbps: bytes * 8 / seconds / 1000,
    path: source.path, renderer: gl.mode, defaultRenderer: byFrame.mode, renderPsnr, framePsnr, frameClosed,
    glFramePsnr, i420FramePsnr,
    frameSize: `${byFrame.canvas.width}x${byFrame.canvas.height}` };
}

async function audio(engine) {
  const ctx = await createAudio();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const enc = engine.createAudioEncoder({ bitrate: 24000 });
  const dec = engine.createAudioDecoder();
  const playback = createPlayback(ctx);
  let captured = 0, energy = 0, packets = 0;
  const mic = captureMicrophone(ctx, stream.getAudioTracks()[0], (pcm) => {
    captured++;
    const pkt = enc.encode(pcm);
    packets += pkt.length > 2;
    const out = dec.decode(pkt);
    for (const s of out) energy += s * s;
    playback.push(out);
  });
  await ctx.resume();
  await new Promise((r) => setTimeout(r, 2000));
  mic.stop();
  await new Promise((r) => setTimeout(r, 300));
  const stats = playback.stats();
  playback.stop();
  await ctx.close();
  stream.getTracks().forEach((t) => t.stop());
  return { captured, packets, rms: Math.sqrt(energy / Math.max(1, captured * 960)), played: stats.frames,
    underruns: stats.underruns, sampleRate: 48000 };
}

try {
  const engine = await loadEngine();
  window.result = { video: await video(engine), audio: await audio(engine) };
} catch (e) {
  window.result = { error: String(e && e.stack || e) };
}
document.getElementById('status').textContent = 'done';
