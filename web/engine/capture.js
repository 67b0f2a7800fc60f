// Camera capture for the engine: each camera picture as a VideoFrame, handed
// to the engine Worker as is (transferred), which converts it to I420
// (frames.js). The page never touches pixels: converting there stalled the
// page for tens of milliseconds a frame, and the page's stalls then looked
// like network queueing to the other side.
//   track-processor  MediaStreamTrackProcessor (Chromium): VideoFrames from
//                    the track, no <video> needed
//   video-frame      new VideoFrame(<video>) per requestVideoFrameCallback
//                    (Firefox, Safari)
//   canvas           the last resort, without VideoFrame: the <video> drawn
//                    on a canvas at the engine's size, its RGBA handed over
/** Opens the camera; rejects with the browser's error (NotAllowedError, ...). */
export async function openCamera({ width = 640, height = 360, fps = 30, deviceId } = {}) {
  const video = { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: fps } };
  if (deviceId) video.deviceId = { exact: deviceId };
  const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
  return stream.getVideoTracks()[0];
}

function capturePath() {
  if (typeof MediaStreamTrackProcessor !== 'undefined') return 'track-processor';
  if (typeof VideoFrame !== 'undefined') return 'video-frame';
  return 'canvas';
}

/**
 * Yields each camera picture: { frame: VideoFrame } (the receiver must close
 * or transfer it) or, on the canvas path, { rgba, width, height } already at
 * the asked size. stop() ends the iteration and releases the frame source
 * (not the track).
 */
export class FrameSource {
  constructor(track, { width = 640, height = 360 } = {}) {
    this.track = track;
    this.width = width;
    this.height = height;
    this.stopped = false;
    this.path = capturePath();
  }

  stop() {
    this.stopped = true;
    if (this.reader) this.reader.cancel().catch(() => {});
    if (this.video) { this.video.pause(); this.video.srcObject = null; }
    if (this.wake) this.wake();
  }

  frames() {
    return this.path === 'track-processor' ? this._fromProcessor() : this._fromVideo();
  }

  async *_fromProcessor() {
    // eslint-disable-next-line no-undef
    const processor = new MediaStreamTrackProcessor({ track: this.track });
    this.reader = processor.readable.getReader();
    while (!this.stopped) {
      const { value: frame, done } = await this.reader.read();
      if (done || !frame) return;
      if (this.stopped) { frame.close(); return; }
      yield { frame };
    }
  }

  async *_fromVideo() {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([this.track]);
    this.video = video;
    await video.play();
    let ctx = null;
    if (this.path === 'canvas') {
      const c = Object.assign(document.createElement('canvas'), { width: this.width, height: this.height });
      ctx = c.getContext('2d', { willReadFrequently: true });
    }
    while (!this.stopped) {
      const ts = await new Promise((resolve) => {
        this.wake = () => resolve(0);
        if (video.requestVideoFrameCallback) video.requestVideoFrameCallback((now, meta) => resolve(meta.mediaTime * 1e6));
        else requestAnimationFrame((now) => resolve(now * 1000));
      });
      if (this.stopped) return;
      if (!ctx) {
        let frame;
        try { frame = new VideoFrame(video, { timestamp: Math.round(ts) }); } catch { continue; }   // no picture yet
        yield { frame };
      } else {
        ctx.drawImage(video, 0, 0, this.width, this.height);
        yield { rgba: ctx.getImageData(0, 0, this.width, this.height).data, width: this.width, height: this.height };
      }
    }
  }
}
