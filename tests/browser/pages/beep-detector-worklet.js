// Posts the context time of each beep onset: a 128-sample block whose RMS
// rises above a threshold after at least 300 ms of quiet. Benchmarks only.
class BeepDetector extends AudioWorkletProcessor {
  constructor() { super(); this.quietSince = 0; this.loud = false; }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (!ch) return true;
    let e = 0;
    for (let i = 0; i < ch.length; i++) e += ch[i] * ch[i];
    const rms = Math.sqrt(e / ch.length);
    if (rms > 0.05) {
      if (!this.loud && currentTime - this.quietSince > 0.3) this.port.postMessage(currentTime);
      this.loud = true;
    } else {
      if (this.loud) this.quietSince = currentTime;
      this.loud = false;
    }
    return true;
  }
}
registerProcessor('bb-beep-detector', BeepDetector);
