// Baseline for the call benchmark: Chromium's own WebRTC (VP8 + Opus
// tracks) through the same Janus, joined by the same C signalling. The
// sender draws the wall clock (ms, 32 bits) as black/white blocks into a
// canvas and publishes captureStream(30); the receiver reads the blocks back
// on every requestVideoFrameCallback. Results in window.bb.stats().
// Not part of the product.
import { Transport } from '/engine/transport.js';
import { beepTrack, detectBeeps } from '/test/beep.js';
import { clockTrack, readClock, latencyOf, nowMs } from '/test/clock.js';

const params = new URLSearchParams(location.hash.slice(1));
const role = params.get('role');
const worker = new Worker('/engine/worker.js', { type: 'module' });
const W = 640, H = 360;
const bb = { latencies: [], audioLatencies: [], frames: 0, firstFrameMs: null, startMs: nowMs(), width: 0, height: 0 };
window.bb = bb;

let tracks;
if (role === 'sender') {
  tracks = new MediaStream([clockTrack(document.getElementById('clock'), W, H, 'BEELDBEL')]);
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
      const lat = latencyOf(readClock(probe, video, W, H), at);
      if (lat !== null) bb.latencies.push(lat);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}
transport.start();
