// beeldbel engine glue: the only JavaScript that knows the WASM engine's
// memory layout. It turns JS values into pointers and back, frees what it
// allocates, and turns negative C error codes into EngineError (English and
// Dutch text from the engine's own bb_strerror tables).
// The Emscripten module (beeldbel-engine.mjs) sits beside this file where it
// is served (dist/engine/); the Worker bundles carry it inside.
import createBeeldbelEngine from './beeldbel-engine.mjs';
import { engineWasmName } from './support.js';

const I32 = 4;

export class EngineError extends Error {
  constructor(code, en, nl, where) {
    super(`${where}: ${en} (${code})`);
    this.name = 'EngineError';
    this.code = code;
    this.en = en;
    this.nl = nl;
    this.where = where;
  }
}

/**
 * Loads the engine. wasmBinary (a Uint8Array): the module's bytes, already
 * in hand (checked against the bundle's hash, or read from disk in node);
 * without it the module beside beeldbel-engine.mjs is fetched, the one with
 * SIMD kernels where the browser has SIMD (simd: false takes the other).
 * Both modules share this glue: they differ only in libvpx's kernels.
 */
export async function loadEngine({ wasmBinary, simd } = {}) {
  // With the bytes in hand nothing is located (the module's default, a URL
  // beside itself, cannot even be formed in a Worker started from a blob).
  const M = await createBeeldbelEngine(wasmBinary ? { wasmBinary, locateFile: (name) => name }
    : { locateFile: (name, dir) => dir + (name.endsWith('.wasm') ? engineWasmName(simd) : name) });
  return new Engine(M);
}

export const ControlType = Object.freeze({ hello: 1, bye: 2, text: 3, keyframe_request: 4, text_final: 5 });
const controlNames = Object.fromEntries(Object.entries(ControlType).map(([k, v]) => [v, k]));
const rejectNames = ['size', 'json', 'version', 'type', 'field', 'range', 'utf8'];

class Scratch {
  // Allocations for one call, freed together.
  constructor(M) { this.M = M; this.ptrs = []; }
  alloc(n) {
    const p = this.M._malloc(Math.max(1, n));
    if (!p) throw new EngineError(-2, 'out of memory', 'onvoldoende geheugen', 'malloc');
    this.ptrs.push(p);
    return p;
  }
  bytes(u8) {
    const p = this.alloc(u8.length);
    this.M.HEAPU8.set(u8, p);
    return p;
  }
  str(s) {
    const n = this.M.lengthBytesUTF8(s) + 1;
    const p = this.alloc(n);
    this.M.stringToUTF8(s, p, n);
    return p;
  }
  free() { for (const p of this.ptrs) this.M._free(p); this.ptrs = []; }
}

export class Engine {
  constructor(M) {
    this.M = M;
  }

  /** Runs fn with a Scratch and frees its allocations afterwards. */
  _with(fn) {
    const s = new Scratch(this.M);
    try { return fn(s); } finally { s.free(); }
  }

  _check(rc, where) {
    if (rc >= 0) return rc;
    const M = this.M;
    throw new EngineError(rc, M.UTF8ToString(M._bbw_strerror(rc)), M.UTF8ToString(M._bbw_strerror_nl(rc)), where);
  }

  _u32(p) { return this.M.HEAPU32[p / I32]; }
  _i32(p) { return this.M.HEAP32[p / I32]; }

  versions() {
    const M = this.M;
    return {
      vp8: M.UTF8ToString(M._bbw_version_vp8()),
      opus: M.UTF8ToString(M._bbw_version_opus()),
      mbedtls: M.UTF8ToString(M._bbw_version_mbedtls()),
      cjson: M.UTF8ToString(M._bbw_version_cjson()),
      simd128: M._bbw_vp8_simd128() === 1,
    };
  }

  errorText(code) {
    const M = this.M;
    return { en: M.UTF8ToString(M._bbw_strerror(code)), nl: M.UTF8ToString(M._bbw_strerror_nl(code)) };
  }

  _newHandle(fnName, args, where) {
    return this._with((s) => {
      const out = s.alloc(I32);
      this._check(this.M[fnName](out, ...args), where);
      return this._u32(out);
    });
  }

  createVideoEncoder({ width, height, fps = 30, kbps = 800 }) {
    const h = this._newHandle('_bbw_video_encoder_new', [width, height, fps, kbps], 'video encoder');
    return new VideoEncoderHandle(this, h, width, height);
  }

  createVideoDecoder() {
    return new VideoDecoderHandle(this, this._newHandle('_bbw_video_decoder_new', [], 'video decoder'));
  }

  createAudioEncoder({ bitrate = 24000 } = {}) {
    return new AudioEncoderHandle(this, this._newHandle('_bbw_audio_encoder_new', [bitrate], 'audio encoder'));
  }

  createAudioDecoder() {
    return new AudioDecoderHandle(this, this._newHandle('_bbw_audio_decoder_new', [], 'audio decoder'));
  }

  /** AES-GCM: returns ciphertext||tag. key 16 or 32 bytes, nonce 12. */
  seal(key, nonce, aad, plaintext) {
    return this._aead('_bbw_aead_seal', key, nonce, aad, plaintext, plaintext.length + 16, 'seal');
  }

  /** Throws EngineError code -5 (authentication failed) on any tampering. */
  open(key, nonce, aad, ciphertext) {
    return this._aead('_bbw_aead_open', key, nonce, aad, ciphertext, Math.max(0, ciphertext.length - 16), 'open');
  }

  _aead(fn, key, nonce, aad, input, cap, where) {
    if (nonce.length !== 12) throw new EngineError(-1, 'invalid argument', 'ongeldig argument', where);
    return this._with((s) => {
      const out = s.alloc(cap), outLen = s.alloc(I32);
      this._check(this.M[fn](s.bytes(key), key.length, s.bytes(nonce), s.bytes(aad), aad.length,
        s.bytes(input), input.length, out, cap, outLen), where);
      return this.M.HEAPU8.slice(out, out + this._u32(outLen));
    });
  }

  /** Parses an untrusted control message (bytes). Throws EngineError with .reason. */
  parseControl(bytes) {
    const M = this.M;
    return this._with((s) => {
      const msg = s.alloc(M._bbw_control_msg_size());
      const stats = s.alloc(M._bbw_control_stats_size());
      M.HEAPU8.fill(0, stats, stats + M._bbw_control_stats_size());
      const rc = M._bbw_control_parse(s.bytes(bytes), bytes.length, msg, stats);
      if (rc < 0) {
        let reason = 'unknown';
        rejectNames.forEach((name, i) => { if (M._bbw_control_stats_rejected(stats, i) > 0) reason = name; });
        try { this._check(rc, 'control message'); } catch (e) { e.reason = reason; throw e; }
      }
      return {
        type: controlNames[M._bbw_control_msg_type(msg)],
        seq: M._bbw_control_msg_seq(msg),
        from: M.UTF8ToString(M._bbw_control_msg_from(msg)),
        text: M.UTF8ToString(M._bbw_control_msg_text(msg)),
      };
    });
  }

  /** Produces a control message's JSON text. */
  writeControl({ type, seq, from, text = '' }) {
    const t = ControlType[type];
    if (!t) throw new EngineError(-1, 'invalid argument', 'ongeldig argument', 'control message');
    return this._with((s) => {
      const cap = 4097, out = s.alloc(cap), outLen = s.alloc(I32);
      this._check(this.M._bbw_control_write(t, seq, s.str(from), s.str(text), out, cap, outLen), 'control message');
      return this.M.UTF8ToString(out);
    });
  }
}

class Handle {
  constructor(engine, ptr, freeFn) { this.e = engine; this.ptr = ptr; this.freeFn = freeFn; }
  free() { if (this.ptr) { this.e.M[this.freeFn](this.ptr); this.ptr = 0; } }
  _live() { if (!this.ptr) throw new EngineError(-11, 'not allowed in this state', 'niet toegestaan in deze toestand', 'freed handle'); }
}

class VideoEncoderHandle extends Handle {
  constructor(e, ptr, width, height) { super(e, ptr, '_bbw_video_encoder_free'); this.width = width; this.height = height; }
  /** i420: Uint8Array of width*height*3/2. Returns { data, key } (data empty if dropped). */
  encode(i420, ptsUs, forceKey = false) {
    this._live();
    return this.e._with((s) => {
      const cap = i420.length + 1024, out = s.alloc(cap), outLen = s.alloc(I32), isKey = s.alloc(I32);
      this.e._check(this.e.M._bbw_video_encode(this.ptr, s.bytes(i420), this.width, this.height, ptsUs,
        forceKey ? 1 : 0, out, cap, outLen, isKey), 'video encode');
      return { data: this.e.M.HEAPU8.slice(out, out + this.e._u32(outLen)), key: this.e._i32(isKey) !== 0 };
    });
  }
  setBitrate(kbps) { this._live(); this.e._check(this.e.M._bbw_video_encoder_set_bitrate(this.ptr, kbps), 'video bitrate'); }
}

class VideoDecoderHandle extends Handle {
  constructor(e, ptr) { super(e, ptr, '_bbw_video_decoder_free'); }
  /** Returns { width, height, i420 } (a copy). */
  decode(bytes, maxWidth = 2048, maxHeight = 2048) {
    this._live();
    return this.e._with((s) => {
      const cap = maxWidth * maxHeight * 3 / 2, out = s.alloc(cap), dims = s.alloc(2 * I32);
      this.e._check(this.e.M._bbw_video_decode(this.ptr, s.bytes(bytes), bytes.length, out, cap, dims), 'video decode');
      const width = this.e._i32(dims), height = this.e._i32(dims + I32);
      return { width, height, i420: this.e.M.HEAPU8.slice(out, out + width * height * 3 / 2) };
    });
  }
}

class AudioEncoderHandle extends Handle {
  constructor(e, ptr) { super(e, ptr, '_bbw_audio_encoder_free'); }
  /** pcm: Int16Array of 960 samples (20 ms, 48 kHz mono). Returns Uint8Array. */
  encode(pcm) {
    this._live();
    if (pcm.length !== 960) throw new EngineError(-1, 'invalid argument', 'ongeldig argument', 'audio encode');
    return this.e._with((s) => {
      const inp = s.alloc(960 * 2), cap = 400, out = s.alloc(cap), outLen = s.alloc(I32);
      this.e.M.HEAP16.set(pcm, inp / 2);
      this.e._check(this.e.M._bbw_audio_encode(this.ptr, inp, out, cap, outLen), 'audio encode');
      return this.e.M.HEAPU8.slice(out, out + this.e._u32(outLen));
    });
  }
}

class AudioDecoderHandle extends Handle {
  constructor(e, ptr) { super(e, ptr, '_bbw_audio_decoder_free'); }
  /** bytes: a packet, or null for a lost one (concealed). Returns Int16Array. */
  decode(bytes) {
    this._live();
    return this.e._with((s) => {
      const pcm = s.alloc(960 * 2), n = s.alloc(I32);
      const len = bytes ? bytes.length : 0;
      this.e._check(this.e.M._bbw_audio_decode(this.ptr, len ? s.bytes(bytes) : 0, len, pcm, n), 'audio decode');
      return this.e.M.HEAP16.slice(pcm / 2, pcm / 2 + this.e._i32(n));
    });
  }
}

// ---- Janus signalling ----
// The C state machine decides every Janus message; this wrapper only moves
// strings in and out. Times are microseconds (performance.now() * 1000).

export class JanusSession {
  /** @param {Engine} engine @param {{room:number, token:string, pin?:string, display:string, feedId?:number}} cfg */
  constructor(engine, { room, token, pin = '', display, feedId = 0 }) {
    this.e = engine;
    const M = engine.M;
    this.ptr = engine._with((s) => {
      const out = s.alloc(I32);
      engine._check(M._bbw_janus_new(out, room, s.str(token), s.str(pin), s.str(display), feedId), 'janus config');
      return engine._u32(out);
    });
    this.ev = M._malloc(M._bbw_janus_event_size());
    this.cap = 1 << 16;
    this.buf = M._malloc(this.cap);
  }

  free() {
    if (!this.ptr) return;
    const M = this.e.M;
    M._bbw_janus_free(this.ptr);
    M._free(this.ev);
    M._free(this.buf);
    this.ptr = 0;
  }

  _call(fn, ...args) {
    return this.e._with((s) => this.e._check(this.e.M[fn](this.ptr, ...args.map((a) =>
      typeof a === 'string' ? s.str(a) : a)), fn.replace('_bbw_', '')));
  }

  wsOpen(nowUs) { this._call('_bbw_janus_ws_open', nowUs); }
  recv(text, nowUs) {
    const e = this.e;
    return e._with((s) => {
      const bytes = new TextEncoder().encode(text);
      return e.M._bbw_janus_recv(this.ptr, s.bytes(bytes), bytes.length, nowUs);
    });
  }
  tick(nowUs) { this._call('_bbw_janus_tick', nowUs); }
  nextDeadline() { return this.e.M._bbw_janus_next_deadline(this.ptr); }
  publish(sdp, nowUs) { this._call('_bbw_janus_publish', sdp, nowUs); }
  subscribeAnswer(sdp, nowUs) { this._call('_bbw_janus_subscribe_answer', sdp, nowUs); }
  trickle(pc, candidate, mid, mline, nowUs) {
    this._call('_bbw_janus_trickle', pc === 'subscriber' ? 1 : 0, candidate ?? '', mid ?? '', mline ?? 0, nowUs);
  }
  leave(nowUs) { this._call('_bbw_janus_leave', nowUs); }

  /** Returns the next outgoing text frame, or null. */
  pollSend() {
    const M = this.e.M;
    return this.e._with((s) => {
      const len = s.alloc(I32);
      for (;;) {
        const rc = M._bbw_janus_poll_send(this.ptr, this.buf, this.cap, len);
        if (rc === -10) return null;
        if (rc === -3) { // grow and retry
          M._free(this.buf);
          this.cap = this.e._u32(len) * 2;
          this.buf = M._malloc(this.cap);
          continue;
        }
        this.e._check(rc, 'janus send');
        return M.UTF8ToString(this.buf, this.e._u32(len));
      }
    });
  }

  /** Returns the next event as a plain object, or null. */
  pollEvent() {
    const M = this.e.M, ev = this.ev;
    const rc = M._bbw_janus_poll_event(this.ptr, ev);
    if (rc === -10) return null;
    this.e._check(rc, 'janus event');
    const feeds = [];
    for (let i = 0; i < M._bbw_janus_event_n_feeds(ev); i++) feeds.push(M._bbw_janus_event_feed_at(ev, i));
    return {
      type: M.UTF8ToString(M._bbw_janus_event_name(ev)),
      feedId: M._bbw_janus_event_feed(ev),
      display: M.UTF8ToString(M._bbw_janus_event_display(ev)),
      code: M._bbw_janus_event_code(ev),
      reason: M.UTF8ToString(M._bbw_janus_event_reason(ev)),
      sdp: M.UTF8ToString(M._bbw_janus_event_sdp(ev)) || null,
      feeds,
    };
  }
}

// ---- end-to-end encryption and officer identity ----
// The C engine does all cryptography (SFrame, X25519, certificate checks);
// this wrapper moves bytes in and out. Times: trust checks take Unix seconds,
// the session takes microseconds like the rest of the engine.

export const Role = Object.freeze({ citizen: 1, officer: 2, interpreter: 3, colleague: 4 });
const roleNames = Object.fromEntries(Object.entries(Role).map(([k, v]) => [v, k]));
const E2EE_AGAIN = -10;

function readOfficer(M, r) {
  const status = M._bbw_officer_status(r);
  return {
    ok: status === 0,
    status: M.UTF8ToString(M._bbw_officer_status_name(status)),
    text: { en: M.UTF8ToString(M._bbw_officer_status_text(status, 0)),
      nl: M.UTF8ToString(M._bbw_officer_status_text(status, 1)) },
    name: M.UTF8ToString(M._bbw_officer_name(r)),
    team: M.UTF8ToString(M._bbw_officer_team(r)),
    neighbourhood: M.UTF8ToString(M._bbw_officer_neighbourhood(r)),
    number: M.UTF8ToString(M._bbw_officer_number(r)),
    notAfter: M._bbw_officer_not_after(r) ? new Date(M._bbw_officer_not_after(r) * 1000) : null,
    revocationChecked: M._bbw_officer_revocation_checked(r) === 1,
  };
}

/** The pinned police root CA (PEM or DER bytes) and, optionally, its CRL. */
export class PoliceTrust {
  constructor(engine, rootBytes) {
    this.e = engine;
    this.ptr = engine._with((s) => {
      const out = s.alloc(I32);
      engine._check(engine.M._bbw_trust_new(out, s.bytes(rootBytes), rootBytes.length), 'police root');
      return engine._u32(out);
    });
  }
  /** The oldest thisUpdate (Unix seconds) a revocation list may have. */
  setCrlFloor(seconds) { this.e.M._bbw_trust_set_crl_floor(this.ptr, seconds); }
  setCrl(crlBytes) {
    this.e._with((s) => this.e._check(this.e.M._bbw_trust_set_crl(this.ptr, s.bytes(crlBytes), crlBytes.length), 'revocation list'));
  }
  /** Returns { ok, status, text:{en,nl}, name, team, neighbourhood, notAfter, revocationChecked }. */
  verifyOfficer(certBytes, { expectedOfficer = '', nowS = Date.now() / 1000 } = {}) {
    const M = this.e.M;
    return this.e._with((s) => {
      const res = s.alloc(M._bbw_officer_result_size());
      M._bbw_trust_verify_officer(this.ptr, s.bytes(certBytes), certBytes.length, s.str(expectedOfficer), nowS, res);
      return readOfficer(M, res);
    });
  }
  free() { if (this.ptr) { this.e.M._bbw_trust_free(this.ptr); this.ptr = 0; } }
}

/**
 * The police root and its revocation list. root: the root's bytes when the
 * caller already has them checked (the widget fetches root.pem only with the
 * SHA-384 its bundle pins); otherwise root.pem is fetched from base too
 * (pages served with the engine, such as the officer's console). The CRL is
 * always fetched: it changes daily and carries the root's signature, which
 * setCrl checks. Fails closed: no CRL, no trust (a revoked officer would
 * otherwise look genuine). crlFloor: the oldest thisUpdate (Unix seconds)
 * the list may have — the widget's bundle carries the one current when it
 * was sealed, so no server can hand it an older list.
 */
export async function fetchPoliceTrust(engine, base = new URL('../police/', import.meta.url), root = null, crlFloor = 0) {
  const get = async (name) => {
    const r = await fetch(new URL(name, base), { credentials: 'omit' });
    if (!r.ok) throw new EngineError(-7, `cannot load ${name} (${r.status})`, `kan ${name} niet laden (${r.status})`, 'police trust');
    return new Uint8Array(await r.arrayBuffer());
  };
  const [rootPem, crl] = await Promise.all([root ?? get('root.pem'), get('crl.pem')]);
  const trust = new PoliceTrust(engine, rootPem);
  try {
    trust.setCrlFloor(crlFloor);
    trust.setCrl(crl);
  } catch (e) { trust.free(); throw e; }
  return trust;
}

/**
 * One participant's key agreement and SFrame state. Handshake messages from
 * pollHandshake() go to everyone in the room (as control messages); those
 * received go to receiveHandshake(). protect()/unprotect() wrap every media,
 * text and file message.
 */
export class E2eeSession {
  /** @param {{room:string, selfId:number, role:string, invite?:Uint8Array, trust?:PoliceTrust,
   *  expectedOfficer?:string, cert?:Uint8Array, key?:Uint8Array, suite?:number}} cfg */
  constructor(engine, { room, selfId, role, invite, trust, expectedOfficer = '', cert, key, suite = 0 }, borrowed = 0) {
    this.e = engine;
    const M = engine.M;
    const none = new Uint8Array(0);
    this.owned = !borrowed;
    this.ptr = borrowed || engine._with((s) => {
      const out = s.alloc(I32);
      const inv = invite ?? none, c = cert ?? none, k = key ?? none;
      engine._check(M._bbw_e2ee_new(out, s.str(room), selfId, Role[role] ?? 0, s.bytes(inv), inv.length,
        trust ? trust.ptr : 0, s.str(expectedOfficer), s.bytes(c), c.length, s.bytes(k), k.length, suite), 'e2ee config');
      return engine._u32(out);
    });
    this.cap = 8192;
    this.buf = M._malloc(this.cap);
    this.res = M._malloc(M._bbw_officer_result_size());
  }
  /** The key agreement a CallCore owns, for reading (roster, code, counters). */
  static of(engine, ptr) { return new E2eeSession(engine, {}, ptr); }
  free() {
    if (!this.ptr) return;
    const M = this.e.M;
    if (this.owned) M._bbw_e2ee_free(this.ptr);
    M._free(this.buf);
    M._free(this.res);
    this.ptr = 0;
  }
  /** A handshake that arrived on SFU feed `feed` (its sender must be that feed). Returns the
   *  engine's code: 0; -10 when a KEYS came before its sender's HELLO (kept, used when the
   *  HELLO arrives); other negative values: refused and counted (see rejected()). */
  receiveHandshake(feed, bytes, nowUs) {
    return this.e._with((s) => this.e.M._bbw_e2ee_receive(this.ptr, feed, s.bytes(bytes), bytes.length, nowUs));
  }
  /** Next handshake message to send (Uint8Array), or null. */
  pollHandshake() {
    const M = this.e.M;
    return this.e._with((s) => {
      const len = s.alloc(I32);
      const rc = M._bbw_e2ee_poll(this.ptr, this.buf, this.cap, len);
      if (rc === E2EE_AGAIN) return null;
      this.e._check(rc, 'e2ee poll');
      return M.HEAPU8.slice(this.buf, this.buf + this.e._u32(len));
    });
  }
  /** A participant left (SFU event): it is forgotten and everyone rekeys. */
  removePeer(id, nowUs) {
    this.e._with(() => this.e._check(this.e.M._bbw_e2ee_remove_peer(this.ptr, id, nowUs), 'e2ee remove'));
  }
  protect(plaintext, metadata = new Uint8Array(0)) {
    return this._frame('_bbw_e2ee_protect', plaintext, metadata, plaintext.length + 64, 'protect').bytes;
  }
  /** Returns { bytes, from } or null when the message was refused (counted by reason). */
  unprotect(message, metadata = new Uint8Array(0)) {
    const r = this._frame('_bbw_e2ee_unprotect', message, metadata, message.length, null);
    return r.rc < 0 ? null : r;
  }
  _frame(fn, input, metadata, cap, where) {
    const M = this.e.M;
    return this.e._with((s) => {
      const out = s.alloc(cap), len = s.alloc(I32), from = s.alloc(I32);
      const rc = M[fn](this.ptr, s.bytes(metadata), metadata.length, s.bytes(input), input.length,
        out, cap, len, from);
      if (where) this.e._check(rc, where);
      return { rc, bytes: rc < 0 ? null : M.HEAPU8.slice(out, out + this.e._u32(len)), from: this.e._i32(from) };
    });
  }
  /** Six digits, "123 456", to compare aloud; null until every member's part of it is in. */
  sas() {
    return this.e._with((s) => {
      const out = s.alloc(8);
      const rc = this.e.M._bbw_e2ee_sas(this.ptr, out);
      if (rc === E2EE_AGAIN) return null;   // not every member's part of the code is in yet
      this.e._check(rc, 'sas');
      return this.e.M.UTF8ToString(out);
    });
  }
  /** [{ id, role, hasKey, officer }] — officer is set for certificate holders. */
  peers() {
    const M = this.e.M, list = [];
    this.e._with((s) => {
      const info = s.alloc(3 * I32);
      for (let i = 0; i < M._bbw_e2ee_peer_count(this.ptr); i++) {
        this.e._check(M._bbw_e2ee_peer_info(this.ptr, i, info, this.res), 'e2ee peer');
        const role = roleNames[this.e._i32(info + I32)];
        list.push({ id: this.e._i32(info), role, hasKey: this.e._i32(info + 2 * I32) === 1,
          officer: role === 'officer' || role === 'colleague' ? readOfficer(M, this.res) : null });
      }
    });
    return list;
  }
  /** Why the last officer certificate was refused (for the UI), or null. */
  officerFailure() {
    return this.e.M._bbw_e2ee_officer_failure(this.ptr, this.res) ? readOfficer(this.e.M, this.res) : null;
  }
  /** { reason: count } of refused handshake and media messages. */
  rejected() {
    const M = this.e.M, out = {};
    for (let i = 0; ; i++) {
      const n = M._bbw_e2ee_rejected(this.ptr, i);
      if (n < 0) break;
      out[M.UTF8ToString(M._bbw_e2ee_reject_name(i))] = n;
    }
    return out;
  }
}

// ---- media engine ----
// The sans-I/O call engine: camera frames and microphone PCM in, messages out;
// messages in, frames and PCM out. Times are microseconds (performance.now() *
// 1000). Buffers are allocated once per engine and reused: this runs per frame.

export const MediaProfile = Object.freeze({ default: 0, signLanguage: 1, lowBandwidth: 2 });
const MEDIA_CLASSES = ['', 'media', 'feedback', 'control'];

export class MediaEngine {
  /**
   * @param {Engine} engine
   * @param {{ssrc:number, seed?:number, width?:number, height?:number, fps?:number,
   *   startKbps?:number, maxKbps?:number, profile?:string}} cfg
   */
  constructor(engine, { ssrc, seed = ssrc, width = 640, height = 360, fps = 30, startKbps = 800,
    maxKbps = 2500, profile = 'default' }, borrowed = 0) {
    const p = MediaProfile[profile];
    if (p === undefined) throw new EngineError(-1, 'invalid argument', 'ongeldig argument', 'media profile');
    this.e = engine;
    const M = engine.M;
    this.owned = !borrowed;
    this.ptr = borrowed || engine._newHandle('_bbw_media_new', [ssrc, seed, width, height, fps, startKbps, maxKbps, p], 'media config');
    this.width = width;
    this.height = height;
    this.camSize = width * height * 3 / 2;
    this.cam = M._malloc(this.camSize);
    this.pcm = M._malloc(960 * 2);
    this.msg = M._malloc(2048);
    this.len = M._malloc(8);
    this.peerStats = M._bbw_media_peer_stats_count();
    this.statsSize = M._bbw_media_stats_size();
    this.info = M._malloc(8 * this.statsSize);
    this.frameBuf = 0;
    this.want = this.encBuf = 0;     // for video the browser codes (allocated on first use)
    this.encCap = 0;
  }

  free() {
    if (!this.ptr) return;
    const M = this.e.M;
    if (this.owned) M._bbw_media_free(this.ptr);
    for (const p of [this.cam, this.pcm, this.msg, this.len, this.info, this.frameBuf, this.want, this.encBuf]) if (p) M._free(p);
    this.ptr = 0;
  }

  _live() { if (!this.ptr) throw new EngineError(-11, 'not allowed in this state', 'niet toegestaan in deze toestand', 'freed media engine'); }

  /**
   * i420: packed Uint8Array of w*h*3/2, the camera's own size (even); the
   * engine scales it to the size it plans. w, h default to the configured size.
   */
  pushVideo(i420, captureUs, nowUs, w = this.width, h = this.height) {
    this._live();
    const size = w * h * 3 / 2;
    if (!Number.isInteger(size) || w < 2 || h < 2 || i420.length !== size) {
      throw new EngineError(-1, 'invalid argument', 'ongeldig argument', 'media video');
    }
    const M = this.e.M;
    if (size > this.camSize) {   // a camera larger than asked: room for its pictures
      const p = M._malloc(size);
      if (!p) throw new EngineError(-3, 'out of memory', 'geen geheugen meer', 'media video');
      M._free(this.cam);
      this.cam = p;
      this.camSize = size;
    }
    M.HEAPU8.set(i420, this.cam);
    this.e._check(M._bbw_media_push_video(this.ptr, this.cam, w, h, captureUs, nowUs), 'media video');
  }

  /** pcm: Int16Array of 960 samples (20 ms, 48 kHz mono). */
  pushAudio(pcm, captureUs, nowUs) {
    this._live();
    if (pcm.length !== 960) throw new EngineError(-1, 'invalid argument', 'ongeldig argument', 'media audio');
    this.e.M.HEAP16.set(pcm, this.pcm / 2);
    this.e._check(this.e.M._bbw_media_push_audio(this.ptr, this.pcm, captureUs, nowUs), 'media audio');
  }

  /** Reliable, ordered delivery of bytes (1..1000) to every peer. */
  sendControl(bytes, nowUs) {
    this._live();
    this.e._with((s) => this.e._check(this.e.M._bbw_media_send_control(this.ptr, s.bytes(bytes), bytes.length, nowUs), 'media control'));
  }

  /** All messages ready to send now: [{ data: Uint8Array, cls: 'media'|'feedback'|'control' }]. */
  pollSend() {
    this._live();
    const M = this.e.M, out = [];
    for (;;) {
      const rc = M._bbw_media_poll_send(this.ptr, this.msg, 2048, this.len);
      if (rc === -10) return out;
      this.e._check(rc, 'media send');
      const n = this.e._u32(this.len);
      out.push({ data: M.HEAPU8.slice(this.msg, this.msg + n), cls: MEDIA_CLASSES[rc] });
    }
  }

  /** Hands in a received message. Returns 0, or the negative code of a rejection (counted). */
  receive(bytes, nowUs) {
    this._live();
    // Anything longer than a message is refused (and counted) as oversize:
    // one byte past the limit says so without copying the rest.
    const M = this.e.M, n = Math.min(bytes.length, M._bbw_media_max_msg() + 1);
    M.HEAPU8.set(bytes.subarray(0, n), this.msg);
    return M._bbw_media_receive(this.ptr, this.msg, n, nowUs);
  }

  tick(nowUs) { this._live(); this.e._check(this.e.M._bbw_media_tick(this.ptr, nowUs), 'media tick'); }
  nextDeadline() { this._live(); return this.e.M._bbw_media_next_deadline(this.ptr); }

  /** The next video frame is a keyframe (a new receiver can start from it). */
  forceKeyframe() { this._live(); this.e._check(this.e.M._bbw_media_force_keyframe(this.ptr), 'media keyframe'); }

  /** How busy the media Worker was over about the last second (0..100, more
   *  when it fell behind): the engine lowers the picture when the CPU is
   *  short, separately from the network. Call about once a second. */
  reportLoad(busyPct, nowUs) {
    this._live();
    this.e._check(this.e.M._bbw_media_report_load(this.ptr, Math.round(busyPct), nowUs), 'media load');
  }

  /** Forgets a sender that left the call; false when it was not known. */
  removePeer(ssrc) { this._live(); return this.e.M._bbw_media_remove_peer(this.ptr, ssrc) === 0; }

  /** 'default' | 'signLanguage' (frame rate before resolution) | 'lowBandwidth'. */
  setProfile(name) {
    this._live();
    const p = MediaProfile[name];
    if (p === undefined) throw new EngineError(-1, 'invalid argument', 'ongeldig argument', 'media profile');
    this.e._check(this.e.M._bbw_media_set_profile(this.ptr, p), 'media profile');
  }

  /** The ssrcs of the remote senders. */
  peers() {
    this._live();
    const M = this.e.M, n = M._bbw_media_peers(this.ptr, this.info);
    return Array.from(M.HEAPF64.subarray(this.info / 8, this.info / 8 + n));
  }

  /** The picture to show now for ssrc, or null: { width, height, captureUs, i420 }. */
  pullFrame(ssrc, nowUs) {
    this._live();
    const M = this.e.M, cap = M._bbw_video_max_dim() ** 2 * 3 / 2;
    if (!this.frameBuf) this.frameBuf = M._malloc(cap);
    const rc = M._bbw_media_pull_frame(this.ptr, ssrc, nowUs, this.frameBuf, cap, this.info);
    if (rc === -10) return null;
    this.e._check(rc, 'media frame');
    const f = M.HEAPF64.subarray(this.info / 8, this.info / 8 + 3);
    const [width, height, captureUs] = [f[0], f[1], f[2]];
    return { width, height, captureUs, i420: M.HEAPU8.slice(this.frameBuf, this.frameBuf + width * height * 3 / 2) };
  }

  // Video coded by the browser (WebCodecs): the engine decides, the host
  // encodes and decodes.

  /**
   * Whether to encode the camera frame captured at captureUs, and how: null
   * to skip it, else { width, height, fps, kbps, keyframe }.
   */
  videoWant(captureUs, nowUs) {
    this._live();
    const M = this.e.M;
    if (!this.want) this.want = M._malloc(5 * I32);
    const rc = this.e._check(M._bbw_media_video_want(this.ptr, captureUs, nowUs, this.want), 'media video want');
    if (rc !== 1) return null;
    const v = M.HEAP32.subarray(this.want / I32, this.want / I32 + 5);
    return { width: v[0], height: v[1], fps: v[2], kbps: v[3], keyframe: v[4] === 1 };
  }

  /** One VP8 frame the host encoded (bytes: Uint8Array) for the frame captured at captureUs. */
  pushEncodedVideo(bytes, key, captureUs, nowUs) {
    this._live();
    const M = this.e.M;
    if (!this.encBuf || this.encCap < bytes.length) {
      if (this.encBuf) M._free(this.encBuf);
      this.encCap = Math.max(bytes.length, 65536);
      this.encBuf = M._malloc(this.encCap);
    }
    M.HEAPU8.set(bytes, this.encBuf);
    this.e._check(M._bbw_media_push_encoded_video(this.ptr, this.encBuf, bytes.length, key ? 1 : 0, captureUs, nowUs),
      'media encoded video');
  }

  /**
   * The next VP8 frame of ssrc due for the host's decoder, or null:
   * { data: Uint8Array, key, show, captureUs }. Call again while show is false.
   */
  pullEncodedFrame(ssrc, nowUs) {
    this._live();
    const M = this.e.M;
    if (!this.encBuf) { this.encCap = 65536; this.encBuf = M._malloc(this.encCap); }
    let rc = M._bbw_media_pull_encoded_frame(this.ptr, ssrc, nowUs, this.encBuf, this.encCap, this.info);
    if (rc === -3) {                      // larger than any frame so far: grow, the frame waits
      M._free(this.encBuf);
      this.encCap = M.HEAPF64[this.info / 8] * 2;
      this.encBuf = M._malloc(this.encCap);
      rc = M._bbw_media_pull_encoded_frame(this.ptr, ssrc, nowUs, this.encBuf, this.encCap, this.info);
    }
    if (rc === -10) return null;
    this.e._check(rc, 'media encoded frame');
    const f = M.HEAPF64.subarray(this.info / 8, this.info / 8 + 4);
    return { data: M.HEAPU8.slice(this.encBuf, this.encBuf + f[0]), key: f[1] === 1, show: f[2] === 1, captureUs: f[3] };
  }

  /** The host's decoder failed on a frame of ssrc: restart it from a keyframe (counted as rejected). */
  decodeFailed(ssrc) { this._live(); return this.e.M._bbw_media_decode_failed(this.ptr, ssrc) === 0; }

  /** The host's decoder dropped a frame of ssrc unseen (busy, or waiting for a keyframe): restart from a keyframe. */
  decodeDropped(ssrc) { this._live(); return this.e.M._bbw_media_decode_dropped(this.ptr, ssrc) === 0; }

  /** The next 20 ms to play for ssrc: Int16Array(960). */
  pullAudio(ssrc, nowUs) {
    this._live();
    const M = this.e.M;
    this.e._check(M._bbw_media_pull_audio(this.ptr, ssrc, nowUs, this.pcm), 'media audio out');
    return M.HEAP16.slice(this.pcm / 2, this.pcm / 2 + 960);
  }

  /** The next received control message, or null: { from, data }. */
  pollControl() {
    this._live();
    const M = this.e.M;
    const rc = M._bbw_media_poll_control(this.ptr, this.info, this.msg, 2048, this.len);
    if (rc === -10) return null;
    this.e._check(rc, 'media control in');
    return { from: M.HEAPF64[this.info / 8], data: M.HEAPU8.slice(this.msg, this.msg + this.e._u32(this.len)) };
  }

  stats() {
    this._live();
    const M = this.e.M;
    this.e._check(M._bbw_media_stats(this.ptr, this.info, this.statsSize), 'media stats');
    const v = M.HEAPF64.subarray(this.info / 8, this.info / 8 + this.statsSize);
    const peers = [];
    for (let i = 0; i < v[9]; i++) {
      const o = 10 + this.peerStats * i;
      peers.push({ ssrc: v[o], framesShown: v[o + 1], framesDecoded: v[o + 2], audioConcealed: v[o + 3],
        audioFrames: v[o + 4], lost: v[o + 5], jitterUs: v[o + 6], keyframeRequests: v[o + 7],
        audioDelayUs: v[o + 8], videoDelayUs: v[o + 9], audioLatencyUs: v[o + 10], audioReceived: v[o + 11] });
    }
    const rejected = {};
    for (let r = 0; r < 10; r++) rejected[M.UTF8ToString(M._bbw_media_reject_name(r))] = M._bbw_media_rejected(this.ptr, r);
    return { targetKbps: v[0], width: v[1], height: v[2], fps: v[3], rttUs: v[4], lossPct: v[5],
      msgsSent: v[6], bytesSent: v[7], retransmits: v[8], peers, rejected };
  }
}

/**
 * One participant's side of one call (include/beeldbel/call.h): the key
 * agreement and the media engine on one wire, in C. The host moves bytes and
 * time; `media` takes camera frames and PCM and gives pictures and sound,
 * `e2ee` tells the roster and the code.
 */
export class CallCore {
  /**
   * @param {Engine} engine
   * @param {{room:string, feedId:number, role:string, invite?:Uint8Array, trust?:PoliceTrust,
   *   expectedOfficer?:string, cert?:Uint8Array, key?:Uint8Array, width?:number, height?:number,
   *   fps?:number, startKbps?:number, maxKbps?:number, profile?:string, seed?:number}} cfg
   */
  constructor(engine, { room, feedId, role, invite, trust, expectedOfficer = '', cert, key, width = 640,
    height = 360, fps = 30, startKbps = 800, maxKbps = 1500, profile = 'default', seed = feedId }) {
    const p = MediaProfile[profile];
    if (p === undefined) throw new EngineError(-1, 'invalid argument', 'ongeldig argument', 'media profile');
    this.e = engine;
    const M = engine.M;
    const none = new Uint8Array(0);
    this.ptr = engine._with((s) => {
      const out = s.alloc(I32);
      const inv = invite ?? none, c = cert ?? none, k = key ?? none;
      engine._check(M._bbw_call_new(out, s.str(String(room)), feedId, Role[role] ?? 0, s.bytes(inv), inv.length,
        trust ? trust.ptr : 0, s.str(expectedOfficer), s.bytes(c), c.length, s.bytes(k), k.length,
        seed, width, height, fps, startKbps, maxKbps, p), 'call config');
      return engine._u32(out);
    });
    this.maxWire = M._bbw_call_max_wire();
    this.wire = M._malloc(this.maxWire);
    this.len = M._malloc(3 * I32);   // length, then the plaintext's pointer and length
    this.ev = M._malloc(M._bbw_call_event_size());
    this.media = new MediaEngine(engine, { ssrc: feedId, width, height, fps, profile }, M._bbw_call_media(this.ptr));
    this.e2ee = E2eeSession.of(engine, M._bbw_call_e2ee(this.ptr));
  }

  free() {
    if (!this.ptr) return;
    const M = this.e.M;
    this.media.free();
    this.e2ee.free();
    M._bbw_call_free(this.ptr);
    for (const p of [this.wire, this.len, this.ev]) M._free(p);
    this.ptr = 0;
  }

  _live() { if (!this.ptr) throw new EngineError(-11, 'not allowed in this state', 'niet toegestaan in deze toestand', 'freed call'); }

  /** The SFU announced a participant's feed. */
  peerJoined(feed, nowUs) { this._live(); return this.e.M._bbw_call_peer_joined(this.ptr, feed, nowUs); }
  /** The SFU says a feed left: it is forgotten and everyone rekeys. */
  peerLeft(feed, nowUs, wallUs) { this._live(); return this.e.M._bbw_call_peer_left(this.ptr, feed, nowUs, wallUs); }
  /** The call moved to another SFU: our key is renewed, the code stays (bb_call_renew_keys). */
  renewKeys(nowUs) { this._live(); this.e._check(this.e.M._bbw_call_renew_keys(this.ptr, nowUs), 'renew keys'); }

  /** A data-channel message that arrived on `feed`. Returns 0, or the negative code of a refusal (counted). */
  receive(feed, bytes, nowUs, wallUs) {
    this._live();
    // Anything longer than the wire allows is refused (and counted) from its
    // first byte past the limit, without copying the rest.
    const M = this.e.M, n = Math.min(bytes.length, this.maxWire + 1);
    if (n > this.maxWire) {
      return this.e._with((s) => M._bbw_call_receive(this.ptr, feed, s.bytes(bytes.subarray(0, n)), n, nowUs, wallUs));
    }
    M.HEAPU8.set(bytes, this.wire);
    return M._bbw_call_receive(this.ptr, feed, this.wire, n, nowUs, wallUs);
  }

  /** A line of real-time text ('rtt') or a caption to everyone; a long line keeps its end. */
  sendText(kind, final, text, nowUs) {
    this._live();
    const k = kind === 'caption' ? this.e.M._bbw_call_text_caption() : 0;
    this.e._with((s) => this.e._check(this.e.M._bbw_call_send_text(this.ptr, k, final ? 1 : 0, s.str(String(text)), nowUs), 'call text'));
  }

  /**
   * A document (kind 1..15, the host's to name; bytes) to everyone, reliably, beside the text.
   * Throws EngineError -10 while earlier documents still fill the queue.
   */
  sendDoc(kind, bytes, nowUs) {
    this._live();
    this.e._with((s) => this.e._check(this.e.M._bbw_call_send_doc(this.ptr, kind, s.bytes(bytes), bytes.length, nowUs), 'call document'));
  }

  /**
   * A file to everyone whose key we hold: type 1 PDF, 2 JPEG, 3 PNG (checked against the bytes), its
   * name as the others will see it. Returns its id; throws EngineError (-10 while another is going,
   * -11 with nobody to send to, -7 when the bytes are not of the type).
   */
  sendFile(type, name, bytes, nowUs) {
    this._live();
    const M = this.e.M, n = new TextEncoder().encode(String(name));
    return this.e._with((s) => this.e._check(M._bbw_call_send_file(this.ptr, type, s.bytes(n), n.length,
      s.bytes(bytes), bytes.length, nowUs), 'call file'));
  }

  /** Cancels a file: ours (owner is our feed) for everyone, or someone's for us. */
  cancelFile(owner, id, nowUs) {
    this._live();
    this.e._check(this.e.M._bbw_call_cancel_file(this.ptr, owner, id, nowUs), 'call file cancel');
  }

  /**
   * Everything to send now: [{ data: Uint8Array, cls: 'media'|'feedback'|'control'|'handshake',
   * plain?: Uint8Array }] (plain, the message before SFrame, only when keepPlain).
   */
  pollSend(keepPlain = false) {
    this._live();
    const M = this.e.M, out = [];
    for (;;) {
      const rc = M._bbw_call_poll_send(this.ptr, this.wire, this.maxWire, this.len, this.len + I32);
      if (rc === -10) return out;
      this.e._check(rc, 'call send');
      const msg = { data: M.HEAPU8.slice(this.wire, this.wire + this.e._u32(this.len)), cls: CALL_CLASSES[rc] };
      if (keepPlain && rc !== 4) {
        const p = this.e._u32(this.len + I32), n = this.e._u32(this.len + I32 + I32);
        msg.plain = M.HEAPU8.slice(p, p + n);
      }
      out.push(msg);
    }
  }

  tick(nowUs) { this._live(); this.e._check(this.e.M._bbw_call_tick(this.ptr, nowUs), 'call tick'); }
  nextDeadline() { this._live(); return this.e.M._bbw_call_next_deadline(this.ptr); }
  /** Every announced feed sent us its key and the code is complete. */
  settled() { this._live(); return this.e.M._bbw_call_settled(this.ptr) === 1; }

  /**
   * What happened since the last poll: [{ type: 'roster' } | { type: 'text', from, kind, final, text }
   * | { type: 'doc', from, kind, data } | { type: 'file-offer'|'file-progress'|'file'|'file-ended', from, id,
   * fileType, size, done, name, sha256, data? (file), end?, by? (file-ended) }].
   */
  pollEvents() {
    this._live();
    const M = this.e.M, out = [];
    for (let t; (t = M._bbw_call_poll_event(this.ptr, this.ev)) > 0;) {
      if (t === 1) { out.push({ type: 'roster' }); continue; }
      if (t === 3) { // the bytes live until the next poll: copied now
        const p = M._bbw_call_event_doc(this.ev);
        out.push({ type: 'doc', from: M._bbw_call_event_from(this.ev), kind: M._bbw_call_event_doc_kind(this.ev),
          data: M.HEAPU8.slice(p, p + M._bbw_call_event_doc_len(this.ev)) });
        continue;
      }
      if (t >= 4 && t <= 7) { out.push(this._fileEvent(t)); continue; }
      out.push({ type: 'text', from: M._bbw_call_event_from(this.ev),
        kind: M._bbw_call_event_kind(this.ev) === M._bbw_call_text_caption() ? 'caption' : 'rtt',
        final: M._bbw_call_event_final(this.ev) === 1, text: M.UTF8ToString(M._bbw_call_event_text(this.ev)) });
    }
    return out;
  }

  // A file event: FILE_OFFER, FILE_PROGRESS, FILE (whole, checked: its bytes) or FILE_ENDED.
  _fileEvent(t) {
    const M = this.e.M, ev = this.ev, sha = M._bbw_call_event_file_sha256(ev);
    const out = { type: FILE_EVENTS[t - 4], from: M._bbw_call_event_from(ev), id: M._bbw_call_event_file_id(ev),
      fileType: M._bbw_call_event_file_type(ev), size: M._bbw_call_event_file_size(ev), done: M._bbw_call_event_file_done(ev),
      name: M.UTF8ToString(M._bbw_call_event_text(ev)),
      sha256: Array.from(M.HEAPU8.subarray(sha, sha + 32), (b) => b.toString(16).padStart(2, '0')).join('') };
    if (t === 6) {
      const p = M._bbw_call_event_doc(ev);
      out.data = M.HEAPU8.slice(p, p + M._bbw_call_event_doc_len(ev));
    }
    if (t === 7) { out.end = FILE_ENDS[M._bbw_call_event_file_end(ev)] ?? 'unknown'; out.by = M._bbw_call_event_file_by(ev); }
    return out;
  }

  /** The call's own counters: { spoofed, undecryptable, unknownTag, oversize, handshakeRefused, ... }. */
  counts() {
    this._live();
    const M = this.e.M, out = {};
    for (let i = 0; ; i++) {
      const v = M._bbw_call_stat(this.ptr, i);
      if (v < 0) return out;
      out[M.UTF8ToString(M._bbw_call_stat_name(i))] = v;
    }
  }
}
const CALL_CLASSES = ['', 'media', 'feedback', 'control', 'handshake'];
const FILE_EVENTS = ['file-offer', 'file-progress', 'file', 'file-ended'];
/** Why a file ended (bb_call_file_end). */
const FILE_ENDS = ['', 'delivered', 'cancelled', 'declined', 'no-room', 'damaged', 'wrong-type', 'left'];
