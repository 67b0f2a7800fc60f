// End-to-end encryption and officer verification through the JS glue
// (web/engine/engine.js) and the WASM engine, under node. The police CA is
// made with the native CA tool (beeldbel-ca) in a temporary directory, as
// `make run` does.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { test, run, assert, assertEq, assertThrows } from '../common/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const build = resolve(root, process.env.BB_BUILD ?? 'build');
const dist = join(resolve(root, process.env.BB_DIST ?? 'dist'), 'engine');
const { loadEngine, PoliceTrust, E2eeSession } = await import(pathToFileURL(join(dist, 'engine.js')).href);
const { identityOf } = await import(pathToFileURL(join(dist, 'call.js')).href);
const engine = await loadEngine({ wasmBinary: readFileSync(join(dist, 'beeldbel-engine.wasm')) });

const caTool = join(build, 'bin', 'beeldbel-ca');
const dir = mkdtempSync(join(tmpdir(), 'bb-ca-'));
const ca = (...args) => execFileSync(caTool, args, { encoding: 'utf8' });
ca('init', join(dir, 'ca'));
ca('issue', join(dir, 'ca'), '--name', 'Jan de Vries', '--team', 'Basisteam Groningen-Noord',
  '--neighbourhood', 'Groningen-Noord', '--id', '100001', '--out', join(dir, 'jan'));
ca('issue', join(dir, 'ca'), '--name', 'Kees Weg', '--team', 'Basisteam Groningen-Zuid',
  '--neighbourhood', 'Groningen-Zuid', '--id', '100004', '--out', join(dir, 'kees'));
ca('issue', join(dir, 'ca'), '--name', 'Piet Jansen', '--team', 'Basisteam Groningen-Noord',
  '--neighbourhood', 'Groningen-Noord', '--id', '100002', '--out', join(dir, 'piet'));
ca('revoke', join(dir, 'ca'), '1001');
const file = (name) => readFileSync(join(dir, name));
const trust = new PoliceTrust(engine, file('ca/root.pem'));
trust.setCrl(file('ca/crl.pem'));
const jan = { cert: file('jan.pem'), key: file('jan.key') };
const kees = { cert: file('kees.pem'), key: file('kees.key') }; // serial 1001: revoked
const piet = { cert: file('piet.pem'), key: file('piet.key') };
const rootPem = file('ca/root.pem'), currentCrl = file('ca/crl.pem'), crlTime = Number(ca('crl-time', join(dir, 'ca')));
ca('crl', join(dir, 'ca'), '--now', String(crlTime + 60 - 3600)); // an hour older
const olderCrl = file('ca/crl.pem');
rmSync(dir, { recursive: true, force: true });
const invite = new TextEncoder().encode('een-eenmalige-uitnodiging');
const nowUs = () => Date.now() * 1000;

test('officer_is_verified_with_name_team_neighbourhood', () => {
  const r = trust.verifyOfficer(jan.cert, { expectedOfficer: '100001' });
  assert(r.ok, JSON.stringify(r));
  assertEq(r.name, 'Jan de Vries');
  assertEq(r.team, 'Basisteam Groningen-Noord');
  assertEq(r.neighbourhood, 'Groningen-Noord');
  assertEq(r.number, '100001');
  assert(r.notAfter > new Date() && r.revocationChecked);
});

test('revoked_officer_fails_with_reason_in_dutch_and_english', () => {
  const r = trust.verifyOfficer(kees.cert);
  assertEq(r.ok, false);
  assertEq(r.status, 'revoked');
  assert(r.text.nl.includes('ingetrokken') && r.text.en.includes('revoked'), JSON.stringify(r.text));
  assertEq(trust.verifyOfficer(jan.cert, { expectedOfficer: '100002' }).status, 'wrong_officer');
  assertEq(trust.verifyOfficer(jan.cert, { nowS: Date.now() / 1000 + 2 * 86400 }).status, 'expired');
  assertEq(trust.verifyOfficer(new Uint8Array([48, 3, 1, 2, 3])).status, 'malformed');
});

const refusedList = (e) => assert(/revocation list/.test(e.message) && e.nl, `${e.message}`);

test('revocation_list_older_than_the_floor_or_than_the_last_one_is_refused', async () => {
  assert(Number.isInteger(crlTime) && Math.abs(crlTime - Date.now() / 1000) < 600, `crl-time ${crlTime}`);
  const t = new PoliceTrust(engine, rootPem);
  try {
    t.setCrl(currentCrl);
    await assertThrows(() => t.setCrl(olderCrl), refusedList);
    t.setCrl(currentCrl); // the same list again is fine
    assertEq(t.verifyOfficer(kees.cert).status, 'revoked', 'the newer list is still in force');
  } finally { t.free(); }
  const sealed = new PoliceTrust(engine, rootPem);
  try {
    sealed.setCrlFloor(crlTime);
    await assertThrows(() => sealed.setCrl(olderCrl), refusedList); // from before the bundle was sealed
    sealed.setCrl(currentCrl);
  } finally { sealed.free(); }
});

function pair() {
  const officer = new E2eeSession(engine, { room: 'wijk-1', selfId: 1, role: 'officer', invite, trust,
    cert: jan.cert, key: jan.key });
  const citizen = new E2eeSession(engine, { room: 'wijk-1', selfId: 2, role: 'citizen', invite, trust,
    expectedOfficer: '100001' });
  for (let moved = true; moved;) {
    moved = false;
    for (const [a, b, from] of [[officer, citizen, 1], [citizen, officer, 2]]) {
      for (let m; (m = a.pollHandshake());) { moved = true; b.receiveHandshake(from, m, nowUs()); }
    }
  }
  return { officer, citizen };
}

test('handshake_through_glue_gives_same_sas_and_verified_officer', () => {
  const { officer, citizen } = pair();
  assertEq(officer.sas(), citizen.sas());
  assert(/^\d{3} \d{3}$/.test(citizen.sas()), citizen.sas());
  const [p] = citizen.peers();
  assertEq(p.role, 'officer');
  assert(p.hasKey && p.officer.ok && p.officer.name === 'Jan de Vries', JSON.stringify(p));
  const msg = officer.protect(new TextEncoder().encode('Goedemiddag'));
  const got = citizen.unprotect(msg);
  assertEq(new TextDecoder().decode(got.bytes), 'Goedemiddag');
  assertEq(got.from, 1);
  assertEq(citizen.unprotect(msg), null); // replay
  const bent = officer.protect(new Uint8Array(100));
  bent[bent.length - 1] ^= 1;
  assertEq(citizen.unprotect(bent), null);
  const rej = citizen.rejected();
  assertEq(rej.media_replay, 1);
  assertEq(rej.media_auth, 1);
  officer.free(); citizen.free();
});

/** An officer (feed 1) with `officerKeys`, whose handshakes a citizen (feed 2) gets as from feed `feed`: all refused. */
function refusedByCitizen(room, officerKeys, feed) {
  const officer = new E2eeSession(engine, { room, selfId: 1, role: 'officer', invite, trust, ...officerKeys });
  const citizen = new E2eeSession(engine, { room, selfId: 2, role: 'citizen', invite, trust });
  for (let m; (m = officer.pollHandshake());) assert(citizen.receiveHandshake(feed, m, nowUs()) < 0, 'must refuse');
  assertEq(citizen.peers().length, 0);
  const seen = { rejected: citizen.rejected(), failure: citizen.officerFailure() };
  officer.free(); citizen.free();
  return seen;
}

test('handshake_on_another_feed_than_its_sender_is_refused_and_counted', () => {
  // The SFU hands the officer's HELLO to the citizen as if feed 7 sent it.
  const { rejected } = refusedByCitizen('wijk-3', { cert: jan.cert, key: jan.key }, 7);
  assert(rejected.wrong_feed >= 1, JSON.stringify(rejected));
});

/** Carries every handshake message between the sessions (feed = selfId) until none is left. */
function exchange(...sessions) {
  for (let moved = true; moved;) {
    moved = false;
    for (const a of sessions) {
      for (let m; (m = a.s.pollHandshake());) {
        moved = true;
        for (const b of sessions) if (b !== a) b.s.receiveHandshake(a.id, m, nowUs());
      }
    }
  }
}
const statusOf = (s) => ({ peers: s.peers(), officerFailure: s.officerFailure(), sas: s.sas() });

test('the_badge_waits_for_the_invited_officers_key_and_is_never_a_colleagues', () => {
  const officer = { id: 1, s: new E2eeSession(engine, { room: 'wijk-4', selfId: 1, role: 'officer', invite, trust, ...jan }) };
  const citizen = { id: 2, s: new E2eeSession(engine, { room: 'wijk-4', selfId: 2, role: 'citizen', invite, trust, expectedOfficer: '100001' }) };
  // The officer's HELLO alone (as an SFU replaying it would deliver): a good certificate, no key.
  citizen.s.receiveHandshake(1, officer.s.pollHandshake(), nowUs());
  assertEq(citizen.s.peers()[0].officer.ok, true);
  assertEq(identityOf('citizen', statusOf(citizen.s)), null);
  exchange(officer, citizen);
  const id = identityOf('citizen', statusOf(citizen.s));
  assert(id && id.verified && id.name === 'Jan de Vries' && id.sas === officer.s.sas(), JSON.stringify(id));
  // An interpreter and a colleague see the officer the same way; the officer sees no officer badge.
  for (const role of ['interpreter', 'colleague']) assertEq(JSON.stringify(identityOf(role, statusOf(citizen.s))), JSON.stringify(id), role);
  assertEq(identityOf('officer', statusOf(officer.s)).name, '');
  // A colleague with a good certificate of their own is shown by name, never as the officer.
  const colleague = { id: 3, s: new E2eeSession(engine, { room: 'wijk-5', selfId: 3, role: 'colleague', invite, trust, ...piet, expectedOfficer: '100001' }) };
  const citizen2 = { id: 2, s: new E2eeSession(engine, { room: 'wijk-5', selfId: 2, role: 'citizen', invite, trust, expectedOfficer: '100001' }) };
  exchange(colleague, citizen2);
  const [p] = citizen2.s.peers();
  assert(p.role === 'colleague' && p.hasKey && p.officer.ok && p.officer.name === 'Piet Jansen', JSON.stringify(p));
  assertEq(identityOf('citizen', statusOf(citizen2.s)), null);
  // Without the officer number the invitation gave, Jan is refused as the officer, and the badge says so.
  const citizen3 = { id: 2, s: new E2eeSession(engine, { room: 'wijk-6', selfId: 2, role: 'citizen', invite, trust }) };
  const officer3 = { id: 1, s: new E2eeSession(engine, { room: 'wijk-6', selfId: 1, role: 'officer', invite, trust, ...jan }) };
  exchange(officer3, citizen3);
  assertEq(citizen3.s.peers().length, 0);
  const id3 = identityOf('citizen', statusOf(citizen3.s));
  assert(id3 && !id3.verified && id3.reason === 'wrong_officer', JSON.stringify(id3));
  for (const x of [officer, citizen, colleague, citizen2, officer3, citizen3]) x.s.free();
});

test('citizen_sees_why_a_revoked_officer_is_refused', () => {
  assertEq(refusedByCitizen('wijk-2', { cert: kees.cert, key: kees.key }, 1).failure.status, 'revoked');
});

test('bad_config_is_an_engine_error_in_both_languages', async () => {
  const e = await assertThrows(() => new E2eeSession(engine, { room: 'x', selfId: 2, role: 'citizen' }));
  assertEq(e.name, 'EngineError');
  assert(e.en && e.nl && e.en !== e.nl, JSON.stringify(e));
});

await run();
