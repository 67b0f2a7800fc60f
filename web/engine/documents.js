// Statements, consent and signatures through the engine (src/binding/wasm_doc.c):
// the officer's console freezes and signs a statement, the citizen's widget
// reads it, makes the same PDF and consents. Everything that decides is in C;
// this file only moves bytes in and out of the engine's memory.
import { EngineError } from './engine.js';

const I32 = 4;
const DIGEST = 32, KEY = 97, PUB = 65;

/** What a document sent in the call is (CallCore.sendDoc kinds). */
export const DocKind = Object.freeze({ statement: 1, consentKey: 2, consent: 3, signature: 4, refusal: 5, recording: 6 });

function bytesOut(M, p, n) { return M.HEAPU8.slice(p, p + n); }

/** A certificate as DER: PEM text or bytes are decoded (the first certificate), DER passes. */
function certDer(cert) {
  const text = typeof cert === 'string' ? cert : cert[0] === 0x2d ? new TextDecoder().decode(cert) : null;
  if (text === null) return cert;
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(text);
  if (!m) throw new EngineError(-7, 'not a certificate', 'geen certificaat', 'signature');
  return Uint8Array.from(atob(m[1].replace(/\s/g, '')), (ch) => ch.charCodeAt(0));
}

export class Documents {
  /** @param {import('./engine.js').Engine} engine */
  constructor(engine) { this.e = engine; this.M = engine.M; }

  _call(fn, where) { return this.e._with((s) => fn(s, this.M, where)); }

  /** A statement's JSON (a string) as the engine reads it: { ok } or { ok: false, reason, field }. */
  statementCheck(json) {
    return this._call((s, M) => {
      const b = new TextEncoder().encode(json), res = s.alloc(2 * I32);
      const rc = M._bbw_statement_check(s.bytes(b), b.length, res);
      if (rc === 0) return { ok: true };
      return { ok: false, code: rc, reason: M.UTF8ToString(M._bbw_statement_reject_name(this.e._u32(res))),
        field: M.UTF8ToString(this.e._u32(res + I32)) || null };
    });
  }

  /** The statement's PDF; with signable (a frozen statement) also its signature slot. */
  statementPdf(json, { signable = false } = {}) {
    return this._call((s, M) => {
      const b = new TextEncoder().encode(json), res = s.alloc(4 * I32);
      this.e._check(M._bbw_statement_pdf(s.bytes(b), b.length, signable ? 1 : 0, res), 'statement pdf');
      const p = this.e._u32(res), n = this.e._u32(res + I32);
      const pdf = bytesOut(M, p, n);
      M._free(p);
      const at = this.e._u32(res + 2 * I32), len = this.e._u32(res + 3 * I32);
      return { pdf, slot: len ? { at, len } : null };
    });
  }

  /** null when a PDF can show text, else the index (in UTF-16 units) of the first character it cannot. */
  textProblemAt(text) {
    return this._call((s, M) => {
      const b = new TextEncoder().encode(text), bad = s.alloc(I32);
      if (M._bbw_pdf_text_check(s.bytes(b), b.length, bad) === 0) return null;
      return new TextDecoder().decode(b.subarray(0, this.e._u32(bad))).length;
    });
  }

  /** The signature slot of a PDF (untrusted bytes). */
  findSignature(pdf) {
    return this._call((s, M) => {
      const slot = s.alloc(2 * I32);
      this.e._check(M._bbw_pdf_find_signature(s.bytes(pdf), pdf.length, slot), 'pdf signature');
      return { at: this.e._u32(slot), len: this.e._u32(slot + I32) };
    });
  }

  /** SHA-256 of the bytes the signature covers. */
  signedDigest(pdf, slot) {
    return this._call((s, M) => {
      const out = s.alloc(DIGEST);
      this.e._check(M._bbw_pdf_signed_digest(s.bytes(pdf), pdf.length, slot.at, slot.len, out), 'pdf digest');
      return bytesOut(M, out, DIGEST);
    });
  }

  /** A copy of pdf with the signature (CMS DER) in its slot. */
  withSignature(pdf, slot, der) {
    return this._call((s, M) => {
      const p = s.bytes(pdf);
      this.e._check(M._bbw_pdf_put_signature(p, pdf.length, slot.at, slot.len, s.bytes(der), der.length), 'pdf signature');
      return bytesOut(M, p, pdf.length);
    });
  }

  /**
   * The officer's PAdES signature: { cms, imprint } (imprint: what the timestamp must cover).
   * key: PEM (text or bytes) or DER; cert: PEM or DER.
   */
  padesSign({ digest, key, cert: certIn, consent = null, timestampToken = null }) {
    const cert = certDer(certIn);
    return this._call((s, M) => {
      const k = typeof key === 'string' ? new TextEncoder().encode(`${key}\0`) : key;
      const cap = M._bbw_cms_max(), out = s.alloc(cap), len = s.alloc(I32), imprint = s.alloc(DIGEST);
      const none = new Uint8Array(0), c = consent ?? none, t = timestampToken ?? none;
      this.e._check(M._bbw_pades_sign(s.bytes(digest), s.bytes(k), k.length, s.bytes(cert), cert.length,
        s.bytes(c), c.length, s.bytes(t), t.length, out, cap, len, imprint), 'signature');
      return { cms: bytesOut(M, out, this.e._u32(len)), imprint: bytesOut(M, imprint, DIGEST) };
    });
  }

  /**
   * Checks a PAdES signature over digest: { signer: { name, team, number }, timestamp, consent }.
   * Throws EngineError when it does not verify.
   */
  padesVerify(cms, digest, trust, { expectedOfficer = '', nowS = Date.now() / 1000, requireTimestamp = true } = {}) {
    return this._call((s, M) => {
      const res = s.alloc(M._bbw_officer_result_size()), found = s.alloc(3 * 8);
      const p = s.bytes(cms);
      this.e._check(M._bbw_pades_verify(p, cms.length, s.bytes(digest), trust.ptr, s.str(expectedOfficer), nowS,
        requireTimestamp ? 1 : 0, res, found), 'signature');
      const f = new Float64Array(M.HEAPU8.buffer, found, 3);
      return {
        signer: { name: M.UTF8ToString(M._bbw_officer_name(res)), team: M.UTF8ToString(M._bbw_officer_team(res)),
          number: M.UTF8ToString(M._bbw_officer_number(res)) },
        timestamp: f[0],
        consent: f[1] >= 0 ? cms.slice(f[1], f[1] + f[2]) : null,
      };
    });
  }

  /** A time-stamp request (RFC 3161, DER) for imprint with a fresh nonce: { request, nonce }. */
  timestampRequest(imprint) {
    const nonce = crypto.getRandomValues(new Uint8Array(16));
    return this._call((s, M) => {
      const out = s.alloc(512), len = s.alloc(I32);
      this.e._check(M._bbw_tsp_request(s.bytes(imprint), s.bytes(nonce), out, 512, len), 'timestamp request');
      return { request: bytesOut(M, out, this.e._u32(len)), nonce };
    });
  }

  /** Checks the time-stamping service's answer: { token, time } (Unix seconds). */
  timestampCheck(response, imprint, nonce, trust) {
    return this._call((s, M) => {
      const found = s.alloc(3 * 8);
      this.e._check(M._bbw_tsp_check(s.bytes(response), response.length, s.bytes(imprint), s.bytes(nonce), trust.ptr,
        found), 'timestamp');
      const f = new Float64Array(M.HEAPU8.buffer, found, 3);
      return { token: response.slice(f[0], f[0] + f[1]), time: f[2] };
    });
  }

  /** A consent key for this call: 97 bytes (private, then the 65-byte public key). */
  consentKeyNew() {
    return this._call((s, M) => {
      const out = s.alloc(KEY);
      this.e._check(M._bbw_consent_key_new(out), 'consent key');
      const key = bytesOut(M, out, KEY);
      M.HEAPU8.fill(0, out, out + KEY);
      return key;
    });
  }

  /** The public half of a consent key. */
  static consentPublic(key) { return key.slice(KEY - PUB); }

  /** The citizen's consent ('sign' or 'refuse') over document, in room, with roster. */
  consentMake(key, decision, { document, roster, room, nowS = Date.now() / 1000 }) {
    return this._call((s, M) => {
      const cap = M._bbw_consent_max(), out = s.alloc(cap), len = s.alloc(I32), k = s.bytes(key);
      const rc = M._bbw_consent_make(k, decision === 'refuse' ? 1 : 0, s.bytes(document), s.bytes(roster),
        s.str(room), Math.floor(nowS), out, cap, len);
      M.HEAPU8.fill(0, k, k + KEY);
      this.e._check(rc, 'consent');
      return bytesOut(M, out, this.e._u32(len));
    });
  }

  /** The officer's check of a consent: 'sign' or 'refuse'; throws when it does not count. */
  consentCheck(evidence, { boundKey, document, roster, room, nowS = Date.now() / 1000 }) {
    return this._call((s, M) => {
      const rc = this.e._check(M._bbw_consent_check(s.bytes(evidence), evidence.length, s.bytes(boundKey),
        s.bytes(document), s.bytes(roster), s.str(room), Math.floor(nowS)), 'consent');
      return rc === 1 ? 'refuse' : 'sign';
    });
  }

  /** Who is in call (a CallCore) as a hash both sides compute; null until the roster is settled. */
  rosterDigest(call) {
    return this._call((s, M) => {
      const out = s.alloc(DIGEST);
      const rc = M._bbw_e2ee_roster_digest(call.e2ee.ptr, out);
      if (rc === -10) return null;
      this.e._check(rc, 'roster');
      return bytesOut(M, out, DIGEST);
    });
  }

  /** The citizen binds its consent key to the key agreement: the MAC to send with it. */
  consentKeyMac(call, pub) {
    return this._call((s, M) => {
      const mac = s.alloc(DIGEST);
      this.e._check(M._bbw_e2ee_consent_key_mac(call.e2ee.ptr, s.bytes(pub), pub.length, mac), 'consent key');
      return bytesOut(M, mac, DIGEST);
    });
  }

  /** The officer checks that feed `from` is the call's citizen and bound pub with mac. */
  consentKeyCheck(call, from, pub, mac) {
    this._call((s, M) => this.e._check(M._bbw_e2ee_consent_key_check(call.e2ee.ptr, from, s.bytes(pub), pub.length,
      s.bytes(mac)), 'consent key'));
  }
}

