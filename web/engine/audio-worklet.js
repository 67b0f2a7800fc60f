// AudioWorklet processors (loaded with audioContext.audioWorklet.addModule).
// The context runs at 48 kHz, so no resampling: the engine's Opus frames are
// 960 mono samples (20 ms). Each processor talks to the engine Worker over a
// MessagePort handed to it ({port}), so PCM never waits for the page.
//   bb-capture:  microphone -> {pcm: Int16Array(960), end} frames, `end` the
//                audio clock's sample count after the frame's last sample;
//                on the Worker's port once given, else on the node's port.
//                {on: false} stops sending (microphone off, not connected).
//   bb-playback: Int16Array frames -> speaker, with a small ring buffer;
//                underruns play silence and are counted; stats once a
//                second on the node's port. With the Worker's port the
//                worklet asks for each frame (a 1 on the port) when the
//                ring runs low, so the audio device's clock paces the
//                engine's playout and the ring holds no more than needed;
//                without it frames are pushed on the node's port.
const FRAME = 960;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buf = new Int16Array(FRAME);
    this.fill = 0;
    this.out = this.port;
    this.on = true;
    this.port.onmessage = (ev) => {
      const m = ev.data || {};
      if (m.port) this.out = m.port;
      if (typeof m.on === 'boolean') this.on = m.on;
    };
  }

  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (!ch) return true;
    for (let i = 0; i < ch.length; i++) {
      const s = Math.max(-1, Math.min(1, ch[i]));
      this.buf[this.fill++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.fill === FRAME) {
        if (this.on) {
          this.out.postMessage({ pcm: this.buf, end: currentFrame + i + 1 }, [this.buf.buffer]);
          this.buf = new Int16Array(FRAME);
        }
        this.fill = 0;
      }
    }
    return true;
  }
}

const MAX_QUEUED = 48 * 80;   // samples: 80 ms
const TRIM_TO = 48 * 40;
const ASK_BELOW = 48 * 12;    // ask for the next frame when less than 12 ms is left
const ASK_AGAIN = 2 * FRAME;  // an answer that did not come in 40 ms is not coming

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ring = new Float32Array(48000); // 1 s at most
    this.read = 0;
    this.write = 0;
    this.stats = { frames: 0, underruns: 0, dropped: 0 };
    this.src = null;       // the Worker's port, when frames are asked for
    this.waiting = false;  // a frame asked for and not yet here
    this.askedAt = 0;
    this.levelSum = 0;     // ring level summed over the quanta since the last stats
    this.levelN = 0;
    this.port.onmessage = (ev) => {
      if (ev.data && ev.data.port) {
        this.src = ev.data.port;
        this.src.onmessage = (e) => { this.waiting = false; this.push(e.data); };
      } else this.push(ev.data);
    };
  }

  available() { return (this.write - this.read + this.ring.length) % this.ring.length; }

  push(pcm) {
    if (!(pcm instanceof Int16Array)) return;
    if (this.available() + pcm.length >= this.ring.length - 1) { this.stats.dropped++; return; }
    for (let i = 0; i < pcm.length; i++) {
      this.ring[this.write] = pcm[i] / 0x8000;
      this.write = (this.write + 1) % this.ring.length;
    }
    this.stats.frames++;
    // The engine's jitter buffer absorbs the network; this ring only the
    // Worker's timer. A burst (a late timer catching up) would otherwise
    // stay queued as extra latency for the rest of the call: trim it.
    const avail = this.available();
    if (avail > MAX_QUEUED) {
      this.read = (this.read + avail - TRIM_TO) % this.ring.length;
      this.stats.trimmed = (this.stats.trimmed || 0) + 1;
    }
  }

  process(inputs, outputs) {
    const out = outputs[0][0];
    if (this.available() < out.length) {
      out.fill(0);
      if (this.stats.frames > 0) this.stats.underruns++;
    } else {
      for (let i = 0; i < out.length; i++) {
        out[i] = this.ring[this.read];
        this.read = (this.read + 1) % this.ring.length;
      }
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (this.src && this.available() < ASK_BELOW && (!this.waiting || currentFrame - this.askedAt > ASK_AGAIN)) {
      this.src.postMessage(1);
      this.waiting = true;
      this.askedAt = currentFrame;
    }
    // How much is queued here on average (ms): latency this ring adds.
    this.levelSum += this.available();
    this.levelN++;
    if (currentFrame % 48000 < out.length) {
      this.stats.queuedMs = Math.round(this.levelSum / this.levelN / 48);
      this.levelSum = this.levelN = 0;
      this.port.postMessage({ stats: { ...this.stats } });
    }
    return true;
  }
}

registerProcessor('bb-capture', CaptureProcessor);
registerProcessor('bb-playback', PlaybackProcessor);
