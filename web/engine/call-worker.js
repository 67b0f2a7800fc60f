// The call inside the engine Worker: a pump around the C call core
// (include/beeldbel/call.h: the media engine and the E2EE session on one
// wire, the sender binding, handshake delivery, the roster). This file moves
// bytes, frames, PCM and time between the page, the core and the browser's
// codecs; every decision about them is made in C.
//
// Protocol with the page: see messages.js.
// worker.js routes call-send to the data channel and call-pcm to the
// speaker's port when it has them, and feeds audio and arrivals in directly.
import { CallCore, fetchPoliceTrust } from './engine.js';
import { WebCodecsVideo, webCodecsUsable } from './webcodecs.js';
import { toI420 } from './frames.js';
import { LoadMeter } from './load.js';
import { Msg } from './messages.js';
import { CallDocuments } from './call-documents.js';
import { CallFiles } from './call-files.js';
import { CallRecording } from './call-recording.js';

const STATUS_EVERY_MS = 500;
const LOAD_EVERY_MS = 500;
const AUDIO_FRAME_MS = 20;
const KEEP_PLAIN = 64;   // test hook: media messages kept as made and as sent

// Video codec: the browser's own VP8 (WebCodecs) where it has it, libvpx in
// WASM otherwise, after any WebCodecs error, or when config.codec is 'wasm'.
// Either way the engine decides; see webcodecs.js.

// Two clocks: the call core runs on this Worker's monotonic clock; the
// key agreement also takes wall-clock time (it checks certificate validity).
const nowUs = () => performance.now() * 1000;
const wallUs = () => Date.now() * 1000;
/** The page's capture time (epoch ms, sub-ms precision) on this Worker's clock. */
const fromEpochMs = (ms) => Math.max(0, (ms - performance.timeOrigin) * 1000);
const toEpochMs = (us) => performance.timeOrigin + us / 1000;

export class WorkerCall {
  /**
   * @param {import('./engine.js').Engine} engine
   * @param {(msg:object, transfer?:Transferable[]) => void} post
   * @param {object} cfg { room, feedId, role, invite, cert?, key?, expectedOfficer?,
   *   width, height, fps, profile, startKbps?, policeBase?, policeRoot?, crlFloor?, codec?: 'auto'|'wasm' }
   *   (policeRoot: root.pem's bytes, already checked; otherwise fetched from policeBase;
   *   crlFloor: the oldest thisUpdate a revocation list may have, Unix seconds)
   * @param {LoadMeter} [meter] counts the Worker's busy time (timers here)
   */
  constructor(engine, post, cfg, meter = new LoadMeter()) {
    this.e = engine;
    this.meter = meter;
    this.busyPct = 0;
    this.post = post;
    this.cfg = cfg;
    this.feedId = cfg.feedId;
    this.sentPlain = [];       // test hook (cfg.keepPlain): media messages as made
    this.sentWire = [];        // ... and as sent
    this.mediaCount = 0;
    this.micLate = 0;          // microphone frames that came too late to send (worker.js)
    this.timers = [];
    this.core = null;
    this.media = null;         // the core's media engine (frames and PCM)
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
    this.trust = await fetchPoliceTrust(this.e, c.policeBase ? new URL(c.policeBase) : undefined, c.policeRoot ?? null, c.crlFloor ?? 0);
    this.core = new CallCore(this.e, {
      room: String(c.room), feedId: this.feedId, role: c.role, trust: this.trust ?? undefined,
      invite: c.invite, cert: c.cert, key: c.key, expectedOfficer: c.expectedOfficer || '',
      width: c.width, height: c.height, fps: c.fps, startKbps: c.startKbps ?? 800, maxKbps: c.maxKbps ?? 1500,
      profile: c.profile ?? 'default',
    });
    this.media = this.core.media;
    this.documents = new CallDocuments(this.e, this.core, { role: c.role, room: String(c.room), cert: c.cert, key: c.key,
      expectedOfficer: c.expectedOfficer || '', trust: this.trust }, this.post, nowUs);
    this.files = new CallFiles(this.e, this.core, this.feedId, this.post, nowUs);
    this.recording = new CallRecording(this.e, this.core, { role: c.role, feedId: this.feedId, cert: c.cert, key: c.key,
      trust: this.trust }, this.post, nowUs);
    if (c.codec !== 'wasm' && await webCodecsUsable({ width: c.width, height: c.height, fps: c.fps,
      kbps: c.startKbps ?? 800 })) {
      this.vc = new WebCodecsVideo({
        onChunk: this.meter.wrap((data, key, captureUs) => {
          if (!this.core) return;
          this.media.pushEncodedVideo(data, key, captureUs, nowUs());
          this._pump();
        }),
        onFrame: (ssrc, frame, captureUs) => {
          if (!this.core) { frame.close(); return; }
          this.post({ type: Msg.frame, feedId: ssrc, width: frame.displayWidth, height: frame.displayHeight,
            frame, captureMs: toEpochMs(captureUs), atMs: toEpochMs(nowUs()) }, [frame]);
        },
        onError: (err) => this._codecFailed(err),
      });
      this.codecPath = 'webcodecs';
    }
    const every = (ms, fn) => this.timers.push(setInterval(this.meter.wrap(fn), ms));
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
    if (this.recording) this.recording.abandon();
    if (this.core) this.core.free();
    if (this.trust) this.trust.free();
    this.core = this.media = this.trust = this.documents = this.files = this.recording = null;
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
    if (!this.core) return;   // stopped meanwhile
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
    if (!this.core) return;
    for (const ssrc of this.media.peers()) this.media.decodeFailed(ssrc);
    this._pump();
    this._status();
  }

  audio(pcm, captureMs) {
    this.media.pushAudio(pcm, fromEpochMs(captureMs), nowUs());
    this._pump();
  }

  text(text, final, kind = 'rtt') {
    this.core.sendText(kind === 'caption' ? 'caption' : 'rtt', final, String(text), nowUs());
    if (final) this.recording.text(this.feedId, String(text));
    this._pump();
  }

  profile(name) {
    this.media.setProfile(name);
  }

  /** The statement's steps from the page (messages.js: doc). */
  doc(msg) {
    const d = this.documents;
    if (msg.what === 'statement') d.statement(String(msg.json));
    else if (msg.what === 'consent') d.consent(msg.decision, msg.version);
    else if (msg.what === 'timestamp') d.timestamp(msg.response instanceof Uint8Array ? msg.response : null);
    this._pump();
  }

  /** Recording, from the officer's page (messages.js: rec). */
  rec(msg) {
    const r = this.recording;
    if (msg.what === 'start') r.start({ title: String(msg.title ?? ''), names: msg.names ?? {} });
    else if (msg.what === 'stop') r.stop();
    else if (msg.what === 'timestamp') r.timestamp(msg.response instanceof Uint8Array ? msg.response : null);
    this._pump();
  }

  /** A file to share or cancel, from the page (messages.js: file). */
  file(msg) {
    if (msg.what === 'send') this.files.send(msg);
    else if (msg.what === 'cancel') this.files.cancel(msg);
    this._pump();
  }

  peerJoined(feedId) {
    this.core.peerJoined(feedId, nowUs());
    this._pump();
  }

  peerLeft(feedId) {
    this.core.peerLeft(feedId, nowUs(), wallUs());
    if (this.vc) this.vc.removePeer(feedId);
    this._pump();
  }

  renewKeys() {
    this.core.renewKeys(nowUs());
    this._pump();
  }

  /** atMs: when the page got it (epoch ms); the Worker may have been busy since. */
  receive(feedId, data, atMs) {
    if (!(data instanceof Uint8Array)) return;
    const now = nowUs();
    const at = Number.isFinite(atMs) ? Math.min(now, fromEpochMs(atMs)) : now;
    this.core.receive(feedId, data, at, wallUs());
    this._framesOut();
    this._pump();
  }

  // ---- out to the page ---------------------------------------------------

  _pump() {
    if (!this.core) return;
    // What happened first (its answers, and the recording's notice, leave with this turn's messages).
    this._events();
    this.recording.pump();
    const msgs = [];
    for (const m of this.core.pollSend(this.cfg.keepPlain && this.sentPlain.length < KEEP_PLAIN)) {
      // Test hook: every 8th media message from the 100th on (after the
      // channels opened).
      if (m.plain && m.cls === 'media' && ++this.mediaCount >= 100 && this.mediaCount % 8 === 0 &&
          this.sentPlain.length < KEEP_PLAIN) {
        this.sentPlain.push(m.plain);
        this.sentWire.push(m.data.slice());
      }
      msgs.push(m.data);
    }
    if (msgs.length) this.post({ type: Msg.send, msgs }, msgs.map((m) => m.buffer));
    clearTimeout(this.tickTimer);
    const d = this.core.nextDeadline();
    this.tickTimer = setTimeout(this.meter.wrap(() => {
      if (!this.core) return;
      this.core.tick(nowUs());
      this._framesOut();
      this._pump();
    }), Math.min(100, Math.max(0, (d - nowUs()) / 1000)));
  }

  _events() {
    let roster = false;
    for (const ev of this.core.pollEvents()) {
      if (ev.type === 'roster') roster = true;
      else if (ev.type === 'doc') { if (!this.recording.receive(ev)) this.documents.receive(ev); }
      else if (ev.type.startsWith('file')) this.files.event(ev);
      else {
        this.post({ type: Msg.text, feedId: ev.from, kind: ev.kind, text: ev.text, final: ev.final });
        if (ev.final) this.recording.text(ev.from, ev.text);
      }
    }
    if (roster) {
      this._status();
      this.documents.roster();
      this.recording.roster();
    }
  }

  _framesOut() {
    const now = nowUs();
    for (const ssrc of this.media.peers()) {
      if (this.vc) {
        // Frames due for the browser's decoder, up to the one to show.
        for (let e; (e = this.media.pullEncodedFrame(ssrc, now)) !== null;) {
          if (!this.vc) break;
          if (!this.vc.decode(ssrc, e)) this.media.decodeDropped(ssrc);
          if (e.show) break;
        }
        continue;
      }
      const f = this.media.pullFrame(ssrc, now);
      if (f) this.post({ type: Msg.frame, feedId: ssrc, width: f.width, height: f.height, i420: f.i420,
        captureMs: toEpochMs(f.captureUs), atMs: toEpochMs(now) }, [f.i420.buffer]);
    }
  }

  // 20 ms of every peer's audio, mixed: asked for by the speaker worklet as
  // it plays (speakerPulls), else pushed at this Worker's clock's pace
  // (catching up after a late timer, at most 100 ms at once).
  _audioOut() {
    if (!this.core) return;
    if (!this.speakerPulls) {
      const now = nowUs();
      if (!this.media.peers().length) this.audioStart = 0;
      else {
        if (!this.audioStart) { this.audioStart = now; this.audioPulled = 0; }
        let due = Math.floor((now - this.audioStart) / (AUDIO_FRAME_MS * 1000)) - this.audioPulled;
        if (due > 5) { this.audioPulled += due - 5; due = 5; }
        for (; due > 0; due--, this.audioPulled++) {
          const pcm = this.audioFrame();
          this.post({ type: Msg.pcm, pcm }, [pcm.buffer]);
        }
      }
    }
    this._framesOut();
  }

  /** The next 20 ms to play: every peer's audio mixed (Int16Array(960)), or null with nobody to hear. */
  audioFrame() {
    const peers = this.core ? this.media.peers() : [];
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
    if (!this.core) return;
    this.busyPct = this.meter.sample();
    this.media.reportLoad(this.busyPct, nowUs());
  }

  _status() {
    if (!this.core) return;
    const st = this.media.stats();
    const e2ee = this.core.e2ee;
    this.post({
      type: Msg.status,
      peers: e2ee.peers(),
      sas: e2ee.sas(),
      officerFailure: e2ee.officerFailure(),
      rejected: e2ee.rejected(),
      counts: { ...this.core.counts(), micLate: this.micLate },
      media: { targetKbps: st.targetKbps, width: st.width, height: st.height, fps: st.fps, rttUs: st.rttUs,
        lossPct: st.lossPct, busyPct: Math.round(this.busyPct), msgsSent: st.msgsSent, bytesSent: st.bytesSent, peers: st.peers, rejected: st.rejected,
        codecPath: this.codecPath, codecFallback: this.codecFallback, webcodecs: this.vc ? { ...this.vc.counts } : null },
      // The engine's memory: what its allocator holds now, and the WASM memory it has grown to.
      engine: { heapBytes: this.e.M._bbw_heap_in_use(), memoryBytes: this.e.M.HEAPU8.length },
    });
  }
}
