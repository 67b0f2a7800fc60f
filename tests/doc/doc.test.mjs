// A statement signed end to end: two engines in node (WASM, as the officer's
// console and the citizen's widget run them) in one call, the citizen's
// consent, the officer's PAdES signature and a timestamp from the police
// time-stamping service (the contact service), checked with independent
// tools: poppler's pdfsig, pdfinfo and pdftotext, OpenSSL (cms, ts) and qpdf.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test, run, assert, assertEq, assertThrows } from '../common/harness.mjs';
import { startContact, addOfficer, api, officerLogin } from '../contact/lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const build = resolve(root, process.env.BB_BUILD ?? 'build');
const dist = join(resolve(root, process.env.BB_DIST ?? 'dist'), 'engine');
const { loadEngine, PoliceTrust, CallCore } = await import(pathToFileURL(join(dist, 'engine.js')).href);
const { Documents, DocKind } = await import(pathToFileURL(join(dist, 'documents.js')).href);
const wasmBinary = readFileSync(join(dist, 'beeldbel-engine.wasm'));

// The demo police CA, an officer and the time-stamping service, as `make run` makes them.
const dir = mkdtempSync(join(tmpdir(), 'bb-doc-'));
const caDir = join(dir, 'ca');
const ca = (...args) => execFileSync(join(build, 'bin', 'beeldbel-ca'), args, { encoding: 'utf8' });
ca('init', caDir);
ca('issue', caDir, '--name', 'Jan de Vries', '--team', 'Basisteam Groningen-Noord',
  '--neighbourhood', 'Groningen-Noord', '--id', '100001', '--out', join(dir, 'jan'));
ca('issue', caDir, '--name', 'Piet Jansen', '--team', 'Basisteam Groningen-Noord',
  '--neighbourhood', 'Groningen-Noord', '--id', '100002', '--out', join(dir, 'piet'));
ca('tsa', caDir);
const file = (...p) => readFileSync(join(...p));
const pemToDer = (pem) => Buffer.from(pem.toString().replace(/-----[^-]+-----|\s/g, ''), 'base64');
const jan = { cert: pemToDer(file(dir, 'jan.pem')), key: file(dir, 'jan.key').toString() };

// The contact service with its time-stamping key, and an officer's session.
const db = join(dir, 'contact.db');
const PASSWORD = 'correct horse battery staple';
addOfficer(db, 'jan', { name: 'Jan de Vries', neighbourhoods: 'groningen-noord', password: PASSWORD, number: '100001' });
addOfficer(db, 'piet', { name: 'Piet Jansen', neighbourhoods: 'groningen-noord', password: PASSWORD, number: '100002' });
addOfficer(db, 'zuid', { name: 'Wijkagent Zuid', neighbourhoods: 'groningen-zuid', password: PASSWORD, number: '100009' });
const svc = await startContact({ db, env: { BB_CONTACT_TSA_KEY: join(caDir, 'tsa.key'),
  BB_CONTACT_TSA_CERT: join(caDir, 'tsa.pem'), BB_CONTACT_POLICE_ROOT: join(caDir, 'root.pem'),
  BB_CONTACT_POLICE_CRL: join(caDir, 'crl.pem') } });
const login = await officerLogin(svc.base, 'jan', PASSWORD);
assertEq(login.status, 200, login.text);
const session = { cookie: login.headers.get('set-cookie').split(';')[0], csrf: login.json.csrf_token };
async function stamp(request, as = session, type = 'application/timestamp-query') {
  const h = { 'Content-Type': type };
  if (as?.cookie) h.Cookie = as.cookie;
  if (as?.csrf) h['X-CSRF-Token'] = as.csrf;
  const r = await fetch(`${svc.base}/api/v1/officer/timestamp`, { method: 'POST', headers: h, body: request });
  return { status: r.status, type: r.headers.get('content-type'), body: new Uint8Array(await r.arrayBuffer()) };
}

// Two engines, as two browsers, each with the pinned root and the revocation list.
async function side() {
  const engine = await loadEngine({ wasmBinary });
  const trust = new PoliceTrust(engine, file(caDir, 'root.pem'));
  trust.setCrl(file(caDir, 'crl.pem'));
  return { engine, trust, docs: new Documents(engine) };
}
const officer = await side(), citizen = await side();
const ROOM = 'bb-call-4711';
const invite = new TextEncoder().encode('een-eenmalige-uitnodiging-voor-dit-gesprek');
const nowUs = () => Date.now() * 1000;

/** The two in one call through an SFU that passes everything (feed 1 officer, feed 2 citizen). */
function call() {
  const o = new CallCore(officer.engine, { room: ROOM, feedId: 1, role: 'officer', invite, trust: officer.trust,
    cert: jan.cert, key: new TextEncoder().encode(jan.key) });
  const c = new CallCore(citizen.engine, { room: ROOM, feedId: 2, role: 'citizen', invite, trust: citizen.trust,
    expectedOfficer: '100001' });
  o.peerJoined(2, nowUs());
  c.peerJoined(1, nowUs());
  const inbox = { 1: [], 2: [] };
  const pump = (ms = 300) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      for (const [me, peer, feed] of [[o, c, 1], [c, o, 2]]) {
        const t = nowUs();
        if (t >= me.nextDeadline()) me.tick(t);
        for (const m of me.pollSend()) peer.receive(feed, m.data, nowUs(), nowUs());
        for (const ev of me.pollEvents()) if (ev.type === 'doc') inbox[feed === 1 ? 1 : 2].push(ev);
      }
    }
  };
  /** Runs the call until `who` (1 officer, 2 citizen) has a document of kind. */
  const waitDoc = (who, kind, ms = 5000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const i = inbox[who].findIndex((d) => d.kind === kind);
      if (i >= 0) return inbox[who].splice(i, 1)[0];
      pump(20);
    }
    throw new Error(`no document of kind ${kind} for ${who === 1 ? 'the officer' : 'the citizen'}`);
  };
  return { o, c, pump, waitDoc, free: () => { o.free(); c.free(); } };
}

const statement = (frozenAt) => JSON.stringify({ v: 1, version: 2, reference: 'BB-7K3M-Q9XZ', lang: 'nl', frozen_at: frozenAt,
  officer: { name: 'Jan de Vries', number: '100001', team: 'Basisteam Groningen-Noord' },
  fields: { citizen: 'Anouk Kuipers', when: 'dinsdag 1 december 2026, rond 17.30 uur',
    where: 'Fietsenstalling station Groningen Noord', goods: 'Gazelle damesfiets, zwart, waarde € 650',
    what: 'Mijn fiets stond op slot in de stalling.\nToen ik terugkwam was hij weg.',
    own_words: 'Ik heb niemand gezien. Het slot lag er nog, doorgeknipt. “Dit is al de tweede keer”, zei de beheerder.' } });

// ---- the independent tools ----
const nss = join(dir, 'nss');
execFileSync('mkdir', ['-p', nss]);
execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'politie-demo-root', '-t', 'C,C,C', '-i', join(caDir, 'root.pem')]);
const tool = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });
const pdfsig = (pdf) => tool('pdfsig', ['-nssdir', `sql:${nss}`, pdf]).stdout;

/** The bytes a PDF's signature covers and the signature (DER), from its last /ByteRange. */
function splitSigned(bytes) {
  const text = bytes.toString('latin1');
  const all = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const [a, b, c, e] = all.at(-1).slice(1).map(Number);
  const der = Buffer.from(text.slice(a + b + 1, c - 1), 'hex');
  return { content: Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + e)]), der: der.subarray(0, derLength(der)) };
}
function derLength(d, at = 0) {
  const l = d[at + 1];
  if (l < 0x80) return 2 + l;
  let n = 0;
  for (let i = 0; i < (l & 0x7f); i++) n = n * 256 + d[at + 2 + i];
  return 2 + (l & 0x7f) + n;
}
/** DER children of the constructed value at `at`: [{ tag, at, len (whole) }]. */
function children(d, at) {
  const l = d[at + 1], hdr = l < 0x80 ? 2 : 2 + (l & 0x7f), end = at + derLength(d, at), out = [];
  for (let p = at + hdr; p < end; p += derLength(d, p)) out.push({ tag: d[p], at: p, len: derLength(d, p) });
  return out;
}
/** The officer's signature value and the timestamp token in a PAdES CMS. */
function signatureParts(cms) {
  const signedData = children(cms, children(cms, 0)[1].at)[0];
  const signerInfo = children(cms, children(cms, signedData.at).at(-1).at)[0];
  const parts = children(cms, signerInfo.at);
  const value = parts.find((p, i) => p.tag === 0x04 && i > 3);
  const unsigned = parts.at(-1);
  const attr = children(cms, unsigned.at)[0];
  const token = children(cms, children(cms, attr.at)[1].at)[0];
  const v = children(cms, value.at - 0) && cms.subarray(value.at + (cms[value.at + 1] < 0x80 ? 2 : 3), value.at + value.len);
  return { value: v, token: cms.subarray(token.at, token.at + token.len) };
}

// ---- the whole signing, as console and widget do it ----
let signed = null, signMs = 0;

test('a_statement_frozen_read_consented_and_signed_in_the_call_verifies_with_independent_tools', async () => {
  const k = call();
  try {
    k.pump(1500);
    assert(k.o.settled() && k.c.settled(), 'the call settles');
    // The citizen's engine binds a consent key for this call.
    const key = citizen.docs.consentKeyNew();
    const pub = Documents.consentPublic(key);
    const mac = citizen.docs.consentKeyMac(k.c, pub);
    k.c.sendDoc(DocKind.consentKey, new Uint8Array([...pub, ...mac]), nowUs());
    const bound = k.waitDoc(1, DocKind.consentKey);
    officer.docs.consentKeyCheck(k.o, bound.from, bound.data.subarray(0, 65), bound.data.subarray(65));
    // The officer freezes the statement; the citizen gets it through the call.
    const json = statement(Math.floor(Date.now() / 1000));
    k.o.sendDoc(DocKind.statement, new TextEncoder().encode(json), nowUs());
    const got = new TextDecoder().decode(k.waitDoc(2, DocKind.statement).data);
    assertEq(got, json);
    // The citizen's engine makes the same PDF and consents over its signed bytes.
    const mine = citizen.docs.statementPdf(got, { signable: true });
    const roster = citizen.docs.rosterDigest(k.c);
    const consent = citizen.docs.consentMake(key, 'sign', { document: citizen.docs.signedDigest(mine.pdf, mine.slot),
      roster, room: ROOM });
    k.c.sendDoc(DocKind.consent, consent, nowUs());
    const evidence = k.waitDoc(1, DocKind.consent).data;
    // The officer's engine checks it against its own PDF and roster, signs, and has it timestamped.
    const t0 = performance.now();
    const theirs = officer.docs.statementPdf(json, { signable: true });
    assert(Buffer.compare(Buffer.from(theirs.pdf), Buffer.from(mine.pdf)) === 0, 'both engines make the same PDF');
    const digest = officer.docs.signedDigest(theirs.pdf, theirs.slot);
    assertEq(officer.docs.consentCheck(evidence, { boundKey: bound.data.subarray(0, 65), document: digest,
      roster: officer.docs.rosterDigest(k.o), room: ROOM }), 'sign');
    const first = officer.docs.padesSign({ digest, key: jan.key, cert: jan.cert, consent: evidence });
    const { request, nonce } = officer.docs.timestampRequest(first.imprint);
    const answer = await stamp(request);
    assertEq(answer.status, 200);
    assertEq(answer.type, 'application/timestamp-reply');
    const ts = officer.docs.timestampCheck(answer.body, first.imprint, nonce, officer.trust);
    assert(Math.abs(ts.time - Date.now() / 1000) < 60, `time ${ts.time}`);
    const final = officer.docs.padesSign({ digest, key: jan.key, cert: jan.cert, consent: evidence, timestampToken: ts.token });
    assert(Buffer.compare(Buffer.from(final.imprint), Buffer.from(first.imprint)) === 0, 'the timestamp covers the final signature');
    signed = officer.docs.withSignature(theirs.pdf, theirs.slot, final.cms);
    signMs = performance.now() - t0;
    // The citizen gets the signature, puts it in its own PDF and checks it.
    k.o.sendDoc(DocKind.signature, final.cms, nowUs());
    const cms = k.waitDoc(2, DocKind.signature).data;
    const copy = citizen.docs.withSignature(mine.pdf, mine.slot, cms);
    assert(Buffer.compare(Buffer.from(copy), Buffer.from(signed)) === 0, "the citizen's copy is the officer's file");
    const v = citizen.docs.padesVerify(cms, citizen.docs.signedDigest(copy, citizen.docs.findSignature(copy)),
      citizen.trust, { expectedOfficer: '100001' });
    assertEq(v.signer.name, 'Jan de Vries');
    assert(v.consent && Buffer.compare(Buffer.from(v.consent), Buffer.from(evidence)) === 0, 'the consent is inside the signature');
  } finally { k.free(); }

  const pdf = join(dir, 'signed.pdf');
  writeFileSync(pdf, signed);
  console.log(`  signed PDF ${signed.length} bytes; PDF + PAdES + timestamp in WASM: ${signMs.toFixed(0)} ms`);
  const sig = pdfsig(pdf);
  assert(sig.includes('Signature Validation: Signature is Valid.'), sig);
  assert(sig.includes('Certificate Validation: Certificate is Trusted.'), sig);
  assert(sig.includes('Total document signed'), sig);
  assert(sig.includes('Signature Type: ETSI.CAdES.detached'), sig);
  const qpdf = tool('qpdf', ['--check', pdf]);
  assertEq(qpdf.status, 0, qpdf.stdout + qpdf.stderr);
  const info = tool('pdfinfo', [pdf]).stdout;
  assert(/Tagged:\s+yes/.test(info) && /Form:\s+AcroForm/.test(info), info);
  const words = tool('pdftotext', ['-enc', 'UTF-8', pdf, '-']).stdout;
  for (const w of ['Proces-verbaal van aangifte', 'Anouk Kuipers', '€ 650', '“Dit is al de tweede keer”', 'Wat is er gebeurd'])
    assert(words.includes(w), `pdftotext lacks ${w}`);
  assert(words.indexOf('Wat is er gebeurd') < words.indexOf('Mijn fiets stond'), 'heading before its paragraph');
  // OpenSSL on the extracted signature and its timestamp.
  const { content, der } = splitSigned(Buffer.from(signed));
  writeFileSync(join(dir, 'content.bin'), content);
  writeFileSync(join(dir, 'sig.der'), der);
  const cms = tool('openssl', ['cms', '-verify', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-binary',
    '-content', join(dir, 'content.bin'), '-CAfile', join(caDir, 'root.pem'), '-out', '/dev/null']);
  assertEq(cms.status, 0, cms.stderr);
  const parts = signatureParts(der);
  writeFileSync(join(dir, 'token.der'), parts.token);
  const tsv = tool('openssl', ['ts', '-verify', '-in', join(dir, 'token.der'), '-token_in', '-digest',
    createHash('sha256').update(parts.value).digest('hex'), '-CAfile', join(caDir, 'root.pem')]);
  assert(tsv.status === 0 && tsv.stdout.includes('Verification: OK'), tsv.stdout + tsv.stderr);
});

test('one_changed_byte_in_the_text_or_the_signature_fails_every_check', () => {
  assert(signed, 'the signed PDF from the test before');
  const text = Buffer.from(signed);
  const at = text.indexOf('Anouk');
  text[at] = 'a'.charCodeAt(0);
  writeFileSync(join(dir, 'changed.pdf'), text);
  const sig = pdfsig(join(dir, 'changed.pdf'));
  assert(!sig.includes('Signature is Valid'), sig);
  const { content, der } = splitSigned(text);
  writeFileSync(join(dir, 'changed.bin'), content);
  writeFileSync(join(dir, 'sig.der'), der);
  const cms = tool('openssl', ['cms', '-verify', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-binary',
    '-content', join(dir, 'changed.bin'), '-CAfile', join(caDir, 'root.pem'), '-out', '/dev/null']);
  assert(cms.status !== 0, 'openssl cms refuses the changed content');
  // One byte of the officer's signature value: the signature and its timestamp both fail.
  const bytes = Buffer.from(signed);
  const split = splitSigned(bytes);
  const value = signatureParts(split.der).value;
  const hexAt = bytes.indexOf(Buffer.from(Buffer.from(value).toString('hex').toUpperCase().slice(8, 40)));
  const hexAtLower = hexAt >= 0 ? hexAt : bytes.indexOf(Buffer.from(Buffer.from(value).toString('hex').slice(8, 40)));
  assert(hexAtLower > 0, 'the signature value is in the file');
  bytes[hexAtLower] = bytes[hexAtLower] === 0x30 ? 0x31 : 0x30;
  writeFileSync(join(dir, 'badsig.pdf'), bytes);
  assert(!pdfsig(join(dir, 'badsig.pdf')).includes('Signature is Valid'));
  const bad = splitSigned(bytes);
  writeFileSync(join(dir, 'badsig.der'), bad.der);
  writeFileSync(join(dir, 'badsig.bin'), bad.content);
  const cms2 = tool('openssl', ['cms', '-verify', '-inform', 'DER', '-in', join(dir, 'badsig.der'), '-binary',
    '-content', join(dir, 'badsig.bin'), '-CAfile', join(caDir, 'root.pem'), '-out', '/dev/null']);
  assert(cms2.status !== 0, 'openssl cms refuses the changed signature');
  const p = signatureParts(bad.der);
  writeFileSync(join(dir, 'token.der'), p.token);
  const tsv = tool('openssl', ['ts', '-verify', '-in', join(dir, 'token.der'), '-token_in', '-digest',
    createHash('sha256').update(p.value).digest('hex'), '-CAfile', join(caDir, 'root.pem')]);
  assert(tsv.status !== 0, 'openssl ts: the timestamp is not over the changed signature');
  // And the engine: a changed byte fails there too.
  const slot = officer.docs.findSignature(text);
  assertThrows(() => officer.docs.padesVerify(split.der, officer.docs.signedDigest(text, slot), officer.trust),
    (e) => e.code === -5);
});

test('the_signed_statement_is_kept_with_its_request_only_as_the_signing_officers_own', async () => {
  assert(signed, 'the signed PDF from the first test');
  const made = await api(svc.base, 'POST', '/api/v1/requests', { body: { name: 'Anouk Kuipers', phone: '06 12345678',
    neighbourhood: 'groningen-noord', topic: 'Fiets gestolen', preference: 'video', window: 'any', needs: [], lang: 'nl' } });
  assertEq(made.status, 201, made.text);
  const queue = await api(svc.base, 'GET', '/api/v1/officer/queue', { cookie: session.cookie });
  const id = queue.json.requests.find((r) => r.reference === made.json.reference).id;
  const keep = (body, as = session, type = 'application/pdf') => api(svc.base, 'POST', `/api/v1/officer/requests/${id}/statement`,
    { body: Buffer.from(body), cookie: as.cookie, csrf: as.csrf, headers: { 'Content-Type': type } });
  assertEq((await api(svc.base, 'GET', `/api/v1/officer/requests/${id}/statement`, { cookie: session.cookie })).status, 404);
  const kept = await keep(signed);
  assertEq(kept.status, 201, kept.text);
  assertEq(kept.json.sha256, createHash('sha256').update(signed).digest('hex'));
  const back = await fetch(`${svc.base}/api/v1/officer/requests/${id}/statement`, { headers: { Cookie: session.cookie } });
  assertEq(back.status, 200);
  assertEq(back.headers.get('content-type'), 'application/pdf');
  assert(/attachment; filename="proces-verbaal-BB-/.test(back.headers.get('content-disposition')));
  assert(Buffer.compare(Buffer.from(await back.arrayBuffer()), Buffer.from(signed)) === 0, 'the same bytes back');
  // A changed byte, another officer's upload of Jan's statement, another neighbourhood, not a PDF, too large.
  const changed = Buffer.from(signed);
  changed[changed.indexOf('Anouk')] = 'a'.charCodeAt(0);
  const refused = (r, status, code) => { assertEq(r.status, status, r.text); assertEq(r.json.error.code, code); };
  refused(await keep(changed), 422, 'statement_invalid');
  const login = async (user) => {
    const r = await officerLogin(svc.base, user, PASSWORD);
    return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.json.csrf_token };
  };
  refused(await keep(signed, await login('piet')), 422, 'statement_invalid');
  refused(await keep(signed, await login('zuid')), 403, 'forbidden');
  refused(await keep(signed, session, 'application/json'), 415, 'unsupported_media_type');
  refused(await keep(Buffer.alloc(300 * 1024, 0x25)), 413, 'too_large');
  refused(await keep(Buffer.from('%PDF-1.7 geen handtekening')), 422, 'statement_invalid');
  const log = svc.stderr();
  for (const secret of ['Anouk', 'Fiets gestolen', '%PDF']) assert(!log.includes(secret), `the log holds ${secret}`);
});

test('a_consent_from_another_call_or_from_someone_not_in_the_roster_is_refused', () => {
  const a = call(), b = call();
  try {
    a.pump(1200);
    b.pump(1200);
    const key = citizen.docs.consentKeyNew(), pub = Documents.consentPublic(key);
    const macA = citizen.docs.consentKeyMac(a.c, pub);
    officer.docs.consentKeyCheck(a.o, 2, pub, macA);
    // The same key bound in another call: its MAC is not this call's.
    const macB = citizen.docs.consentKeyMac(b.c, pub);
    assertThrows(() => officer.docs.consentKeyCheck(a.o, 2, pub, macB), (e) => e.code === -5);
    // Feed 3 is not in the call; feed 1 is the officer.
    assertThrows(() => officer.docs.consentKeyCheck(a.o, 3, pub, macA), (e) => e.code === -8);
    assertThrows(() => officer.docs.consentKeyCheck(a.o, 1, pub, macA), (e) => e.code === -8);
    const json = statement(Math.floor(Date.now() / 1000));
    const pdf = officer.docs.statementPdf(json, { signable: true });
    const document = officer.docs.signedDigest(pdf.pdf, pdf.slot);
    const fromB = citizen.docs.consentMake(key, 'sign', { document, roster: citizen.docs.rosterDigest(b.c), room: ROOM });
    assertThrows(() => officer.docs.consentCheck(fromB, { boundKey: pub, document, roster: officer.docs.rosterDigest(a.o),
      room: ROOM }), (e) => e.code === -8);
    const stranger = citizen.docs.consentKeyNew();
    const fromStranger = citizen.docs.consentMake(stranger, 'sign', { document, roster: citizen.docs.rosterDigest(a.c), room: ROOM });
    assertThrows(() => officer.docs.consentCheck(fromStranger, { boundKey: pub, document,
      roster: officer.docs.rosterDigest(a.o), room: ROOM }), (e) => e.code === -5);
    const refusal = citizen.docs.consentMake(key, 'refuse', { document, roster: citizen.docs.rosterDigest(a.c), room: ROOM });
    assertEq(officer.docs.consentCheck(refusal, { boundKey: pub, document, roster: officer.docs.rosterDigest(a.o), room: ROOM }), 'refuse');
  } finally { a.free(); b.free(); }
});

test('the_time_stamping_service_serves_officers_and_speaks_rfc_3161_to_openssl', async () => {
  // An independent client: openssl makes the request and checks the answer.
  writeFileSync(join(dir, 'data.txt'), 'beeldbel');
  execFileSync('openssl', ['ts', '-query', '-data', join(dir, 'data.txt'), '-sha256', '-cert', '-out', join(dir, 'q.tsq')]);
  const q = readFileSync(join(dir, 'q.tsq'));
  const r = await stamp(q);
  assertEq(r.status, 200);
  writeFileSync(join(dir, 'r.tsr'), r.body);
  const v = tool('openssl', ['ts', '-verify', '-in', join(dir, 'r.tsr'), '-queryfile', join(dir, 'q.tsq'),
    '-CAfile', join(caDir, 'root.pem')]);
  assert(v.status === 0 && v.stdout.includes('Verification: OK'), v.stdout + v.stderr);
  // SHA-1 is not granted, and the answer says why; garbage is refused the same way.
  execFileSync('openssl', ['ts', '-query', '-data', join(dir, 'data.txt'), '-sha1', '-out', join(dir, 'q1.tsq')]);
  for (const [body, why] of [[readFileSync(join(dir, 'q1.tsq')), 'unrecognized or unsupported algorithm'],
    [Buffer.from('niet eens DER'), 'transaction not supported']]) {
    const x = await stamp(body);
    assertEq(x.status, 200);
    writeFileSync(join(dir, 'x.tsr'), x.body);
    const text = tool('openssl', ['ts', '-reply', '-in', join(dir, 'x.tsr'), '-text']).stdout;
    assert(text.includes('Status: Rejected') || text.includes('Status: Rejection'), text);
    assert(why === 'transaction not supported' || text.includes(why), text);
  }
  // Only for a logged-in officer with the CSRF token, and only DER.
  assertEq((await stamp(q, null)).status, 401);
  assertEq((await stamp(q, { cookie: session.cookie })).status, 403);
  assertEq((await stamp(q, session, 'application/json')).status, 415);
});

test('the_statement_is_refused_with_the_field_named_when_a_pdf_cannot_show_it', () => {
  const bad = JSON.parse(statement(0));
  bad.fields.where = 'İstanbul-straat';
  const r = officer.docs.statementCheck(JSON.stringify(bad));
  assertEq(r.ok, false);
  assertEq(r.reason, 'text');
  assertEq(r.field, 'where');
  assertEq(officer.docs.textProblemAt('Café “De Drie Gezusters” 😀'), 'Café “De Drie Gezusters” '.length);
  assertEq(officer.docs.textProblemAt('Ĳsselmeer'), 0);
  assertEq(officer.docs.textProblemAt('Groningen, ’s avonds, € 12,50'), null);
  assertThrows(() => officer.docs.statementPdf(statement(0), { signable: true }), (e) => e.code === -11);
});

await run();
await svc.stop();
if (/AddressSanitizer|runtime error/.test(svc.stderr())) {
  console.log(`the contact service reported:\n${svc.stderr()}`);
  process.exitCode = 1;
}
rmSync(dir, { recursive: true, force: true });
process.exit(process.exitCode); // a large WASM module can hold node at exit
