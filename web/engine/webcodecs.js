// VP8 with the browser's own codecs (WebCodecs), inside the engine Worker.
// Only the codec work moves here: the C engine still decides which camera
// frames are encoded and how (size, frame rate, bitrate, keyframes, through
// MediaEngine.videoWant), packetises and recovers what the encoder makes,
// and decides when each received frame is decoded and shown
// (MediaEngine.pullEncodedFrame). A VP8 frame is a VP8 frame: a peer on
// libvpx-in-WASM decodes ours and we decode theirs.
//
// Nothing here queues: a frame waiting in an encoder or decoder is latency.
// A camera frame that finds the encoder busy is skipped; a received frame
// that finds the decoder backed up is dropped and the engine asked to
// restart that sender from a keyframe. Any error is reported once through
// onError, and the caller goes back to the WASM codecs for the rest of the
// call.

const ENCODE_QUEUE_MAX = 1;      // frames the encoder may still hold when a new one comes
const DECODE_QUEUE_MAX = 2;      // frames a decoder may still hold when a new one comes
const PROBE_MS = 3000;           // isConfigSupported that does not answer counts as "no"
const BITRATE_STEP = 0.1;        // a new bitrate alone is worth a reconfigure past this change...
const BITRATE_EVERY_MS = 1000;   // ...or once this long has passed

const encoderConfig = ({ width, height, fps, kbps }) => ({
  codec: 'vp8', width, height, bitrate: kbps * 1000, framerate: fps,
  latencyMode: 'realtime', hardwareAcceleration: 'no-preference',
});
const decoderConfig = () => ({ codec: 'vp8', hardwareAcceleration: 'no-preference', optimizeForLatency: true });

const withTimeout = (p, ms) => Promise.race([p, new Promise((resolve) => setTimeout(() => resolve(null), ms))]);

/** Whether this browser encodes and decodes VP8 of this shape itself. */
export async function webCodecsUsable({ width, height, fps, kbps }) {
  if (typeof VideoEncoder === 'undefined' || typeof VideoDecoder === 'undefined' ||
      typeof VideoFrame === 'undefined' || typeof EncodedVideoChunk === 'undefined') return false;
  try {
    const [e, d] = await withTimeout(Promise.all([
      VideoEncoder.isConfigSupported(encoderConfig({ width, height, fps, kbps })),
      VideoDecoder.isConfigSupported(decoderConfig()),
    ]), PROBE_MS) ?? [];
    return !!(e && e.supported && d && d.supported);
  } catch {
    return false;
  }
}

export class WebCodecsVideo {
  /**
   * @param {{onChunk:(data:Uint8Array, key:boolean, captureUs:number) => void,
   *   onFrame:(ssrc:number, frame:VideoFrame, captureUs:number) => void,
   *   onError:(err:Error) => void}} hooks
   * onFrame takes ownership of the frame (it must close it).
   */
  constructor({ onChunk, onFrame, onError }) {
    this.onChunk = onChunk;
    this.onFrame = onFrame;
    this.onError = onError;
    this.enc = null;
    this.cur = null;             // the encoder's configuration: { width, height, fps, kbps }
    this.configuredAt = 0;
    this.decoders = new Map();   // ssrc -> { dec, needKey, pending: [{ show, captureUs }] }
    this.failed = false;
    this.counts = { encoderBusy: 0, decoderBacklog: 0, reconfigures: 0 };
  }

  _fail(err) {
    if (this.failed) return;
    this.failed = true;
    this.close();
    this.onError(err instanceof Error ? err : new Error(String(err)));
  }

  // ---- sending ------------------------------------------------------------

  /** True when a new camera frame would have to wait: skip it (before asking the engine). */
  encoderBusy() {
    if (this.enc && this.enc.encodeQueueSize >= ENCODE_QUEUE_MAX) {
      this.counts.encoderBusy++;
      return true;
    }
    return false;
  }

  /**
   * Encodes frame (a VideoFrame whose timestamp is its capture time in the
   * engine's microseconds) as the engine's plan p says ({ width, height,
   * fps, kbps, keyframe }). The encoder scales the camera frame to the
   * plan's size itself. The caller keeps and closes frame.
   */
  encode(frame, p) {
    if (this.failed) return;
    try {
      if (!this.enc) {
        this.enc = new VideoEncoder({
          output: (chunk) => this._chunk(chunk),
          error: (e) => this._fail(e),
        });
      }
      this._configure(p);
      this.enc.encode(frame, { keyFrame: !!p.keyframe });
    } catch (e) {
      this._fail(e);
    }
  }

  _configure(p) {
    const c = this.cur, now = performance.now();
    const shape = !c || c.width !== p.width || c.height !== p.height || c.fps !== p.fps;
    const rate = c && c.kbps !== p.kbps &&
      (Math.abs(p.kbps - c.kbps) > c.kbps * BITRATE_STEP || now - this.configuredAt >= BITRATE_EVERY_MS);
    if (!shape && !rate) return;
    this.cur = { width: p.width, height: p.height, fps: p.fps, kbps: p.kbps };
    this.configuredAt = now;
    if (c) this.counts.reconfigures++;
    this.enc.configure(encoderConfig(this.cur));
  }

  _chunk(chunk) {
    const data = new Uint8Array(chunk.byteLength);
    chunk.copyTo(data);
    this.onChunk(data, chunk.type === 'key', chunk.timestamp);
  }

  // ---- receiving ----------------------------------------------------------

  /**
   * Decodes one frame from MediaEngine.pullEncodedFrame ({ data, key, show,
   * captureUs }) of sender ssrc. Returns false when it was dropped instead
   * (the decoder is backed up, or waits for a keyframe): the caller tells
   * the engine (decodeDropped), which restarts that sender from a keyframe.
   */
  decode(ssrc, f) {
    if (this.failed) return true;
    try {
      let d = this.decoders.get(ssrc);
      if (!d) {
        d = { dec: null, needKey: true, pending: [] };
        d.dec = new VideoDecoder({
          output: (frame) => this._decoded(ssrc, d, frame),
          error: (e) => this._fail(e),
        });
        d.dec.configure(decoderConfig());
        this.decoders.set(ssrc, d);
      }
      if (d.dec.decodeQueueSize >= DECODE_QUEUE_MAX) {
        this.counts.decoderBacklog++;
        if (!f.key) {
          d.needKey = true;
          return false;
        }
        // A keyframe needs nothing before it: drop the backlog, start here.
        d.dec.reset();
        d.dec.configure(decoderConfig());
        d.pending = [];
      }
      if (d.needKey && !f.key) return false;
      d.needKey = false;
      d.pending.push({ show: f.show, captureUs: f.captureUs });
      d.dec.decode(new EncodedVideoChunk({ type: f.key ? 'key' : 'delta', timestamp: f.captureUs, data: f.data }));
      return true;
    } catch (e) {
      this._fail(e);
      return true;
    }
  }

  // VP8 has no reordering: pictures come out in the order frames went in.
  _decoded(ssrc, d, frame) {
    const p = d.pending.shift();
    if (!p || !p.show || this.failed || this.decoders.get(ssrc) !== d) {
      frame.close();
      return;
    }
    this.onFrame(ssrc, frame, p.captureUs);
  }

  /** A sender left: its decoder goes. */
  removePeer(ssrc) {
    const d = this.decoders.get(ssrc);
    if (!d) return;
    this.decoders.delete(ssrc);
    if (d.dec.state !== 'closed') d.dec.close();
  }

  close() {
    if (this.enc && this.enc.state !== 'closed') this.enc.close();
    this.enc = null;
    for (const ssrc of [...this.decoders.keys()]) this.removePeer(ssrc);
  }
}
