// The call inside the engine Worker: the media engine (codecs, loss
// recovery, rate control, reliable control messages) and the E2EE session
// (key agreement, SFrame) on one wire. The page moves bytes, frames and PCM;
// every decision about them is made here or in C.
//
// Wire: one tag byte per data-channel message, then
//   TAG_HANDSHAKE  a key-agreement message (signed or bound by the invitation
//                  secret; repeated by a timer until every peer's key arrived,
//                  since the channel is unreliable)
//   TAG_MEDIA      an SFrame-protected media-engine message (≤ 1160 bytes +
//                  SFrame header and tag ≤ 33 → ≤ 1194 bytes on the channel)
// One number names a participant everywhere: its Janus feed id is its SFrame
// sender id and its media ssrc. A message that arrives on feed X must be
// sealed by X's key and carry ssrc X, or it is dropped and counted.
//
// Protocol with the page (web/engine/call.js), postMessage:
//   in:  call-start {config}, call-video {frame: VideoFrame (transferred) | {rgba, width, height},
//        captureMs}, call-audio {pcm, captureMs}, call-recv {feedId, data},
//        call-text {text, final, kind}, call-peer-left {feedId}, call-profile {profile}, call-stop
//   out: call-send {msgs: Uint8Array[]},
//        call-frame {feedId, width, height, captureMs, atMs, and i420 or frame (VideoFrame)},
//        call-pcm {pcm}, call-text {feedId, kind, text, final}, call-status {...},
//        call-error {code, en, nl}
// worker.js routes call-send to the data channel and call-pcm to the
// speaker's port when it has them, and feeds audio and arrivals in directly.
import { MediaEngine, E2eeSession, fetchPoliceTrust } from './engine.js';
import { WebCodecsVideo, webCodecsUsable } from './webcodecs.js';
import { toI420 } from './frames.js';
import { LoadMeter } from './load.js';

export const TAG_HANDSHAKE = 1;
export const TAG_MEDIA = 2;
export const MAX_WIRE = 1200;
const MAX_TEXT_BYTES = 900;          // a control message holds 1000 bytes, JSON included
const HANDSHAKE_REPEAT_MS = 300;
const STATUS_EVERY_MS = 500;
const LOAD_EVERY_MS = 500;
const AUDIO_FRAME_MS = 20;

// Video codec: the browser's own VP8 (WebCodecs) where it has it, libvpx in
// WASM otherwise, after any WebCodecs error, or when config.codec is 'wasm'.
// Either way the engine decides; see webcodecs.js.

// Two clocks: the media engine runs on this Worker's monotonic clock; the
// key agreement on wall-clock time (it checks certificate validity).
const nowUs = () => performance.now() * 1000;
const wallUs = () => Date.now() * 1000;
/** The page's capture time (epoch ms, sub-ms precision) on this Worker's clock. */
const fromEpochMs = (ms) => Math.max(0, (ms - performance.timeOrigin) * 1000);
const toEpochMs = (us) => performance.timeOrigin + us / 1000;

const tagged = (tag, bytes) => {
  const m = new Uint8Array(bytes.length + 1);
  m[0] = tag;
  m.set(bytes, 1);
  return m;
};

/** The last `max` bytes of a line in UTF-8, cut on a character boundary. */
export function tailUtf8(text, max = MAX_TEXT_BYTES) {
  const enc = new TextEncoder();
  if (enc.encode(text).length <= max) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {             // smallest start whose tail fits
    const mid = (lo + hi) >> 1;
    if (enc.encode(text.slice(mid)).length <= max) hi = mid; else lo = mid + 1;
  }
  // Never start inside a surrogate pair.
  if (lo < text.length && text.charCodeAt(lo) >= 0xdc00 && text.charCodeAt(lo) <= 0xdfff) lo++;
  return text.slice(lo);
}

export class WorkerCall {
  /**
   * @param {import('./engine.js').Engine} engine
   * @param {(msg:object, transfer?:Transferable[]) => void} post
   * @param {object} cfg { room, feedId, role, invite, cert?, key?, expectedOfficer?,
   *   width, height, fps, profile, startKbps?, policeBase?, policeRoot?, codec?: 'auto'|'wasm' }
   *   (policeRoot: root.pem's bytes, already checked; otherwise fetched from policeBase)
   * @param {LoadMeter} [meter] counts the Worker's busy time (timers here)
   */
  constructor(engine, post, cfg, meter = new LoadMeter()) {
    this.e = engine;
    this.meter = meter;
    this.busyPct = 0;
    this.post = post;
    this.cfg = cfg;
    this.feedId = cfg.feedId;
    this.outbox = [];
    this.room = new Set();     // the other participants' feed ids, as Janus announces them
    this.textSeq = 0;
    this.counts = { spoofed: 0, undecryptable: 0, unknownTag: 0, oversize: 0, handshakeRefused: 0,
      handshakesIn: 0, handshakesOut: 0 };
    this.sentPlain = [];       // test hook (cfg.keepPlain): the first media messages as made
    this.sentWire = [];        // ... and as sent
    this.mediaCount = 0;
    this.timers = [];
    this.media = null;
    this.e2ee = null;
    this.trust = null;
    this.audioStart = 0;
    this.speakerPulls = false; // the speaker worklet asks for each frame (worker.js)
    this.audioPulled = 0;
    this.vc = null;            // WebCodecsVideo while the browser's codecs are in use
    this.codecPath = 'wasm';
    this.codecFallback = null; // why WebCodecs was given up, if it was
  }

  async start() {
    const c = this.cfg;
    // Everyone checks officers' certificates against the pinned police root.
    this.trust = await fetchPoliceTrust(this.e, c.policeBase ? new URL(c.policeBase) : undefined, c.policeRoot ?? null);
    this.e2ee = new E2eeSession(this.e, {
      room: String(c.room), selfId: this.feedId, role: c.role, trust: this.trust ?? undefined,
      invite: c.invite, cert: c.cert, key: c.key, expectedOfficer: c.expectedOfficer || '',
    });
    this.media = new MediaEngine(this.e, {
      ssrc: this.feedId, width: c.width, height: c.height, fps: c.fps,
      startKbps: c.startKbps ?? 800, maxKbps: c.maxKbps ?? 1500, profile: c.profile ?? 'default',
    });
    if (c.codec !== 'wasm' && await webCodecsUsable({ width: c.width, height: c.height, fps: c.fps,
      kbps: c.startKbps ?? 800 })) {
      this.vc = new WebCodecsVideo({
        onChunk: this.meter.wrap((data, key, captureUs) => {
          if (!this.media) return;
          this.media.pushEncodedVideo(data, key, captureUs, nowUs());
          this._pump();
        }),
        onFrame: (ssrc, frame, captureUs) => {
          if (!this.media) { frame.close(); return; }
          this.post({ type: 'call-frame', feedId: ssrc, width: frame.displayWidth, height: frame.displayHeight,
            frame, captureMs: toEpochMs(captureUs), atMs: toEpochMs(nowUs()) }, [frame]);
        },
        onError: (err) => this._codecFailed(err),
      });
      this.codecPath = 'webcodecs';
    }
    const every = (ms, fn) => this.timers.push(setInterval(this.meter.wrap(fn), ms));
    every(HANDSHAKE_REPEAT_MS, () => this._flushHandshakes(true));
    every(STATUS_EVERY_MS, () => this._status());
    every(AUDIO_FRAME_MS / 2, () => this._audioOut());
    every(LOAD_EVERY_MS, () => this._load());
    this._pump();
    this._status();
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.tickTimer);
    this.timers = [];
    if (this.vc) this.vc.close();
    this.vc = null;
    if (this.media) this.media.free();
    if (this.e2ee) this.e2ee.free();
    if (this.trust) this.trust.free();
    this.media = this.e2ee = this.trust = null;
  }

  // ---- in from the page --------------------------------------------------

  /** A camera picture: a VideoFrame (ours: closed here, once) or {rgba, width, height}. */
  async video(frame, captureMs) {
    const captureUs = fromEpochMs(captureMs);
    if (this.vc && typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame) {
      this.meter.run(() => this._encode(frame, captureUs));   // the browser's encoder takes it as it is
      return;
    }
    let pic;
    try {
      pic = await toI420(frame, (fn) => this.meter.run(fn));
    } finally {
      if (typeof frame.close === 'function') frame.close();
    }
    if (!this.media) return;   // stopped meanwhile
    this.meter.run(() => {
      if (this.vc) { this._encode(pic, captureUs); return; }
      this.media.pushVideo(pic.i420, captureUs, nowUs(), pic.width, pic.height);
      this._pump();
    });
  }

  // The browser's encoder: the engine says whether and how, the output comes
  // back through onChunk. input: { i420, width, height } (packed I420), or
  // a VideoFrame (closed here).
  _encode(input, captureUs) {
    const isFrame = typeof VideoFrame !== 'undefined' && input instanceof VideoFrame;
    let frame = null;
    try {
      if (this.vc.encoderBusy()) return;
      const p = this.media.videoWant(captureUs, nowUs());
      if (!p) return;
      const timestamp = Math.round(captureUs);
      frame = isFrame ? new VideoFrame(input, { timestamp })
        : new VideoFrame(input.i420, { format: 'I420', codedWidth: input.width, codedHeight: input.height, timestamp });
      this.vc.encode(frame, p);
    } finally {
      if (frame) frame.close();
      if (isFrame) input.close();
    }
  }

  // WebCodecs failed: libvpx in WASM from here on, for the rest of the call.
  // Every sender restarts from a keyframe for the WASM decoders (our own
  // encoder starts with one by itself).
  _codecFailed(err) {
    if (!this.vc) return;
    this.vc = null;
    this.codecPath = 'wasm';
    this.codecFallback = String(err && err.message || err).slice(0, 200);
    if (!this.media) return;
    for (const ssrc of this.media.peers()) this.media.decodeFailed(ssrc);
    this._pump();
    this._status();
  }

  audio(pcm, captureMs) {
    this.media.pushAudio(pcm, fromEpochMs(captureMs), nowUs());
    this._pump();
  }

  text(text, final, kind = 'rtt') {
    const line = tailUtf8(String(text));
    const json = this.e.writeControl({ type: final ? 'text_final' : 'text', seq: ++this.textSeq,
      from: kind === 'caption' ? 'caption' : 'rtt', text: line });
    this.media.sendControl(new TextEncoder().encode(json), nowUs());
    this._pump();
  }

  profile(name) {
    this.media.setProfile(name);
  }

  peerJoined(feedId) {
    this.room.add(feedId);
    this._flushHandshakes(true);
  }

  peerLeft(feedId) {
    this.room.delete(feedId);
    try { this.e2ee.removePeer(feedId, wallUs()); } catch { /* never agreed keys with us */ }
    this.media.removePeer(feedId);
    if (this.vc) this.vc.removePeer(feedId);
    this._flushHandshakes(true);
    this._status();
  }

  /** atMs: when the page got it (epoch ms); the Worker may have been busy since. */
  receive(feedId, data, atMs) {
    if (!(data instanceof Uint8Array) || data.length < 2) return;   // the nudge byte, or junk
    if (data.length > MAX_WIRE) { this.counts.oversize++; return; }
    const body = data.subarray(1);
    if (data[0] === TAG_HANDSHAKE) {
      this.counts.handshakesIn++;
      const rc = this.e2ee.receiveHandshake(feedId, body, wallUs());
      if (rc < 0 && rc !== -10) this.counts.handshakeRefused++;
      // Someone new can read us from now on: give them a picture to start
      // from instead of waiting for them to ask.
      const keyed = this.e2ee.peers().filter((p) => p.hasKey).length;
      if (keyed > (this.keyed ?? 0)) { this.media.forceKeyframe(); this._pump(); }
      this.keyed = keyed;
      this._flushHandshakes(false);
      this._status();
      return;
    }
    if (data[0] !== TAG_MEDIA) { this.counts.unknownTag++; return; }
    const r = this.e2ee.unprotect(body);
    if (!r) { this.counts.undecryptable++; return; }
    const b = r.bytes;
    const ssrc = b.length >= 6 ? ((b[2] << 24) | (b[3] << 16) | (b[4] << 8) | b[5]) >>> 0 : -1;
    if (r.from !== feedId || ssrc !== feedId) { this.counts.spoofed++; return; }
    // Arrival as the page saw it, but never before an arrival already given
    // (the engine's clock must not run backwards within the receive path).
    const now = nowUs();
    const at = Number.isFinite(atMs) ? Math.min(now, Math.max(this.lastArrival ?? 0, fromEpochMs(atMs))) : now;
    this.lastArrival = at;
    this.media.receive(b, at);
    this._controlIn();
    this._framesOut();
    this._pump();
  }

  // ---- out to the page ---------------------------------------------------

  _pump() {
    if (!this.media) return;
    const msgs = [];
    for (const m of this.media.pollSend()) {
      const wire = tagged(TAG_MEDIA, this.e2ee.protect(m.data));
      // Test hook: every 8th media message from the 100th on (after the
      // channels opened), 64 in all.
      if (this.cfg.keepPlain && m.cls === 'media' && ++this.mediaCount >= 100 && this.mediaCount % 8 === 0 &&
          this.sentPlain.length < 64) {
        this.sentPlain.push(m.data);
        this.sentWire.push(wire.slice());
      }
      msgs.push(wire);
    }
    this._send(msgs);
    clearTimeout(this.tickTimer);
    const d = this.media.nextDeadline();
    this.tickTimer = setTimeout(this.meter.wrap(() => {
      if (!this.media) return;
      this.media.tick(nowUs());
      this._framesOut();
      this._pump();
    }), Math.min(100, Math.max(0, (d - nowUs()) / 1000)));
  }

  _send(msgs) {
    if (msgs.length) this.post({ type: 'call-send', msgs }, msgs.map((m) => m.buffer));
  }

  // New handshake messages go out at once; the recent ones are repeated by
  // the timer only until every peer's key has arrived (repeating on every
  // receive would echo between the sides).
  _flushHandshakes(repeat) {
    if (!this.e2ee) return;
    const fresh = [];
    for (let h; (h = this.e2ee.pollHandshake()) !== null;) {
      fresh.push(tagged(TAG_HANDSHAKE, h));
      this.outbox.push(fresh.at(-1));
    }
    while (this.outbox.length > 8) this.outbox.shift();
    // Done when everyone in the room (not just those we heard from) sent
    // us their key, and the code is complete (everyone's part revealed): a
    // newcomer may have missed our HELLO, anyone our REVEAL.
    const keyed = new Set(this.e2ee.peers().filter((p) => p.hasKey).map((p) => p.id));
    const done = this.room.size > 0 && [...this.room].every((id) => keyed.has(id)) && this.e2ee.sas() !== null;
    const list = repeat && !done ? this.outbox : fresh;
    this.counts.handshakesOut += list.length;
    this._send(list.map((m) => m.slice()));
  }

  _controlIn() {
    for (let c; (c = this.media.pollControl()) !== null;) {
      let msg;
      try { msg = this.e.parseControl(c.data); } catch { continue; }   // counted by the parser
      if (msg.type !== 'text' && msg.type !== 'text_final') continue;
      this.post({ type: 'call-text', feedId: c.from, kind: msg.from === 'caption' ? 'caption' : 'rtt',
        text: msg.text, final: msg.type === 'text_final' });
    }
  }

  _framesOut() {
    const now = nowUs();
    for (const ssrc of this.media.peers()) {
      if (this.vc) {
        // Frames due for the browser's decoder, up to the one to show.
        for (let e; (e = this.media.pullEncodedFrame(ssrc, now)) !== null;) {
          if (!this.vc) break;
          if (!this.vc.decode(ssrc, e)) this.media.decodeFailed(ssrc);
          if (e.show) break;
        }
        continue;
      }
      const f = this.media.pullFrame(ssrc, now);
      if (f) this.post({ type: 'call-frame', feedId: ssrc, width: f.width, height: f.height, i420: f.i420,
        captureMs: toEpochMs(f.captureUs), atMs: toEpochMs(now) }, [f.i420.buffer]);
    }
  }

  // 20 ms of every peer's audio, mixed: asked for by the speaker worklet as
  // it plays (speakerPulls), else pushed at this Worker's clock's pace
  // (catching up after a late timer, at most 100 ms at once).
  _audioOut() {
    if (!this.media) return;
    if (!this.speakerPulls) {
      const now = nowUs();
      if (!this.media.peers().length) this.audioStart = 0;
      else {
        if (!this.audioStart) { this.audioStart = now; this.audioPulled = 0; }
        let due = Math.floor((now - this.audioStart) / (AUDIO_FRAME_MS * 1000)) - this.audioPulled;
        if (due > 5) { this.audioPulled += due - 5; due = 5; }
        for (; due > 0; due--, this.audioPulled++) {
          const pcm = this.audioFrame();
          this.post({ type: 'call-pcm', pcm }, [pcm.buffer]);
        }
      }
    }
    this._framesOut();
  }

  /** The next 20 ms to play: every peer's audio mixed (Int16Array(960)), or null with nobody to hear. */
  audioFrame() {
    const peers = this.media ? this.media.peers() : [];
    if (!peers.length) return null;
    const now = nowUs();
    const mix = new Int32Array(960);
    for (const ssrc of peers) {
      const pcm = this.media.pullAudio(ssrc, now);
      for (let i = 0; i < 960; i++) mix[i] += pcm[i];
    }
    const out = new Int16Array(960);
    for (let i = 0; i < 960; i++) out[i] = Math.max(-32768, Math.min(32767, mix[i]));
    return out;
  }

  // The Worker's busy share, for the engine's CPU adaptation and the status.
  _load() {
    if (!this.media) return;
    this.busyPct = this.meter.sample();
    if (this.media.reportLoad) this.media.reportLoad(this.busyPct, nowUs());
  }

  _status() {
    if (!this.media || !this.e2ee) return;
    const st = this.media.stats();
    this.post({
      type: 'call-status',
      peers: this.e2ee.peers(),
      sas: this.e2ee.sas(),
      officerFailure: this.e2ee.officerFailure(),
      rejected: this.e2ee.rejected(),
      counts: { ...this.counts },
      media: { targetKbps: st.targetKbps, width: st.width, height: st.height, fps: st.fps, rttUs: st.rttUs,
        lossPct: st.lossPct, busyPct: Math.round(this.busyPct), msgsSent: st.msgsSent, bytesSent: st.bytesSent, peers: st.peers, rejected: st.rejected,
        codecPath: this.codecPath, codecFallback: this.codecFallback, webcodecs: this.vc ? { ...this.vc.counts } : null },
    });
  }
}
