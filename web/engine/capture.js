// Camera capture for the engine: frames from a MediaStreamTrack as packed
// I420 (what the VP8 encoder takes), at the size the engine asks for.
// Chromium has MediaStreamTrackProcessor (VideoFrames without a <video>);
// Firefox and Safari take the <video> + canvas path. Either way a frame
// that is not already I420 at the right size is scaled on a canvas and
// converted (BT.601, limited range, like libvpx expects).

/** Opens the camera; rejects with the browser's error (NotAllowedError, ...). */
export async function openCamera({ width = 640, height = 360, fps = 30, deviceId } = {}) {
  const video = { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: fps } };
  if (deviceId) video.deviceId = { exact: deviceId };
  const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
  return stream.getVideoTracks()[0];
}

/** Packed I420 size for w x h (both even). */
export const i420Size = (w, h) => w * h * 3 / 2;

/** RGBA (canvas ImageData) to packed I420, BT.601 limited range. */
export function rgbaToI420(rgba, w, h, out = new Uint8Array(i420Size(w, h))) {
  const uOff = w * h, vOff = uOff + (w / 2) * (h / 2), cw = w / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const r = rgba[i], g = rgba[i + 1], b = rgba[i + 2];
      out[y * w + x] = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
    }
  }
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      // Average the 2x2 block for chroma.
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const i = ((y + dy) * w + x + dx) * 4;
        r += rgba[i]; g += rgba[i + 1]; b += rgba[i + 2];
      }
      r >>= 2; g >>= 2; b >>= 2;
      const c = (y / 2) * cw + x / 2;
      out[uOff + c] = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
      out[vOff + c] = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    }
  }
  return out;
}

/**
 * Yields { i420, width, height, timestampUs } for each camera frame.
 * stop() ends the iteration and releases the frame source (not the track).
 */
export class FrameSource {
  constructor(track, { width = 640, height = 360 } = {}) {
    this.track = track;
    this.width = width;
    this.height = height;
    this.stopped = false;
    this.canvas = typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    this.path = typeof MediaStreamTrackProcessor !== 'undefined' ? 'track-processor' : 'video-element';
  }

  stop() {
    this.stopped = true;
    if (this.reader) this.reader.cancel().catch(() => {});
    if (this.video) { this.video.pause(); this.video.srcObject = null; }
  }

  async *frames() {
    if (this.path === 'track-processor') yield* this._fromProcessor();
    else yield* this._fromVideo();
  }

  async *_fromProcessor() {
    // eslint-disable-next-line no-undef
    const processor = new MediaStreamTrackProcessor({ track: this.track });
    this.reader = processor.readable.getReader();
    while (!this.stopped) {
      const { value: frame, done } = await this.reader.read();
      if (done || !frame) return;
      try {
        yield { i420: await this._convert(frame), width: this.width, height: this.height,
          timestampUs: frame.timestamp };
      } finally {
        frame.close();
      }
    }
  }

  async _convert(frame) {
    const w = this.width, h = this.height;
    if (frame.format === 'I420' && frame.codedWidth === w && frame.codedHeight === h &&
        frame.visibleRect.width === w && frame.visibleRect.height === h) {
      const out = new Uint8Array(i420Size(w, h));
      await frame.copyTo(out, { layout: [
        { offset: 0, stride: w }, { offset: w * h, stride: w / 2 }, { offset: w * h * 5 / 4, stride: w / 2 }] });
      return out;
    }
    this.ctx.drawImage(frame, 0, 0, w, h);
    return rgbaToI420(this.ctx.getImageData(0, 0, w, h).data, w, h);
  }

  async *_fromVideo() {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([this.track]);
    this.video = video;
    await video.play();
    const w = this.width, h = this.height;
    while (!this.stopped) {
      const ts = await new Promise((resolve) => {
        if (video.requestVideoFrameCallback) video.requestVideoFrameCallback((now, meta) => resolve(meta.mediaTime * 1e6));
        else requestAnimationFrame((now) => resolve(now * 1000));
      });
      this.ctx.drawImage(video, 0, 0, w, h);
      yield { i420: rgbaToI420(this.ctx.getImageData(0, 0, w, h).data, w, h), width: w, height: h,
        timestampUs: Math.round(ts) };
    }
  }
}
