// The documents of a call, in the engine Worker: the statement the officer
// drafts and freezes, the citizen's consent and the officer's signature.
// They travel inside the call's end-to-end encryption (CallCore.sendDoc); the
// engine checks and signs (documents.js). The page sees only results.
//
//   officer: statement(json) -> everyone gets it; a consent arrives -> checked
//            against the frozen version, then signed; the timestamp request
//            goes to the page (its session reaches the time-stamping
//            service) and its answer comes back (timestamp()); the signed PDF
//            goes to the page, its signature to everyone.
//   citizen: a consent key bound to the call is sent once the roster is
//            settled; statements come in; consent(decision) for the frozen
//            one; the officer's signature comes in and is checked and put in
//            the citizen's own copy of the PDF.
import { Documents, DocKind } from './documents.js';
import { Msg } from './messages.js';

const KEY_PUB = 65, MAC = 32;

/** An error for the page: what failed (stage), its code and its text in English and Dutch. */
export const failure = (stage, err) => ({ what: 'error', stage, code: err?.code ?? 0,
  en: String(err?.en ?? err?.message ?? err).slice(0, 200), nl: String(err?.nl ?? err?.message ?? err).slice(0, 200) });

export class CallDocuments {
  /**
   * @param {import('./engine.js').Engine} engine
   * @param {import('./engine.js').CallCore} core
   * @param {{ role: string, room: string, cert?: Uint8Array, key?: Uint8Array, expectedOfficer?: string,
   *   trust: import('./engine.js').PoliceTrust }} cfg
   * @param {(msg: object, transfer?: Transferable[]) => void} post
   * @param {() => number} nowUs
   */
  constructor(engine, core, cfg, post, nowUs) {
    this.docs = new Documents(engine);
    this.core = core;
    this.cfg = cfg;
    this.post = (m, t) => post({ type: Msg.doc, ...m }, t);
    this.nowUs = nowUs;
    this.current = null;          // the latest statement (JSON text) and what it says
    this.bound = new Map();       // officer: citizen feed -> the consent key it bound
    this.pending = null;          // officer: a signature waiting for its timestamp
    this.key = cfg.role === 'citizen' ? this.docs.consentKeyNew() : null;
    this.rosterSeen = '';         // the settled roster what is below was last sent to
  }

  _send(kind, bytes) {
    try {
      this.core.sendDoc(kind, bytes, this.nowUs());
      return true;
    } catch (e) {
      this.post(failure('send', e));
      return false;
    }
  }

  _roleOf(feed) { return this.core.e2ee.peers().find((p) => p.id === feed)?.role ?? null; }

  /**
   * Someone joined or left (the settled roster is another): the citizen sends its consent key, the
   * officer its current statement. Roster events that change no one (new keys, the code) send nothing.
   */
  roster() {
    const digest = this.docs.rosterDigest(this.core);
    if (!digest) return;
    const print = Array.from(digest).join('.');
    if (print === this.rosterSeen) return;
    let sent = true;
    if (this.key) {
      const pub = Documents.consentPublic(this.key);
      sent = this._send(DocKind.consentKey, new Uint8Array([...pub, ...this.docs.consentKeyMac(this.core, pub)]));
    }
    if (this.cfg.role === 'officer' && this.current) sent = this._send(DocKind.statement, this.current.bytes) && sent;
    if (sent) this.rosterSeen = print;
  }

  /** Officer: a new version of the statement (JSON text); frozen when frozen_at is set. */
  statement(json) {
    const check = this.docs.statementCheck(json);
    if (!check.ok) { this.post({ what: 'problem', reason: check.reason, field: check.field }); return; }
    const s = JSON.parse(json);
    this.current = { json, bytes: new TextEncoder().encode(json), version: s.version, frozen: s.frozen_at > 0 };
    this.pending = null;
    if (this._send(DocKind.statement, this.current.bytes))
      this.post({ what: 'shared', version: s.version, frozen: this.current.frozen });
  }

  /** Citizen: 'sign' or 'refuse' the frozen version on screen (version: which one the person read). */
  consent(decision, version) {
    const c = this.current;
    if (!c || !c.frozen || c.version !== version) { this.post({ what: 'error', stage: 'consent', code: -11, en: 'not the frozen version', nl: 'niet de vastgestelde versie' }); return; }
    try {
      const { pdf, slot } = this.docs.statementPdf(c.json, { signable: true });
      const evidence = this.docs.consentMake(this.key, decision === 'refuse' ? 'refuse' : 'sign', {
        document: this.docs.signedDigest(pdf, slot), roster: this.docs.rosterDigest(this.core), room: this.cfg.room });
      c.pdf = pdf;
      c.slot = slot;
      if (this._send(DocKind.consent, evidence)) this.post({ what: 'consent-sent', decision, version });
    } catch (e) { this.post(failure('consent', e)); }
  }

  /** Officer: the time-stamping service's answer (DER), or null when it could not be reached. */
  timestamp(response) {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (!response) { this.post({ what: 'error', stage: 'timestamp', code: -10, en: 'the time-stamping service did not answer', nl: 'de tijdstempeldienst antwoordde niet' }); return; }
    try {
      const ts = this.docs.timestampCheck(response, p.imprint, p.nonce, this.cfg.trust);
      const { cms } = this.docs.padesSign({ digest: p.digest, key: this.cfg.key, cert: this.cfg.cert, consent: p.evidence,
        timestampToken: ts.token });
      const signed = this.docs.withSignature(p.pdf, p.slot, cms);
      this._send(DocKind.signature, cms);
      this.post({ what: 'signed', version: p.version, pdf: signed, timestamp: ts.time }, [signed.buffer]);
    } catch (e) { this.post(failure('sign', e)); }
  }

  /** A whole document from a participant (feed `from`). */
  receive(ev) {
    try {
      const role = this._roleOf(ev.from);
      if (this.cfg.role === 'officer') this._officerGot(ev, role);
      else if (this.cfg.role === 'citizen') this._citizenGot(ev, role);
      else if (ev.kind === DocKind.statement && role === 'officer') this._statementIn(ev);
    } catch (e) { this.post(failure('receive', e)); }
  }

  _officerGot(ev, role) {
    if (role !== 'citizen') return;
    if (ev.kind === DocKind.consentKey && ev.data.length === KEY_PUB + MAC) {
      const pub = ev.data.slice(0, KEY_PUB);
      this.docs.consentKeyCheck(this.core, ev.from, pub, ev.data.subarray(KEY_PUB));
      this.bound.set(ev.from, pub);
      return;
    }
    if (ev.kind !== DocKind.consent) return;
    const c = this.current, boundKey = this.bound.get(ev.from);
    if (!c || !c.frozen || !boundKey) { this.post({ what: 'error', stage: 'consent', code: -11, en: 'a consent without a frozen statement or a bound key', nl: 'een instemming zonder vastgestelde verklaring of gebonden sleutel' }); return; }
    const { pdf, slot } = this.docs.statementPdf(c.json, { signable: true });
    const digest = this.docs.signedDigest(pdf, slot);
    const decision = this.docs.consentCheck(ev.data, { boundKey, document: digest, roster: this.docs.rosterDigest(this.core),
      room: this.cfg.room });
    this.post({ what: 'consent', decision, version: c.version });
    if (decision !== 'sign') return;
    const first = this.docs.padesSign({ digest, key: this.cfg.key, cert: this.cfg.cert, consent: ev.data });
    const { request, nonce } = this.docs.timestampRequest(first.imprint);
    this.pending = { digest, evidence: ev.data, imprint: first.imprint, nonce, pdf, slot, version: c.version };
    this.post({ what: 'stamp', request }, [request.buffer]);
  }

  _statementIn(ev) {
    const json = new TextDecoder().decode(ev.data);
    if (this.current?.json === json) return;   // sent again for someone who joined: nothing new
    const check = this.docs.statementCheck(json);
    if (!check.ok) { this.post({ what: 'error', stage: 'statement', code: check.code, en: `statement refused (${check.reason})`, nl: `verklaring geweigerd (${check.reason})` }); return; }
    const s = JSON.parse(json);
    this.current = { json, version: s.version, frozen: s.frozen_at > 0 };
    this.post({ what: 'statement', json, version: s.version, frozen: this.current.frozen });
  }

  _citizenGot(ev, role) {
    if (role !== 'officer') return;
    if (ev.kind === DocKind.statement) { this._statementIn(ev); return; }
    if (ev.kind !== DocKind.signature) return;
    const c = this.current;
    if (!c || !c.pdf) return;  // not a version this citizen consented to
    const signed = this.docs.withSignature(c.pdf, c.slot, ev.data);
    const v = this.docs.padesVerify(ev.data, this.docs.signedDigest(signed, c.slot), this.cfg.trust,
      { expectedOfficer: this.cfg.expectedOfficer ?? '' });
    this.post({ what: 'signed', version: c.version, pdf: signed, timestamp: v.timestamp, signer: v.signer }, [signed.buffer]);
  }
}
