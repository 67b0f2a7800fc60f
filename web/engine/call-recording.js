// Recording a call, in the engine Worker. The officer's engine records what
// it sends and plays, as coded, into one WebM with a sealed manifest
// (include/beeldbel/callrec.h); everyone is told, inside the call's
// end-to-end encryption, before the first frame is written and after the
// last (DocKind.recording, one byte: 1 on, 0 off; only an officer's counts).
//
//   officer: start({title, names}) -> the notice goes out; once every peer
//            has acknowledged it (or after ANNOUNCE_MAX_MS), recording
//            starts. Every 30 s, and at the end, the chain is signed with
//            the officer's key; the timestamp request goes to the page
//            (stamp) and its answer comes back (timestamp()). The file's
//            bytes go to the page as they are cut (bytes), a whole segment
//            at a time, to be kept at once; the manifest (a Blob) after every
//            seal (manifest) and at the end (done; complete when the last
//            seal covers it all, not when the call or the last timestamp
//            failed). The manifest is not kept in the engine: its parts come
//            out after every seal and are kept here as Blobs (outside the
//            heap), and go back whole to be attached at the end, so an hour's
//            recording needs no more memory than a minute's.
//            Someone who joins while it records is recorded only once
//            they too have acknowledged the notice (or after ANNOUNCE_MAX_MS).
//   everyone: notice {on, by} when an officer says the call is, or is no
//            longer, recorded.
import { Documents, DocKind } from './documents.js';
import { failure } from './call-documents.js';
import { Msg } from './messages.js';

const ANNOUNCE_MAX_MS = 10000;   // a peer that never acknowledges (gone) holds nothing up longer
const DIGEST = 32;

/** The C recording (callrec.h), thin. */
class Recording {
  constructor(engine, mediaPtr, { title, officer, startedMs }) {
    this.e = engine;
    this.M = engine.M;
    this.ptr = engine._with((s) => {
      const out = s.alloc(4);
      engine._check(this.M._bbw_callrec_new(mediaPtr, s.str(title), s.str(officer), startedMs, out), 'recording');
      return engine._u32(out);
    });
  }

  free() { if (this.ptr) { this.M._bbw_callrec_free(this.ptr); this.ptr = 0; } }
  _bytes(fn, text, where) {
    const b = new TextEncoder().encode(text);
    return this.e._with((s) => this.e._check(fn(s.bytes(b), b.length), where));
  }
  party(feed, name, nowUs) { this._bytes((p, n) => this.M._bbw_callrec_party(this.ptr, feed, p, n, nowUs), name, 'recording party'); }
  admit(feed) { this.e._check(this.M._bbw_callrec_admit(this.ptr, feed), 'recording admit'); }
  start(nowUs) { this.e._check(this.M._bbw_callrec_start(this.ptr, nowUs), 'recording start'); }
  text(feed, text, nowUs) { this._bytes((p, n) => this.M._bbw_callrec_text(this.ptr, feed, p, n, nowUs), text, 'recording text'); }
  sealDue(nowUs) { return this.M._bbw_callrec_seal_due(this.ptr, nowUs) === 1; }
  digest(nowUs) {
    return this.e._with((s) => {
      const out = s.alloc(DIGEST);
      this.e._check(this.M._bbw_callrec_digest(this.ptr, nowUs, out), 'recording digest');
      return this.M.HEAPU8.slice(out, out + DIGEST);
    });
  }
  seal(cms) { this.e._with((s) => this.e._check(this.M._bbw_callrec_seal(this.ptr, s.bytes(cms), cms.length), 'recording seal')); }
  sealFailed() { this.M._bbw_callrec_seal_failed(this.ptr); }
  stop(nowUs) { this.e._check(this.M._bbw_callrec_stop(this.ptr, nowUs), 'recording stop'); }
  /** The end: the whole manifest as taken (bytes) is attached. */
  close(manifest) {
    this.e._with((s) => this.e._check(this.M._bbw_callrec_close(this.ptr, s.bytes(manifest), manifest.length), 'recording close'));
  }
  /** The bytes cut since the last take (a copy), or null. */
  take() {
    return this.e._with((s) => {
      const len = s.alloc(4), p = this.M._bbw_callrec_pending(this.ptr, len), n = this.e._u32(len);
      if (!n) return null;
      const out = this.M.HEAPU8.slice(p, p + n);
      this.M._bbw_callrec_drain(this.ptr);
      return out;
    });
  }
  /** The manifest added since the last take: [segments, seals] (text). */
  takeManifest() {
    return this.e._with((s) => {
      const out = s.alloc(32);
      const rc = this.M._bbw_callrec_take_manifest(this.ptr, out);
      const f = new Float64Array(this.M.HEAPU8.buffer, out, 4);
      const parts = [[f[0], f[1]], [f[2], f[3]]].map(([p, n]) => {
        const text = p ? this.M.UTF8ToString(p, n) : '';
        if (p) this.M._free(p);
        return text;
      });
      this.e._check(rc, 'recording manifest');
      return parts;
    });
  }
  /** What ends the whole manifest, after its parts. */
  manifestEnd() { return this.M.UTF8ToString(this.M._bbw_callrec_manifest_end()); }
  counts() {
    return this.e._with((s) => {
      const out = s.alloc(16);
      this.M._bbw_callrec_counts(this.ptr, out);
      const f = new Float64Array(this.M.HEAPU8.buffer, out, 2);
      return { frames: f[0], dropped: f[1] };
    });
  }
}

export class CallRecording {
  /**
   * @param {import('./engine.js').Engine} engine
   * @param {import('./engine.js').CallCore} core
   * @param {{ role: string, feedId: number, cert?: Uint8Array, key?: Uint8Array,
   *   trust: import('./engine.js').PoliceTrust }} cfg
   * @param {(msg: object, transfer?: Transferable[]) => void} post
   * @param {() => number} nowUs
   */
  constructor(engine, core, cfg, post, nowUs) {
    this.e = engine;
    this.docs = new Documents(engine);
    this.core = core;
    this.cfg = cfg;
    this.post = (m, t) => post({ type: Msg.rec, ...m }, t);
    this.nowUs = nowUs;
    this.rec = null;
    this.state = 'off';        // off | announcing | recording | ending
    this.names = {};
    this.pending = null;       // a seal waiting for its timestamp
    this.manifestParts = [[], []]; // the manifest as taken: its segments' and its seals' parts (Blobs)
    this.seals = 0;
    this.bytes = 0;
    this.noticed = new Map();  // everyone: officer feed -> on, as last told
    this.newcomers = new Map(); // officer, recording: feed -> when told (the recording admits whom it has not yet)
  }

  /** Officer: begin (title: the recording's, names: { self, citizen } as the page knows them). */
  start({ title, names }) {
    if (this.cfg.role !== 'officer' || this.state !== 'off') return;
    try {
      const me = this.cfg.trust?.verifyOfficer(this.cfg.cert);
      if (!me?.number) throw Object.assign(new Error('no officer certificate'), { nl: 'geen politiecertificaat' });
      this.names = names ?? {};
      this.rec = new Recording(this.e, this.core.media.ptr, { title: String(title), officer: me.number, startedMs: Date.now() });
      this.rec.party(this.cfg.feedId, String(this.names.self || me.name), this.nowUs());
      this._nameParties();
      this.state = 'announcing';
      this.announcedAt = this.nowUs();
      this._notice(true);
      this._state();
    } catch (e) {
      this._drop();
      this.post(failure('recording', e));
    }
  }

  /** Officer: the end (the last seal, then the manifest). */
  stop() {
    if (!this.rec || this.state === 'ending') return;
    if (this.state === 'announcing') { this._drop(); this._notice(false); this._state(); return; }
    try {
      this.rec.stop(this.nowUs());
      this.state = 'ending';
      this._state();
      this.pump();
    } catch (e) { this.post(failure('recording', e)); }
  }

  /** The call ends now: what was recorded is handed out with the seals made so far (no time for another). */
  abandon() {
    const r = this.rec;
    if (!r) return;
    if (this.state === 'announcing') { this._drop(); return; }
    try {
      if (this.state === 'recording') r.stop(this.nowUs());
      r.sealFailed();   // a seal on its way, if any, will not come
    } catch (e) { this.post(failure('recording', e)); }
    this.pending = null;
    this._finish(false);
  }

  /** Officer: the time-stamping service's answer (DER), or null when it could not be reached. */
  timestamp(response) {
    const p = this.pending;
    if (!p || !this.rec) return;
    this.pending = null;
    try {
      if (!response) throw Object.assign(new Error('the time-stamping service did not answer'), { nl: 'de tijdstempeldienst antwoordde niet' });
      const ts = this.docs.timestampCheck(response, p.imprint, p.nonce, this.cfg.trust);
      const { cms } = this.docs.padesSign({ digest: p.digest, key: this.cfg.key, cert: this.cfg.cert, timestampToken: ts.token });
      this.rec.seal(cms);
      this.seals++;
      this._state();
      // The manifest as it stands, kept with what was sent: a crash loses at most what came after.
      const manifest = this._takeManifest();
      if (this.state !== 'ending') this.post({ what: 'manifest', manifest });
    } catch (e) {
      this.rec.sealFailed();   // the next seal covers these segments too
      this.post(failure('recording', e));
      if (this.state === 'ending') { this._finish(false); return; }   // at the end, none will: kept as sealed so far
    }
    this.pump();
  }

  /** Someone joined or left: a newcomer is told too, and named in the recording; a recording officer who left is no more. */
  roster() {
    // An officer who said the call is recorded and left: their recording ended with them.
    const here = new Set(this.core.e2ee.peers().map((p) => p.id));
    for (const [feed, on] of this.noticed) {
      if (here.has(feed)) continue;
      this.noticed.delete(feed);
      if (on) this.post({ what: 'notice', on: false, by: '' });
    }
    if (this.state === 'off') return;
    this._notice(true);
    this._nameParties();
    if (this.state !== 'recording') return;   // before the start, everyone named then is recorded
    for (const p of this.core.e2ee.peers()) if (p.hasKey && !this.newcomers.has(p.id)) this.newcomers.set(p.id, this.nowUs());
  }

  /** A finished line of text by feed (ours or a peer's). */
  text(feed, text) {
    if (this.state !== 'recording' || !text) return;
    try { this.rec.text(feed, String(text), this.nowUs()); } catch { /* a line the recording refuses is not the call's problem */ }
  }

  /** A recording notice from a peer: true when it was one (handled here). */
  receive(ev) {
    if (ev.kind !== DocKind.recording) return false;
    const from = this.core.e2ee.peers().find((p) => p.id === ev.from);
    if (from?.role !== 'officer' || ev.data.length !== 1) return true;   // only the officer records
    const on = ev.data[0] === 1;
    if (this.noticed.get(ev.from) === on) return true;
    this.noticed.set(ev.from, on);
    this.post({ what: 'notice', on, by: from.officer?.name ?? '' });
    return true;
  }

  /** After every turn of the Worker's pump: start when announced, seal when due, hand out bytes. */
  pump() {
    const r = this.rec;
    if (!r) return;
    const now = this.nowUs();
    try {
      if (this.state === 'announcing') {
        const waiting = this.e.M._bbw_call_unacked(this.core.ptr);
        if (waiting !== 0 && now - this.announcedAt < ANNOUNCE_MAX_MS * 1000) return;
        r.start(now);
        this.state = 'recording';
        this.startedAt = Date.now();
        this._state();
      }
      // A newcomer is recorded once they have the notice (nothing we sent is unacknowledged).
      if (this.state === 'recording' && this.newcomers.size) {
        const waiting = this.e.M._bbw_call_unacked(this.core.ptr);
        for (const [feed, since] of this.newcomers) {
          if (waiting !== 0 && now - since < ANNOUNCE_MAX_MS * 1000) continue;
          this.newcomers.delete(feed);
          try { r.admit(feed); } catch { /* a sixth participant has no tracks */ }
        }
      }
      if (!this.pending && r.sealDue(now)) this._sign(r.digest(now));
      this._takeBytes();
      // Ending with no seal on its way and none due: the last one covers it all.
      if (this.state === 'ending' && !this.pending && !r.sealDue(now)) this._finish(true);
    } catch (e) {
      this.post(failure('recording', e));
      if (this.state === 'ending') this._finish(false);
    }
  }

  _sign(digest) {
    const first = this.docs.padesSign({ digest, key: this.cfg.key, cert: this.cfg.cert });
    const { request, nonce } = this.docs.timestampRequest(first.imprint);
    this.pending = { digest, imprint: first.imprint, nonce };
    this.post({ what: 'stamp', request }, [request.buffer]);
  }

  /** The manifest's newest parts moved out of the engine; the whole as it stands now (a Blob). */
  _takeManifest() {
    this.rec.takeManifest().forEach((text, i) => { if (text) this.manifestParts[i].push(new Blob([text])); });
    this.manifestEnd ??= this.rec.manifestEnd();
    return new Blob([...this.manifestParts[0], ...this.manifestParts[1], this.manifestEnd], { type: 'application/json' });
  }

  _takeBytes() {
    const b = this.rec.take();
    if (!b) return;
    this.bytes += b.length;
    this.post({ what: 'bytes', data: b }, [b.buffer]);
  }

  /** complete: the last seal covers the whole recording (else what came after the last seal is not proven). */
  _finish(complete) {
    const r = this.rec;
    try {
      const manifest = this._takeManifest();
      r.close(new Uint8Array(new FileReaderSync().readAsArrayBuffer(manifest)));
      this._takeBytes();
      this.post({ what: 'done', manifest, complete: !!complete, seals: this.seals, bytes: this.bytes, ...r.counts() });
    } catch (e) { this.post(failure('recording', e)); }
    this._drop();
    this._notice(false);
    this._state();
  }

  _drop() {
    if (this.rec) this.rec.free();
    this.rec = null;
    this.pending = null;
    this.manifestParts = [[], []];
    this.state = 'off';
    this.seals = 0;
    this.bytes = 0;
    this.newcomers.clear();
  }

  /** Every participant who has the call's key (and so the notice), by name (the recording
   *  takes a name it already has as it is): named before the start, they are recorded from it. */
  _nameParties() {
    if (!this.rec) return;
    for (const p of this.core.e2ee.peers()) {
      if (!p.hasKey) continue;   // not in the call's encryption yet: a newcomer once they are
      const name = p.role === 'citizen' ? this.names.citizen || 'Burger'
        : p.role === 'interpreter' ? 'Tolk'
        : p.officer?.name ? `${p.officer.name} (${p.role === 'colleague' ? 'collega' : 'politie'})` : `Deelnemer ${p.id}`;
      try { this.rec.party(p.id, name, this.nowUs()); } catch { /* a sixth participant has no tracks */ }
    }
  }

  _notice(on) {
    try { this.core.sendDoc(DocKind.recording, new Uint8Array([on ? 1 : 0]), this.nowUs()); } catch (e) { this.post(failure('recording', e)); }
  }

  _state() {
    this.post({ what: 'state', state: this.state, seals: this.seals, bytes: this.bytes, startedAt: this.startedAt ?? null });
  }
}
