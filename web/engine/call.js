// The call session (the interface in web/ui/call-session.js): Janus
// through web/engine/transport.js, the call core (media and E2EE, in C) in
// the engine Worker (call-worker.js), camera (capture.js), microphone and speaker (audio.js),
// remote video in canvases (render.js). The page's thread only hands things
// over: the camera's frame stream goes to the Worker (which reads and
// converts the frames; where the stream cannot move, frame by frame), the
// data channels live in Workers (the engine Worker sends, the wire Worker,
// wire-worker.js, stamps arrivals and passes them on over its own port), the
// microphone's stream goes to the engine Worker too (or, where it cannot, its
// worklet talks to the Worker over its own port), and so does the speaker
// worklet. A page busy with other work then delays none of it.
//
// createCallSession(opts) -> CallSession. opts:
//   worker      the engine Worker (web/engine/worker.js)
//   janusUrl, room, pin, token      from the invitation (or the console)
//   role        'citizen' | 'officer' | 'interpreter'
//   invite      the invitation secret (string) binding the citizen's handshake
//   cert, key   the officer's certificate and key (PEM bytes), officer only
//   expectedOfficer  the officer number the citizen expects (from the invitation)
//   localStream the MediaStream from the device check (may be null)
//   names       { officer, citizen, interpreter, captioner } tile labels
//   policeBase  where root.pem and crl.pem are (default: beside the engine)
//   policeRoot  root.pem's bytes, already checked (then only crl.pem is fetched)
//   crlFloor    the oldest thisUpdate crl.pem may have (Unix seconds; 0 = any)
//   files       { wireWorkerUrl, workletUrl }: where the wire Worker and the
//               audio worklet are loaded from (the widget: blob URLs of bytes
//               it checked); default: beside this file
//   codec       'auto' (the browser's own VP8 where it has it) | 'wasm' (libvpx in WASM)
//   display     what Janus is told this participant is (default: the role); it
//               labels nothing: tiles show what the handshake proved (tests
//               use it to lie)
//   locate      async (token) -> { janusUrl, token, room, pin, moved } | { ended: reason } |
//               null (not known now): where the call is
//               now (the contact service's calls/where, asked with the Janus token the
//               call was joined with). Asked, once the call was in, when its server does
//               not answer at all, when reconnecting has not worked for RELOCATE_AFTER_MS,
//               and when the room (or its token's place on the list) is gone; the call joins there
//               again with the same feed id and engine (the same Transport, moveTo),
//               and once in, renews its key (the code on screen stays).
//   capture     'auto' (the tracks' streams read by the Worker where the browser
//               can hand them over) | 'page' (frames from the page, the
//               microphone through a worklet, as where it cannot)
import { Transport } from './transport.js';
import { Msg } from './messages.js';
import { FrameSource } from './capture.js';
import { I420Renderer } from './render.js';
import { createAudio, captureMicrophone, createPlayback } from './audio.js';
import { MAX_TEXT, clip } from '../ui/call-session.js';

const MAX_NAME = 100;
const REJOIN_CODES = new Set([436]);           // feed id taken: pick another
const FATAL_CODES = new Map([                  // Janus errors nobody can fix by waiting
  [403, 'unauthorized'], [433, 'unauthorized'], [426, 'no_room'],
]);
// Where a start failure came from (engine.js): the police root or its
// revocation list did not check out, so nobody could be shown as verified.
const TRUST_CHECKS = new Set(['police root', 'police trust', 'revocation list']);
const VIDEO_IN_FLIGHT = 1;                     // a frame waiting in the Worker is latency: drop, do not queue
const LEAVE_GRACE_MS = 400;      // a "left" right before the session is lost is Janus going away, not the person
const REJOIN_GRACE_MS = 4000;    // after reconnecting, who has not come back by then has left
const MOVED_GRACE_MS = 12000;    // ... after the call moved server (the others look for it too)
const STALL_MS = 1500;           // nothing from anyone for this long: say so
const FRAME_MAX_AGE_MS = 100;    // a decoded frame that waited longer for this page is dropped unseen
const SPEAKER_IDLE_MS = 3000;    // no sound from anyone for this long: the speaker's audio thread sleeps
const RELOCATE_AFTER_MS = 2500;  // reconnecting this long (or the room gone): ask where the call is now
const RELOCATE_RETRY_MS = 1000;  // ... and again this soon when the answer was not known yet
const MOVE_SETTLE_MS = 10000;    // joining where it moved to: asked again only when that has not worked by then

let startSeq = 0;                // tells this page's starts apart on a shared Worker
const randomFeedId = () => 1 + (crypto.getRandomValues(new Uint16Array(1))[0] % 65535);
const epochMs = () => performance.timeOrigin + performance.now();

/** Maps the engine's certificate status to the session interface's reasons. */
export function identityReason(status) {
  return { expired: 'expired', not_yet_valid: 'expired', unknown_ca: 'unknown_ca', revoked: 'revoked',
    wrong_officer: 'wrong_officer', bad_signature: 'bad_signature' }[status] ?? 'bad_signature';
}

/** good / fair / poor from loss (%) and round-trip time (µs); null when unknown. */
export function qualityOf({ lossPct, rttUs }) {
  if (!Number.isFinite(lossPct)) return null;
  if (lossPct >= 8 || rttUs > 800000) return 'poor';
  if (lossPct >= 2 || rttUs > 300000) return 'fair';
  return 'good';
}

/**
 * What the badge shows, from the Worker's status m ({peers, officerFailure, sas}): for the
 * citizen, an interpreter or a colleague, the officer as their certificate proves it, or why not; for the officer,
 * that the citizen proved the invitation. Only the participant in the officer's role (the
 * engine admits in it only the officer the invitation named), and only once that officer's
 * own key has arrived: a certificate alone, or a colleague's, is no "verified officer".
 * null while there is nothing to say yet.
 */
export function identityOf(role, m) {
  const officer = m.peers.find((p) => p.role === 'officer' && p.officer);
  const f = officer ? officer.officer : m.officerFailure;
  // The code covers everyone in the key agreement; how many that are is shown beside it.
  const people = 1 + m.peers.length;
  // Everyone but the officer needs to know the officer is real (a colleague too: whose call is it?).
  if (role !== 'officer') {
    if (!f || (officer && f.ok && !officer.hasKey)) return null;
    return f.ok
      ? { verified: true, name: f.name, team: f.team, neighbourhood: f.neighbourhood || undefined, sas: m.sas, people }
      : { verified: false, name: f.name, team: f.team, sas: m.sas, people, reason: identityReason(f.status) };
  }
  return m.peers.some((p) => p.hasKey) ? { verified: true, name: '', team: '', sas: m.sas, people } : null;
}

export class CallSession extends EventTarget {
  constructor(opts) {
    super();
    this.opt = { width: 640, height: 360, fps: 30, names: {}, ...opts };
    this.worker = opts.worker;
    this.state = 'connecting';
    this.tiles = [];
    this.identity = null;
    this.quality = 'good';
    this.recording = false;   // the officer records the call (call-recording.js)
    this.stats = null;          // the Worker's last status (tests and the console read it)
    this.feedId = 0;
    this.remote = new Map();    // feedId -> { display, canvas, tile (once authenticated), renderer, frames, late, stale }
    this.mic = true;
    this.camera = true;
    this.inFlight = 0;
    this.attempts = 0;
    this.leaving = new Map();   // feedId -> timer: a "left" waiting to be believed
    this.departed = new Set();  // feedIds that left, until the Worker no longer lists them
    this._onWorker = (ev) => this._workerMessage(ev.data);
    this.worker.addEventListener('message', this._onWorker);
    this.wire = this._startWire();
    // Closing the tab leaves the room at once (else Janus keeps the
    // participant until its session times out).
    this._onPageHide = () => this.hangUp();
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this._onPageHide);
    this._start();
  }

  // ---- the interface ----------------------------------------------------

  setMicrophone(on) {
    this.mic = !!on;
    for (const t of this.opt.localStream?.getAudioTracks() ?? []) t.enabled = this.mic;
    this._gateCapture();
  }

  setCamera(on) {
    this.camera = !!on;
    for (const t of this.opt.localStream?.getVideoTracks() ?? []) t.enabled = this.camera;
    this._gateCapture();
  }

  async switchCamera() {
    const old = this.opt.localStream?.getVideoTracks()[0];
    if (!old) return null;
    const { facingMode, deviceId } = old.getSettings();
    const size = { width: { ideal: this.opt.width }, height: { ideal: this.opt.height } };
    let video;
    if (facingMode === 'user' || facingMode === 'environment') {
      // A phone says which way its cameras face: the other side.
      video = { ...size, facingMode: { exact: facingMode === 'user' ? 'environment' : 'user' } };
    } else {
      // A camera that does not say (a laptop's, a USB camera, some tablets'):
      // asking for a side would open the same one again; take the next camera listed.
      const ids = (await navigator.mediaDevices.enumerateDevices())
        .filter((d) => d.kind === 'videoinput' && d.deviceId).map((d) => d.deviceId);
      const next = ids[(ids.indexOf(deviceId) + 1) % ids.length];
      if (!next || next === deviceId) return null;
      video = { ...size, deviceId: { exact: next } };
    }
    const open = (v) => navigator.mediaDevices.getUserMedia({ video: v }).then((s) => s.getVideoTracks()[0], () => null);
    let track = await open(video);
    if (!track) {
      // Many phones open one camera at a time: let go of this one and try
      // again, and take it back if the other does not open either.
      old.stop();
      track = await open(video) ?? await open({ ...size, deviceId: { exact: deviceId } });
      if (!track) return null;
    }
    this.opt.localStream.removeTrack(old);
    old.stop();
    this.opt.localStream.addTrack(track);
    this._startVideo(track);
    return this.opt.localStream;
  }

  /** Officer: a version of the statement (JSON text) to everyone in the call. */
  shareStatement(json) { this.worker.postMessage({ type: Msg.doc, what: 'statement', json: String(json) }); }
  /** Citizen: 'sign' or 'refuse' the frozen version read on screen. */
  consentStatement(decision, version) { this.worker.postMessage({ type: Msg.doc, what: 'consent', decision, version }); }
  /** Officer: the time-stamping service's answer (bytes), or null when it failed. */
  answerTimestamp(response) { this.worker.postMessage({ type: Msg.doc, what: 'timestamp', response: response ?? null }); }

  /**
   * Officer: records the call (call-recording.js): everyone is told first; 'recording' events
   * tell how it goes ({what: 'state'|'stamp'|'bytes'|'done'|'notice'|'error'}).
   * names: { self, citizen }, as the recording names them.
   */
  startRecording(title, names) { this.worker.postMessage({ type: Msg.rec, what: 'start', title: String(title), names: { ...names } }); }
  stopRecording() { this.worker.postMessage({ type: Msg.rec, what: 'stop' }); }
  /** Officer: the time-stamping service's answer to a seal's request (bytes), or null. */
  answerRecordingStamp(response) { this.worker.postMessage({ type: Msg.rec, what: 'timestamp', response: response ?? null }); }

  /**
   * Shares a file with everyone in the call: a File, or { name, type?, bytes } (its buffer is handed over).
   * A PDF, JPEG or PNG up to the engine's limit; photos leave without location and camera data
   * unless keepMetadata. 'file' events tell how it goes (call-files.js).
   */
  async shareFile(file, { keepMetadata = false } = {}) {
    const name = String(file?.name ?? '');
    // A Blob has a bytes() method of its own: it is read, never taken for { bytes }.
    const blob = file instanceof Blob;
    const size = blob ? file.size : file?.bytes?.length ?? file?.size ?? 0;
    if (this.fileLimits && size > this.fileLimits.maxBytes) {
      this._emit('file', { what: 'refused', name, reason: 'too-large' });
      return;
    }
    const bytes = blob ? new Uint8Array(await file.arrayBuffer()) : file?.bytes;
    if (!(bytes instanceof Uint8Array)) {
      this._emit('file', { what: 'refused', name, reason: 'empty' });
      return;
    }
    this.worker.postMessage({ type: Msg.file, what: 'send', name, mime: String(file.type ?? ''), bytes,
      keepMetadata: !!keepMetadata }, [bytes.buffer]);
  }

  /** Cancels a file: ours (owner is our feed) for everyone, or someone's for us. */
  cancelFile(owner, id) { this.worker.postMessage({ type: Msg.file, what: 'cancel', owner: Number(owner), id: Number(id) }); }

  sendText(text, final) {
    if (this.state === 'ended') return;
    this.worker.postMessage({ type: Msg.text, text: clip(String(text ?? ''), MAX_TEXT), final: !!final,
      kind: this.opt.role === 'captioner' ? 'caption' : 'rtt' });
  }

  pinTile(id) {
    this.pinned = id ?? null;
    // Sign-language mode: the pinned participant is asked (by the sender's
    // own profile, set when it joins as an interpreter) to keep frame rate.
    this._emit('tiles');
  }

  hangUp() {
    if (this.state === 'ended') return;
    if (this.transport) this.transport.leave();
    this._setState('ended', 'hung_up');
  }

  // ---- start, and start again with another feed id ------------------------

  // The wire Worker (receiving channels), wired to the engine Worker; null
  // where it cannot start (the engine Worker then receives too).
  _startWire() {
    let wire;
    try {
      wire = new Worker(this.opt.files?.wireWorkerUrl ?? new URL('./wire-worker.js', import.meta.url), { type: 'module' });
    } catch {
      return null;
    }
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ type: 'wire-port', port: port1 }, [port1]);
    wire.postMessage({ type: 'wire-port', port: port2 }, [port2]);
    return wire;
  }

  _start() {
    const o = this.opt;
    this.feedId = o.feedId ?? randomFeedId();
    const enc = new TextEncoder();
    this.startId = ++startSeq;
    this.worker.postMessage({ type: Msg.start, id: this.startId, config: {
      room: o.room, feedId: this.feedId, role: o.role === 'captioner' ? 'interpreter' : o.role,
      invite: o.invite ? enc.encode(o.invite) : undefined, cert: o.cert, key: o.key,
      expectedOfficer: o.expectedOfficer || '', width: o.width, height: o.height, fps: o.fps,
      profile: o.role === 'interpreter' ? 'signLanguage' : 'default', policeBase: o.policeBase, policeRoot: o.policeRoot, crlFloor: o.crlFloor ?? 0,
      keepPlain: !!o.keepPlain, startKbps: o.startKbps, codec: o.codec === 'wasm' ? 'wasm' : 'auto',
    } });
    this._startTransport();
    if (!this.mediaStarted) this._startMedia();
    clearInterval(this.stallTimer);
    this.stallTimer = setInterval(() => this._checkStall(), 250);
  }

  // Janus, for the engine started above (and after a feed id clash).
  _startTransport() {
    const o = this.opt;
    const t = new Transport(this.worker, {
      janusUrl: o.janusUrl, room: o.room, token: o.token, pin: o.pin || '', feedId: this.feedId,
      display: o.display ?? o.role, rtcConfig: o.rtcConfig, channelsInWorker: true, receiver: this.wire,
    });
    this.transport = t;
    // Events of a transport we replaced (feed id taken) no longer count.
    const on = (type, fn) => t.addEventListener(type, (ev) => { if (this.transport === t) fn(ev); });
    on('message', (ev) => {
      const d = ev.detail.data;
      this.lastRecv = performance.now();
      // Stamped here: time spent waiting for the busy Worker is not network delay.
      this.worker.postMessage({ type: Msg.recv, feedId: ev.detail.feedId, data: d, atMs: epochMs() }, [d.buffer]);
    });
    on('activity', () => { this.lastRecv = performance.now(); });
    on('participant-joined', (ev) => this._joined(ev.detail.feedId, ev.detail.display));
    on('participant-left', (ev) => this._left(ev.detail.feedId));
    on('state', (ev) => this._transportState(ev.detail));
    // Its server does not answer at all: where is the call now? (at once, not after RELOCATE_AFTER_MS)
    on('unreachable', () => {
      // Not before the call was in once: until then the transport's own retries go on.
      if (!this.opt.locate || !this.wasConnected || this.locating || this.state === 'ended') return;
      if (this._movedWithin(MOVE_SETTLE_MS)) return;   // joining where it moved to
      clearTimeout(this.relocateTimer);
      this.relocateTimer = setTimeout(() => this._relocate(), 0);
    });
    on('error', (ev) => this._transportError(ev.detail));
    t.start();
  }

  /** Whether the call moved server less than ms ago. */
  _movedWithin(ms) {
    return !!this.movedAt && performance.now() - this.movedAt < ms;
  }

  // Reconnecting has not worked (or the room is gone): ask where the call is
  // now and join there, with the same feed id; keep asking while it has not.
  // Still where it was (and its room too): the transport's own reconnecting
  // goes on, since starting over there would clash with our session there;
  // unless forced (the room, or our place on its list, is gone there).
  async _relocate(force = false) {
    this.relocateTimer = null;
    const stillLost = () => this.state !== 'ended' && this.transport && this.transport.state !== 'connected';
    if (!stillLost() || this.locating) return;
    let where = null;
    this.locating = true;
    try { where = await this.opt.locate(this.opt.token); } catch { where = null; } finally { this.locating = false; }
    if (!stillLost()) return;
    if (where?.ended) {   // the call is over, or the token is not the service's: nothing to wait for
      this.transport.leave();
      this._setState('ended', where.ended);
      return;
    }
    const elsewhere = where?.janusUrl && where.token && (force || where.moved || where.janusUrl !== this.opt.janusUrl);
    if (elsewhere) {
      Object.assign(this.opt, { janusUrl: where.janusUrl, token: where.token,
        room: where.room ?? this.opt.room, pin: where.pin ?? this.opt.pin });
      this.movedAt = performance.now();
      this.renewed = false;
      this.transport.moveTo(this.opt);
    }
    // Not known yet (the service is moving it, or not reachable): ask again soon. Moved: joining
    // there takes a while on a slow machine, and asking again would start it over.
    this.relocateTimer = setTimeout(() => this._relocate(), elsewhere ? MOVE_SETTLE_MS : where ? RELOCATE_AFTER_MS : RELOCATE_RETRY_MS);
  }

  // The network is gone (or Janus is) while the signalling still looks
  // fine: show 'reconnecting' with a reason until media flows again.
  _checkStall() {
    if (this.state === 'ended') { clearInterval(this.stallTimer); return; }
    const quiet = this.remote.size > 0 && performance.now() - (this.lastRecv ?? 0) > STALL_MS;
    if (quiet && this.state === 'connected') { this.stalled = true; this._setState('reconnecting', 'no_media'); }
    if (!quiet && this.stalled && this.transport.state === 'connected') { this.stalled = false; this._setState('connected'); }
  }

  _transportError({ code, reason, fatal }) {
    // The room is gone (its Janus server restarted or died), or, after the call was in, our
    // token is not on its list (made again by another who asked): where is the call now?
    if ((code === 426 || (code === 433 && this.wasConnected)) && this.opt.locate && this.state !== 'ended') {
      clearTimeout(this.relocateTimer);
      this.relocateTimer = setTimeout(() => this._relocate(true), 0);
      return;
    }
    if (REJOIN_CODES.has(code) && this.attempts++ < 5) {
      // Someone already has our feed id: leave quietly and join with another.
      const old = this.transport;
      this.transport = null;
      old.close();
      this.opt.feedId = undefined;
      this._start();
      return;
    }
    this._emit('error', { code, reason: clip(reason, 200) });
    if (FATAL_CODES.has(code) || fatal) {
      this.transport.leave();
      this._setState('ended', fatal ?? FATAL_CODES.get(code));
    }
  }

  _transportState({ state, reason }) {
    if (this.state === 'ended') return;
    this._gateCapture();
    if (state === 'connected') {
      this.wasConnected = true;
      clearTimeout(this.relocateTimer);
      this.relocateTimer = null;
      // Joined where the call moved to: what the old server carried was under our old key.
      if (this.movedAt && !this.renewed) {
        this.renewed = true;
        this.worker.postMessage({ type: Msg.renew });
      }
      this.lastRecv = performance.now();
      this._setState(this.remote.size ? 'connected' : 'waiting');
      // Those who do not reappear in the room after our reconnect have left.
      clearTimeout(this.staleTimer);
      this.staleTimer = setTimeout(() => {
        for (const [feed, r] of this.remote) if (r.stale) this._left(feed, true);
      }, this._movedWithin(MOVED_GRACE_MS) ? MOVED_GRACE_MS : REJOIN_GRACE_MS);
    } else if (state === 'reconnecting') {
      // Keep everyone's tile and keys: most likely they are all still there.
      for (const id of this.leaving.keys()) clearTimeout(this.leaving.get(id));
      this.leaving.clear();
      for (const r of this.remote.values()) r.stale = true;
      this._setState('reconnecting', reason);
      if (this.opt.locate && this.wasConnected && !this.relocateTimer && !this.locating) this.relocateTimer = setTimeout(() => this._relocate(), RELOCATE_AFTER_MS);
    } else if (state === 'left') this._setState('ended', reason);
  }

  _joined(feedId, display) {
    this.lastRecv = performance.now();   // give the newcomer's media time to arrive
    const known = this.remote.get(feedId);
    if (known) { known.stale = false; clearTimeout(this.leaving.get(feedId)); this.leaving.delete(feedId); return; }
    // Janus says someone is connected; who they are only the handshake proves. Their tile
    // appears once it has (_roster), with the role and name it proved.
    this.departed.delete(feedId);
    this.remote.set(feedId, { display: clip(display, 32), frames: 0, renderer: null, tile: null, canvas: this._canvas() });
    this.worker.postMessage({ type: Msg.peerJoined, feedId });
    if (this.transport.state === 'connected') this._setState('connected');
  }

  // The tiles are exactly the participants the handshake authenticated — everyone who holds
  // our key — with the role and name they proved (an officer's or a colleague's from the
  // certificate), never the name they gave Janus. Someone Janus announced who has not
  // authenticated has no tile (and no key: nothing of ours to see or hear).
  _roster(peers) {
    let changed = false;
    const proven = new Set();
    for (const p of peers) {
      let r = this.remote.get(p.id);
      if (!r) {
        if (this.departed.has(p.id)) continue;   // left the room; the Worker forgets it now
        // Holding keys without Janus ever announcing them: shown all the same.
        r = { display: '', frames: 0, renderer: null, tile: null, canvas: this._canvas(), unannounced: true };
        this.remote.set(p.id, r);
      }
      proven.add(p.id);
      // A speech-to-text interpreter proves the interpreter's role; what they do is theirs to say.
      const role = p.role === 'interpreter' && r.display === 'captioner' ? 'captioner' : p.role;
      const certified = (p.role === 'officer' || p.role === 'colleague') && p.officer && p.officer.ok;
      const name = certified ? clip(p.officer.name, MAX_NAME) : this._name(role);
      if (r.tile && r.tile.role === role && r.tile.name === name) continue;
      const tile = { id: String(p.id), name, role, canvas: r.canvas, playing: r.frames > 0 };
      this.tiles = r.tile ? this.tiles.map((t) => (t === r.tile ? tile : t)) : [...this.tiles, tile];
      r.tile = tile;
      changed = true;
    }
    for (const [id, r] of this.remote) {
      if (proven.has(id)) continue;
      if (r.tile) { this.tiles = this.tiles.filter((t) => t !== r.tile); r.tile = null; changed = true; }
      if (r.unannounced) this.remote.delete(id);
    }
    for (const id of this.departed) if (!peers.some((p) => p.id === id)) this.departed.delete(id);
    if (changed) this._emit('tiles');
  }

  _left(feedId, now = false) {
    const r = this.remote.get(feedId);
    if (!r) return;
    if (!now) {
      // Janus going away announces everyone as left just before the session
      // is lost: wait a moment to tell that apart from a person leaving. Soon
      // after the call moved server, the others may still be joining there again
      // (a leave and a join of the same feed): they get as long as after a move.
      const moving = this._movedWithin(MOVED_GRACE_MS);
      clearTimeout(this.leaving.get(feedId));
      this.leaving.set(feedId, setTimeout(() => { this.leaving.delete(feedId); this._left(feedId, true); },
        moving ? MOVED_GRACE_MS : LEAVE_GRACE_MS));
      return;
    }
    this.remote.delete(feedId);
    this.departed.add(feedId);
    this.worker.postMessage({ type: Msg.peerLeft, feedId });
    if (r.tile) { this.tiles = this.tiles.filter((t) => t !== r.tile); this._emit('tiles'); }
    if (this.state === 'connected' && !this.remote.size) this._setState('waiting');
  }

  _canvas() {
    const canvas = document.createElement('canvas');
    canvas.width = this.opt.width; canvas.height = this.opt.height;
    return canvas;
  }

  _name(role) {
    const n = this.opt.names || {};
    return clip(n[role] || { officer: 'Wijkagent', citizen: 'Burger', interpreter: 'Tolk', captioner: 'Schrijftolk',
      colleague: 'Collega' }[role], MAX_NAME);
  }

  // ---- local media --------------------------------------------------------

  async _startMedia() {
    this.mediaStarted = true;
    const s = this.opt.localStream;
    const v = s?.getVideoTracks()[0], a = s?.getAudioTracks()[0];
    if (v) this._startVideo(v);
    try {
      this.audio = await createAudio(this.opt.files?.workletUrl);
      // Each worklet gets its own port to the Worker.
      const speaker = new MessageChannel();
      this.worker.postMessage({ type: Msg.speakerPort, port: speaker.port1 }, [speaker.port1]);
      this.playback = createPlayback(this.audio, speaker.port2);
      if (a) {
        this.micCapture = this._captureMicrophone(a);
        this._gateCapture();
      }
      await this.audio.resume();
    } catch (e) {
      this._emit('error', { code: 0, reason: `audio: ${clip(String(e && e.message || e), 200)}` });
    }
  }

  // Hands the track's stream (MediaStreamTrackProcessor, with `options`) to
  // the Worker as message `type`; false where the browser cannot (or the
  // page is asked to capture itself).
  _trackToWorker(type, track, options) {
    if (this.opt.capture === 'page' || typeof MediaStreamTrackProcessor === 'undefined') return false;
    try {
      // eslint-disable-next-line no-undef
      const { readable } = new MediaStreamTrackProcessor({ track, ...options });
      this.worker.postMessage({ type, stream: readable }, [readable]);
      return true;
    } catch {
      return false;   // not transferable here
    }
  }

  // The microphone: its stream to the Worker where the browser can (no
  // audio thread and no resampling buffer in the way), else an AudioWorklet
  // that talks to the Worker over its own port.
  _captureMicrophone(track) {
    // 10 ms pieces: room for 200 ms, as much as the Worker keeps (older is late).
    if (!this._trackToWorker('wire-mic', track, { maxBufferSize: 20 })) return this._microphoneWorklet(track);
    let on = null;
    return {
      inWorker: true,
      setOn: (v) => { if (v !== on) { on = v; this.worker.postMessage({ type: 'wire-mic-gate', on: v }); } },
      stop: () => this.worker.postMessage({ type: 'wire-mic', stream: null }),
    };
  }

  _microphoneWorklet(track) {
    const mic = new MessageChannel();
    this.worker.postMessage({ type: Msg.micPort, port: mic.port1 }, [mic.port1]);
    return captureMicrophone(this.audio, track, mic.port2);
  }

  // Microphone and camera send only while connected and switched on: a
  // frame sent otherwise would wait in the engine. Where the Worker reads
  // the camera itself (cameraInWorker) it is told; else the loop below
  // drops frames.
  _gateCapture() {
    const live = this.state !== 'ended' && this.transport?.state === 'connected';
    if (this.micCapture) this.micCapture.setOn(this.mic && live);
    if (this.cameraInWorker) this.worker.postMessage({ type: 'wire-camera-gate', on: this.camera && live });
  }

  // Stops reading the camera, wherever it is read.
  _stopCamera() {
    if (this.frames) this.frames.stop();
    this.frames = null;
    if (this.cameraInWorker) this.worker.postMessage({ type: 'wire-camera', stream: null });
    this.cameraInWorker = false;
  }

  async _startVideo(track) {
    this._stopCamera();
    // Where the browser can hand the camera's frame stream to the Worker,
    // the page never sees a frame.
    if (this._trackToWorker('wire-camera', track, {})) {
      this.cameraInWorker = true;
      this._gateCapture();
      return;
    }
    const src = new FrameSource(track, { width: this.opt.width, height: this.opt.height });
    this.frames = src;
    try {
      for await (const f of src.frames()) {
        const frame = f.frame;
        if (this.state === 'ended' || src.stopped || !this.camera || this.inFlight >= VIDEO_IN_FLIGHT ||
            this.transport.state !== 'connected') {
          if (frame) frame.close();   // unclosed frames stall the camera
          if (this.state === 'ended' || src.stopped) break;
          continue;
        }
        this.inFlight++;
        try {
          if (frame) this.worker.postMessage({ type: Msg.video, frame, captureMs: epochMs() }, [frame]);
          else this.worker.postMessage({ type: Msg.video, frame: f, captureMs: epochMs() }, [f.rgba.buffer]);
        } catch (e) {
          this.inFlight--;
          if (frame) frame.close();
          throw e;
        }
      }
    } catch (e) {
      this._emit('error', { code: 0, reason: `camera: ${clip(String(e && e.message || e), 200)}` });
    }
  }

  _stopTimers() {
    clearInterval(this.stallTimer);
    clearTimeout(this.staleTimer);
    clearTimeout(this.relocateTimer);
    for (const t of this.leaving.values()) clearTimeout(t);
    this.leaving.clear();
  }

  _stopMedia() {
    this._stopCamera();
    if (this.micCapture) this.micCapture.stop();
    if (this.playback) this.playback.stop();
    if (this.audio) this.audio.close().catch(() => {});
    this.frames = this.micCapture = this.playback = this.audio = null;
  }

  // ---- from the Worker ----------------------------------------------------

  _workerMessage(m) {
    switch (m.type) {
      case Msg.send:
        for (const d of m.msgs) this.transport.send(d);
        break;
      case Msg.videoDone: this.inFlight = Math.max(0, this.inFlight - 1); break;
      case Msg.frame: {
        const r = this.remote.get(m.feedId);
        if (!r) { if (m.frame) m.frame.close(); break; }
        // Drawing a frame the page was too busy to take in time would only
        // delay the newer ones queued behind it.
        if (Number.isFinite(m.atMs) && epochMs() - m.atMs > FRAME_MAX_AGE_MS) {
          r.late = (r.late || 0) + 1;
          if (m.frame) m.frame.close();
          break;
        }
        if (!r.renderer) r.renderer = new I420Renderer(r.canvas);
        if (m.frame) r.renderer.drawFrame(m.frame);   // decoded by the browser: straight to the GPU
        else r.renderer.draw(m.i420, m.width, m.height);
        r.frames++;
        if (r.tile) r.tile.playing = true;
        this._emit('frame', { feedId: m.feedId, width: m.width, height: m.height, captureMs: m.captureMs });
        break;
      }
      case Msg.pcm: if (this.playback) this.playback.push(m.pcm); break;
      case Msg.micRate: {
        // Not 48 kHz: the worklet's context resamples.
        const a = this.opt.localStream?.getAudioTracks()[0];
        if (!this.micCapture?.inWorker || !this.audio || !a) break;
        this.micCapture.stop();
        this.micCapture = this._microphoneWorklet(a);
        this._gateCapture();
        break;
      }
      case Msg.text: {
        const tile = this.remote.get(m.feedId)?.tile;
        if (!tile) break;   // only from someone in the roster
        const kind = m.kind === 'caption' && (tile.role === 'captioner' || tile.role === 'interpreter') ? 'caption' : 'rtt';
        this._emit(kind, { from: String(m.feedId), name: tile.name, text: clip(m.text, MAX_TEXT), final: !!m.final });
        break;
      }
      case Msg.doc: {
        const { type, ...detail } = m;
        this._emit('document', detail);
        break;
      }
      case Msg.rec: this._recordingEvent(m); break;
      case Msg.file: {
        const { type, ...detail } = m;
        if (detail.what === 'limits') { this.fileLimits = { maxBytes: detail.maxBytes, maxName: detail.maxName }; break; }
        const tile = this.remote.get(detail.from)?.tile;
        if (detail.from !== undefined && detail.from !== this.feedId) detail.sender = tile?.name ?? '';
        if (detail.by) detail.byName = this.remote.get(detail.by)?.tile?.name ?? '';
        this._emit('file', detail);
        break;
      }
      case Msg.status: this._status(m); break;
      case Msg.error:
        this._emit('error', { code: m.code, reason: clip(m.en, 200), nl: clip(m.nl, 200) });
        // This call's engine did not start: no call; end it, and say why.
        if (m.startId !== undefined && m.startId === this.startId && this.state !== 'ended') {
          this.transport?.leave();
          this._setState('ended', TRUST_CHECKS.has(m.where) ? 'police_trust' : 'engine_failed');
        }
        break;
      default: break;
    }
  }

  _status(m) {
    this.stats = m;
    this._roster(m.peers);
    const identity = identityOf(this.opt.role, m);
    if (JSON.stringify(identity) !== JSON.stringify(this.identity)) {
      this.identity = identity;
      this._emit('identity');
    }
    const q = m.media.peers.length ? qualityOf(m.media) : null;
    if (q && q !== this.quality) { this.quality = q; this._emit('quality'); }
    const heard = m.media.peers.reduce((n, p) => n + (p.audioReceived || 0), 0);
    if (heard !== this.heard) { this.heard = heard; this.heardAt = performance.now(); }
    this._gateSpeaker(this.heardAt !== undefined && performance.now() - this.heardAt < SPEAKER_IDLE_MS);
  }

  // The speaker's audio thread runs only while sound arrives (a
  // sign-language call may have none): suspended after SPEAKER_IDLE_MS
  // without any, resumed as soon as some comes (the engine holds it
  // meanwhile). Not where the microphone's worklet needs the same context.
  _gateSpeaker(hearing) {
    if (!this.audio || this.state === 'ended' || hearing === this.hearing) return;
    if (this.micCapture && !this.micCapture.inWorker) return;
    this.hearing = hearing;
    (hearing ? this.audio.resume() : this.audio.suspend()).catch(() => {});
  }

  _setState(state, reason) {
    if (this.state === state || this.state === 'ended') return;
    this.state = state;
    if (state === 'ended') this.reason = reason ?? null;
    if (state === 'ended') {
      // However it ended: release devices and timers, and hear no more from
      // the Worker (a next call on the same Worker is someone else's).
      this._stopMedia();
      this._stopTimers();
      this.worker.postMessage({ type: Msg.stop });
      if (this.wire) this.wire.terminate();
      this.worker.removeEventListener('message', this._onWorker);
      // A recording of ours ends with the call: its last bytes and its
      // manifest still come (call-recording.js), up to its state 'off'.
      if (this.recording && this.opt.role === 'officer') {
        const last = (ev) => {
          if (ev.data?.type !== Msg.rec) return;
          this._recordingEvent(ev.data);
          if (!this.recording) this.worker.removeEventListener('message', last);
        };
        this.worker.addEventListener('message', last);
      }
      if (typeof window !== 'undefined') window.removeEventListener('pagehide', this._onPageHide);
    }
    this._emit('state', { state, reason });
  }

  /** A recording message from the Worker: whether the call is recorded now, and the 'recording' event. */
  _recordingEvent(m) {
    const { type, ...detail } = m;
    if (detail.what === 'notice') this.recording = !!detail.on;
    else if (detail.what === 'state') this.recording = detail.state !== 'off';
    this._emit('recording', detail);
  }

  _emit(type, detail = {}) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}

export function createCallSession(opts) { return new CallSession(opts); }
