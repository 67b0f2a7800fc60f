// beeldbel engine glue: the only JavaScript that knows the WASM engine's
// memory layout. It turns JS values into pointers and back, frees what it
// allocates, and turns negative C error codes into EngineError (English and
// Dutch text from the engine's own bb_strerror tables).

const I32 = 4;

export class EngineError extends Error {
  constructor(code, en, nl, where) {
    super(`${where}: ${en} (${code})`);
    this.name = 'EngineError';
    this.code = code;
    this.en = en;
    this.nl = nl;
  }
}

/**
 * Loads the engine. In a browser the .wasm next to the module is fetched; in
 * node pass `wasmBinary` (a Uint8Array) so nothing is fetched.
 */
export async function loadEngine({ moduleUrl, wasmBinary } = {}) {
  const url = moduleUrl ?? new URL('./beeldbel-engine.mjs', import.meta.url).href;
  const { default: create } = await import(url);
  const M = await create(wasmBinary ? { wasmBinary } : {});
  return new Engine(M);
}

export const ControlType = Object.freeze({ hello: 1, bye: 2, text: 3, keyframe_request: 4 });
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

// ---- Janus signalling (issue 5) --------------------------------------------
// The C state machine decides every Janus message; this wrapper only moves
// strings in and out. Times are microseconds (performance.now() * 1000).

const JANUS_EVENTS = ['', 'joined', 'publish-offer-needed', 'publish-answer', 'subscribe-offer',
  'participant-joined', 'participant-left', 'connection-problem', 'session-lost', 'error', 'left',
  'subscription-changed'];

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
      type: JANUS_EVENTS[M._bbw_janus_event_type(ev)] ?? 'unknown',
      feedId: M._bbw_janus_event_feed(ev),
      display: M.UTF8ToString(M._bbw_janus_event_display(ev)),
      code: M._bbw_janus_event_code(ev),
      reason: M.UTF8ToString(M._bbw_janus_event_reason(ev)),
      sdp: M.UTF8ToString(M._bbw_janus_event_sdp(ev)) || null,
      feeds,
    };
  }
}
