// Browser media plumbing with Chromium's fake camera and microphone: frames
// from MediaStreamTrackProcessor as I420, through the WASM VP8 encoder and
// decoder, drawn by the WebGL renderer (checked against the 2D fallback);
// microphone through the capture AudioWorklet, Opus, and the playback
// worklet. Served by the real static server under its strict CSP.
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, shotDir, startTestSite } from './lib.mjs';

const web = await startTestSite('media');
const browser = await launch();
let result;

test('media_pipeline_runs_in_chromium', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${web.url}/test/media.html`);
  result = await (await page.waitForFunction(() => window.result, null, { timeout: 60000 })).jsonValue();
  await page.screenshot({ path: join(shotDir, 'media-plumbing.png') });
  await page.close();
  assert(!result.error, result.error);
  assertEq(errors.join('\n'), '');
  console.log(`  video: ${JSON.stringify(result.video)}`);
  console.log(`  audio: ${JSON.stringify(result.audio)}`);
});

test('camera_frames_arrive_as_i420_via_track_processor', () => {
  assertEq(result.video.path, 'track-processor');
  assertEq(result.video.frames, 60); // fps is reported, not asserted: it is machine speed

});

test('vp8_roundtrip_of_camera_keeps_quality', () => {
  assert(result.video.worstLumaPsnr > 28, `psnr ${result.video.worstLumaPsnr}`);
});

test('webgl_renderer_matches_2d_fallback', () => {
  assertEq(result.video.renderer, 'webgl');
  assert(result.video.renderPsnr > 35, `render psnr ${result.video.renderPsnr}`);
});

test('default_renderer_draws_a_video_frame_like_its_i420_and_closes_it', () => {
  // Where VideoFrame exists the browser draws frames itself: no WebGL
  // (software WebGL costs a core's worth on a machine without a GPU).
  assertEq(result.video.defaultRenderer, 'frame');
  assertEq(result.video.frameSize, '640x360');
  assert(result.video.framePsnr > 35, `video frame psnr ${result.video.framePsnr}`);
  assertEq(result.video.frameClosed, true);
});

test('webgl_renderer_draws_a_video_frame_like_its_i420', () => {
  assert(result.video.glFramePsnr > 35, `video frame through WebGL psnr ${result.video.glFramePsnr}`);
});

test('default_renderer_draws_packed_i420_like_the_2d_fallback', () => {
  assert(result.video.i420FramePsnr > 35, `i420 as a video frame psnr ${result.video.i420FramePsnr}`);
});

test('microphone_to_speaker_through_worklets_and_opus', () => {
  const a = result.audio;
  assert(a.captured >= 80 && a.captured <= 120, `captured ${a.captured} frames in 2 s`);
  // Chromium's fake microphone beeps with pauses: the pauses go out as DTX.
  assert(a.packets > 0.3 * a.captured && a.packets < a.captured, `${a.packets} non-DTX packets of ${a.captured}`);
  assert(a.rms > 100, `decoded rms ${a.rms}`);
  // Playback counts what reached the speaker worklet; a busy machine delays
  // the main thread, so allow some frames still in flight or dropped.
  assert(a.played >= 0.7 * a.captured, `played ${a.played} of ${a.captured}`);
});

try {
  await run();
} finally {
  await browser.close();
  web.stop();
}
