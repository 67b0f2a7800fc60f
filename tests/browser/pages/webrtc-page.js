// Baseline for issue 5's comparison: Chromium's own WebRTC (VP8 + Opus
// tracks) through the same Janus, joined by the same C signalling. The
// sender draws the wall clock (ms, 32 bits) as black/white blocks into a
// canvas and publishes captureStream(30); the receiver reads the blocks back
// on every requestVideoFrameCallback. Results in window.bb.stats().
// Not part of the product.
import { Transport } from '/engine/transport.js';
import { beepTrack, detectBeeps } from '/test/beep.js';

const params = new URLSearchParams(location.hash.slice(1));
const role = params.get('role');
const worker = new Worker('/engine/worker.js', { type: 'module' });
const nowMs = () => performance.timeOrigin + performance.now();
const BLOCK = 20, BITS = 32, W = 640, H = 360;
const bb = { latencies: [], audioLatencies: [], frames: 0, firstFrameMs: null, startMs: nowMs(), width: 0, height: 0 };
window.bb = bb;

let tracks;
if (role === 'sender') {
  const canvas = document.getElementById('clock');
  const ctx = canvas.getContext('2d');
  const draw = () => {
    const t = Math.floor(nowMs()) >>> 0;
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, W, H);
    for (let i = 0; i < BITS; i++) {
      ctx.fillStyle = (t >>> (BITS - 1 - i)) & 1 ? '#fff' : '#000';
      ctx.fillRect(i * BLOCK, 0, BLOCK, BLOCK * 2);
    }
    requestAnimationFrame(draw);
  };
  draw();
  tracks = canvas.captureStream(30);
  tracks.addTrack(await beepTrack());
}

const transport = new Transport(worker, {
  janusUrl: params.get('janus'), room: Number(params.get('room')), token: params.get('token'),
  display: role, tracks,
});
bb.transport = transport;

if (role === 'receiver') {
  const video = document.getElementById('remote');
  const probe = document.getElementById('probe').getContext('2d', { willReadFrequently: true });
  transport.addEventListener('track', async (ev) => {
    if (ev.detail.track.kind === 'audio') {
      // Chromium feeds a remote track to Web Audio only while an element plays it.
      const el = new Audio();
      el.muted = true;
      el.srcObject = new MediaStream([ev.detail.track]);
      el.play().catch(() => {});
      const ctx = new AudioContext({ sampleRate: 48000 });
      await ctx.resume();
      const src = ctx.createMediaStreamSource(new MediaStream([ev.detail.track]));
      await detectBeeps(ctx, src, (ms) => bb.audioLatencies.push(ms));
      return;
    }
    if (ev.detail.track.kind !== 'video') return;
    video.srcObject = new MediaStream([ev.detail.track]);
    video.play();
    const onFrame = () => {
      const at = nowMs();
      if (bb.firstFrameMs === null) bb.firstFrameMs = at - bb.startMs;
      bb.frames++;
      bb.width = video.videoWidth;
      bb.height = video.videoHeight;
      probe.drawImage(video, 0, 0, W, H);
      const row = probe.getImageData(0, BLOCK, W, 1).data;
      let t = 0;
      for (let i = 0; i < BITS; i++) t = ((t << 1) | (row[(i * BLOCK + BLOCK / 2) * 4] > 128 ? 1 : 0)) >>> 0;
      const lat = ((Math.floor(at) >>> 0) - t) >>> 0;
      if (lat < 5000) bb.latencies.push(lat);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}
transport.start();
