// The contact service's HTTP API (src/contact/API.md), against the ASan+UBSan
// build: the citizen flow, the officer flow up to both sides holding
// credentials for the same Janus room, limits, retention, and hostile
// requests of the HTTP layer. Every refusal must be a JSON error with Dutch and English text.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { startContact, addOfficer, addServiceCentre, addTeamLead, api, fakeJanus, janusTokenValid, officerBin, buildDir, totp, officerLogin } from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'bb-contact-api-'));
const db = join(dir, 'contact.db');
const SECRET = 'token-secret-for-tests', ADMIN_KEY = 'admin-key-for-tests';
const PASSWORD = 'correct horse battery staple';
addOfficer(db, 'noord', { name: 'Wijkagent Noord', neighbourhoods: 'groningen-noord', password: PASSWORD, number: '200001' });
addOfficer(db, 'noord2', { name: 'Collega Noord', neighbourhoods: 'groningen-noord', password: PASSWORD, number: '200002' });
addOfficer(db, 'noord3', { name: 'Derde Noord', neighbourhoods: 'groningen-noord', password: PASSWORD, number: '200004' });
addOfficer(db, 'zuid', { name: 'Wijkagent Zuid', neighbourhoods: 'groningen-zuid', password: PASSWORD, number: '200003' });
addServiceCentre(db, 'balie', { name: 'Medewerker Balie', password: PASSWORD });
addTeamLead(db, 'leiding', { name: 'Teamleider Noord', neighbourhoods: 'groningen-noord', password: PASSWORD });
const janus = await fakeJanus(SECRET, ADMIN_KEY);
const svc = await startContact({ db, env: {
  BB_CONTACT_PROXY_HOPS: '1', BB_CONTACT_CREATE_PER_HOUR: '3', BB_CONTACT_CALLS_PER_MINUTE: '1000',
  BB_CONTACT_INVITE_TTL: '3', BB_JANUS_HTTP_URL: janus.url, BB_JANUS_WS_URL: 'ws://127.0.0.1:8188',
  BB_JANUS_TOKEN_SECRET: SECRET, BB_VIDEOROOM_ADMIN_KEY: ADMIN_KEY, BB_SITE_URL: 'http://127.0.0.1:8470',
  BB_CONTACT_LOG_REQUESTS: '1' } });

// Each call comes from its own client address unless a test says otherwise,
// so the per-address limit (3 per hour here) only bites where tested.
let addr = 0;
const nextAddr = () => `10.0.${Math.floor(++addr / 250)}.${addr % 250 + 1}`;
let phoneN = 0;
const nextPhone = () => `06 ${String(20000000 + ++phoneN)}`;
const call = (method, path, opts = {}) => api(svc.base, method, path, { xff: nextAddr(), ...opts });
const valid = (over = {}) => ({ name: 'Anna de Vries', phone: nextPhone(), email: 'anna@example.nl',
  neighbourhood: 'groningen-noord', topic: 'Overlast in mijn straat', preference: 'video', window: 'afternoon',
  needs: ['captions', 'sign_language'], lang: 'nl', ...over });

function assertRefusal(r, status, code, field) {
  assertEq(r.status, status, `status for ${code}: ${r.text}`);
  assert(r.json && r.json.error, `JSON error body: ${r.text}`);
  assertEq(r.json.error.code, code);
  if (field) assertEq(r.json.error.field, field);
  assert(r.json.error.message.nl.length > 5 && r.json.error.message.en.length > 5, 'NL and EN text');
  assert(r.headers.get('content-type').startsWith('application/json'));
}

// A code works once, so officers log in only where a test is about it; the
// others take the session the officer already has (session()).
const sessions = new Map();
async function login(user) {
  const r = await officerLogin(svc.base, user, PASSWORD, { xff: nextAddr() });
  assertEq(r.status, 200, r.text);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const o = { cookie, csrf: r.json.csrf_token, officer: r.json.officer, setCookie: r.headers.get('set-cookie') };
  sessions.set(user, o);
  return o;
}
async function session(user) {
  const o = sessions.get(user);
  if (o && (await call('GET', '/api/v1/officer/session', { cookie: o.cookie })).status === 200) return o;
  return login(user);
}

// ---- citizen ---------------------------------------------------------------------------

let created;
test('create_request_returns_reference_and_status_by_reference_and_phone', async () => {
  const body = valid({ phone: '06-12345678' });
  const r = await call('POST', '/api/v1/requests', { body });
  assertEq(r.status, 201, r.text);
  assert(/^BB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(r.json.reference), r.json.reference);
  assertEq(r.json.status, 'queued');
  assertEq(r.json.neighbourhood, 'groningen-noord');
  created = r.json.reference;
  // Another notation of the same number finds it (E.164 on both sides).
  const s = await call('POST', '/api/v1/requests/status', { body: { reference: created.toLowerCase(), phone: '+31 (0)6 1234 5678' } });
  assertEq(s.status, 200, s.text);
  assertEq(s.json.status, 'queued');
  assertEq(s.json.preference, 'video');
  assert(/^\d{4}-\d\d-\d\dT/.test(s.json.created_at));
});

test('status_with_wrong_phone_is_the_same_404_as_unknown_reference', async () => {
  const wrong = await call('POST', '/api/v1/requests/status', { body: { reference: created, phone: '0687654321' } });
  const unknown = await call('POST', '/api/v1/requests/status', { body: { reference: 'BB-0000-0000', phone: '0612345678' } });
  assertRefusal(wrong, 404, 'request_unknown');
  assertEq(wrong.text, unknown.text);
});

test('postcode_is_mapped_and_outside_pilot_is_refused', async () => {
  const body = valid({ postcode: '9722 AB' });
  delete body.neighbourhood;
  const r = await call('POST', '/api/v1/requests', { body });
  assertEq(r.status, 201, r.text);
  assertEq(r.json.neighbourhood, 'groningen-zuid');
  const out = valid({ postcode: '1012 AB' });
  delete out.neighbourhood;
  assertRefusal(await call('POST', '/api/v1/requests', { body: out }), 400, 'neighbourhood_not_served', 'postcode');
});

test('cancel_deletes_the_request_at_once', async () => {
  const phone = nextPhone();
  const r = await call('POST', '/api/v1/requests', { body: valid({ phone }) });
  assertEq(r.status, 201);
  assertRefusal(await call('POST', '/api/v1/requests/cancel', { body: { reference: r.json.reference, phone: '0600000001' } }), 404, 'request_unknown');
  const c = await call('POST', '/api/v1/requests/cancel', { body: { reference: r.json.reference, phone } });
  assertEq(c.status, 200, c.text);
  assertEq(c.json.status, 'cancelled');
  assertRefusal(await call('POST', '/api/v1/requests/status', { body: { reference: r.json.reference, phone } }), 404, 'request_unknown');
});

test('a_cancelled_request_is_nowhere_in_the_database_files', async () => {
  const phone = nextPhone();
  const marker = 'Zoekmerk Qwxzv';
  const r = await call('POST', '/api/v1/requests', { body: valid({ phone, name: marker, topic: `${marker} onderwerp` }) });
  assertEq(r.status, 201, r.text);
  const before = ['', '-wal'].map((x) => (existsSync(db + x) ? readFileSync(db + x) : Buffer.alloc(0)));
  assert(before.some((b) => b.includes(marker)), 'the marker was written (the test can see it)');
  assertEq((await call('POST', '/api/v1/requests/cancel', { body: { reference: r.json.reference, phone } })).status, 200);
  for (const x of ['', '-wal', '-shm', '-journal']) {
    if (!existsSync(db + x)) continue;
    const bytes = readFileSync(db + x);
    assert(!bytes.includes(marker) && !bytes.includes(Buffer.from(marker, 'utf16le')), `${marker} still in contact.db${x}`);
  }
});

// ---- hostile and malformed citizen requests ----------------------------------------------
// (each field's refusals through the proxy: hostile.test.mjs)

/** A body of size bytes announced as a client does for a large one (Expect: 100-continue, like curl):
 * { status, text, sent } (sent: whether the service asked for the body). */
async function announced(path, headers, size) {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: svc.port, method: 'POST', path,
      headers: { ...headers, 'Content-Length': size, Expect: '100-continue' } });
    let sent = false;
    req.on('continue', () => { sent = true; req.end(Buffer.alloc(size, 120)); });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text, sent }));
    });
    req.on('error', reject);
  });
}

test('hostile_huge_body_is_413', async () => {
  // A 1 MiB body announced as a client does for a large one (Expect: 100-continue, like curl):
  // the 413 comes instead of the go-ahead, and not a byte of the body is sent. (A client that
  // sends it all at once regardless gets the answer only if it reads while it sends: the
  // service answers on the declared length and closes, see the raw-socket test below.)
  const early = await announced('/api/v1/requests', { 'Content-Type': 'application/json', 'X-Forwarded-For': nextAddr() }, 1 << 20);
  assertEq(early.status, 413, early.text);
  assert(/"too_large"/.test(early.text) && !early.sent, `${early.text} (body sent: ${early.sent})`);
  assertRefusal(await call('POST', '/api/v1/requests', { body: JSON.stringify(valid({ topic: 'y'.repeat(16400) })) }), 413, 'too_large');
});

test('hostile_wrong_content_type_is_415', async () => {
  assertRefusal(await call('POST', '/api/v1/requests', { body: JSON.stringify(valid()), headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
  assertRefusal(await call('POST', '/api/v1/requests', { body: 'name=Anna', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
});

test('hostile_methods_and_paths', async () => {
  assertRefusal(await call('GET', '/api/v1/requests'), 405, 'method_not_allowed');
  assertRefusal(await call('DELETE', '/api/v1/requests'), 405, 'method_not_allowed');
  assertRefusal(await call('POST', '/api/v1/nope', { body: {} }), 404, 'not_found');
  assertRefusal(await call('GET', '/api/v1/../../etc/passwd'), 404, 'not_found');
  assertRefusal(await call('GET', '/api/v1/officer/requests/1/claim'), 405, 'method_not_allowed');
  assertRefusal(await call('POST', '/api/v1/requests/status', { body: { reference: "BB-' OR 1=1--", phone: '0612345678' } }), 400, 'invalid_reference');
});

test('sql_and_script_text_in_topic_is_stored_literally', async () => {
  const topic = "'); DROP TABLE requests; -- <script>alert('x')</script>";
  const phone = nextPhone();
  const r = await call('POST', '/api/v1/requests', { body: valid({ topic, phone }) });
  assertEq(r.status, 201, r.text);
  const s = await call('POST', '/api/v1/requests/status', { body: { reference: r.json.reference, phone } });
  assertEq(s.status, 200); // the table is still there
  const o = await session('noord');
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  assert(q.json.requests.some((x) => x.topic === topic), 'exact text back');
});

test('rate_limit_per_client_address_gives_429_with_retry_after', async () => {
  const xff = '192.0.2.77';
  for (let i = 0; i < 3; i++) assertEq((await call('POST', '/api/v1/requests', { body: valid(), xff })).status, 201);
  const r = await call('POST', '/api/v1/requests', { body: valid(), xff });
  assertRefusal(r, 429, 'rate_limited');
  assert(Number(r.headers.get('retry-after')) >= 1, 'Retry-After');
  assertEq((await call('POST', '/api/v1/requests', { body: valid() })).status, 201); // other address
});

test('client_is_the_rightmost_address_and_ipv6_is_limited_per_64', async () => {
  // What a client writes to the left of the proxy's entry changes nothing.
  for (let i = 0; i < 3; i++) {
    const r = await call('POST', '/api/v1/requests', { body: valid(), xff: `198.51.100.${i + 1}, 192.0.2.200` });
    assertEq(r.status, 201, r.text);
  }
  assertRefusal(await call('POST', '/api/v1/requests', { body: valid(), xff: '198.51.100.9, 192.0.2.200' }), 429, 'rate_limited');
  assertEq((await call('POST', '/api/v1/requests', { body: valid(), xff: '192.0.2.201' })).status, 201);
  // One subscriber holds a whole /64: new addresses in it share its limit.
  for (let i = 0; i < 3; i++) assertEq((await call('POST', '/api/v1/requests', { body: valid(), xff: `2001:db8:5:6::${i + 1}` })).status, 201);
  assertRefusal(await call('POST', '/api/v1/requests', { body: valid(), xff: '2001:db8:5:6:ffff:1:2:3' }), 429, 'rate_limited');
  assertEq((await call('POST', '/api/v1/requests', { body: valid(), xff: '2001:db8:5:7::1' })).status, 201);
});

test('repeated_requests_for_a_phone_get_the_same_answer_and_are_flagged_for_officers', async () => {
  const phone = nextPhone();
  const answers = [];
  for (let i = 0; i < 5; i++) {
    const notation = i % 2 ? `+31${phone.replace(/\D/g, '').slice(1)}` : phone;
    const r = await call('POST', '/api/v1/requests', { body: valid({ phone: notation, topic: `Herhaling ${phone} ${i}` }) });
    assertEq(r.status, 201, r.text); // no oracle, and nobody can block another's number
    answers.push(Object.keys(r.json).sort().join());
  }
  assertEq(new Set(answers).size, 1, 'the same answer every time');
  const o = await session('noord');
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  const mine = q.json.requests.filter((x) => x.topic.startsWith(`Herhaling ${phone}`));
  assertEq(JSON.stringify(mine.map((x) => x.repeats)), '[0,1,2,3,4]');
});

/** Sends raw bytes straight to the service and waits (at most 9 s) for it
 * to close the connection: { got, byService } (false: we gave up first). */
async function rawUntilClosed(pieces) {
  const { connect } = await import('node:net');
  const sock = connect(svc.port, '127.0.0.1');
  let got = '', byService = true;
  const closed = new Promise((r) => sock.on('close', r));
  sock.on('data', (d) => { got += d; });
  sock.on('error', () => {});
  for (const p of pieces) if (!sock.destroyed) sock.write(p);
  const t = setTimeout(() => { byService = false; sock.destroy(); }, 9000);
  await closed;
  clearTimeout(t);
  return { got, byService };
}

test('hostile_undeclared_body_growing_past_the_limit_is_cut_off', async () => {
  // 64 KiB in 1 KiB chunks, then nothing: the service must close long before it times out.
  const r = await rawUntilClosed(['POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    ...Array.from({ length: 64 }, () => `400\r\n${'x'.repeat(1024)}\r\n`)]);
  assert(r.byService, 'the connection was closed by the service');
});

test('hostile_declared_oversize_body_is_refused_before_it_is_sent', async () => {
  // The body never comes: the answer and the close must not wait for it.
  const { got, byService } = await rawUntilClosed(['POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    'Content-Length: 100000000\r\n\r\n{"name":']);
  assert(byService && /^HTTP\/1\.1 413/.test(got), got.slice(0, 80) || 'no answer before the connection closed');
  assert(/"too_large"/.test(got) && /te groot/.test(got), got);
});

// ---- officer ---------------------------------------------------------------------------------

test('login_sets_a_host_only_secure_httponly_samesite_strict_cookie', async () => {
  const o = await login('noord');
  assert(/^__Host-bb_session=[A-Za-z0-9_-]{43};/.test(o.setCookie), o.setCookie);
  for (const attr of [/; HttpOnly/, /; Secure/, /; SameSite=Strict/, /; Path=\/;/, /; Max-Age=28800$/]) assert(attr.test(o.setCookie), `${attr} in ${o.setCookie}`);
  assert(!/Domain=/i.test(o.setCookie), o.setCookie);
  assertEq(o.officer.name, 'Wijkagent Noord');
  assertEq(JSON.stringify(o.officer.neighbourhoods), '["groningen-noord"]');
  assert(o.csrf.length >= 40);
});

test('hostile_login_wrong_password_and_unknown_user_look_the_same', async () => {
  const a = await call('POST', '/api/v1/officer/login', { body: { username: 'noord', password: 'wrong password!' } });
  const b = await call('POST', '/api/v1/officer/login', { body: { username: 'nobody', password: 'wrong password!' } });
  assertRefusal(a, 401, 'login_failed');
  assertEq(a.text, b.text);
  assertRefusal(await call('POST', '/api/v1/officer/login', { body: { username: 'noord', password: PASSWORD, remember: true } }), 400, 'unknown_field');
});

test('hostile_login_brute_force_locks_that_address_and_the_officer_logs_in_from_elsewhere', async () => {
  const attacker = '203.0.113.66';
  let last;
  for (let i = 0; i < 7; i++) {
    last = await call('POST', '/api/v1/officer/login', { body: { username: 'zuid', password: `guess-${i}-xxxxx` }, xff: attacker });
  }
  assertRefusal(last, 429, 'rate_limited');
  assert(Number(last.headers.get('retry-after')) >= 1, 'Retry-After');
  // Even the right password waits out the lockout from there ...
  assertRefusal(await call('POST', '/api/v1/officer/login', { body: { username: 'zuid', password: PASSWORD }, xff: attacker }), 429, 'rate_limited');
  // ... while the officer, elsewhere, is not locked out by it.
  const r = await call('POST', '/api/v1/officer/login', { body: { username: 'zuid', password: PASSWORD }, xff: '198.51.100.77' });
  assertEq(r.status, 200, r.text);
});

test('logins_wait_for_password_hashing_without_holding_up_citizens', async () => {
  // Unknown users cost a full-strength hash (600 000 iterations): eight at
  // once keep the hashing threads busy for a good while.
  const done = [];
  const logins = Array.from({ length: 8 }, (_, i) =>
    call('POST', '/api/v1/officer/login', { body: { username: `nobody${i}`, password: 'not the password' }, xff: `198.18.0.${i + 1}` })
      .then((r) => { done.push('login'); return r; }));
  await new Promise((r) => setTimeout(r, 50));
  const health = await call('GET', '/api/v1/health');
  done.push('health');
  const status = await call('POST', '/api/v1/requests/status', { body: { reference: 'BB-0000-0000', phone: '0612345678' } });
  done.push('status');
  assertEq(health.status, 200);
  assertEq(status.status, 404);
  const answers = await Promise.all(logins);
  for (const a of answers) assertRefusal(a, 401, 'login_failed');
  assertEq(done.slice(0, 2).join(), 'health,status', `citizens answered first: ${done.join()}`);
});

test('hostile_officer_api_without_session_or_with_forged_cookie', async () => {
  assertRefusal(await call('GET', '/api/v1/officer/queue'), 401, 'not_logged_in');
  assertRefusal(await call('GET', '/api/v1/officer/queue', { cookie: '__Host-bb_session=' + 'A'.repeat(43) }), 401, 'not_logged_in');
  assertRefusal(await call('GET', '/api/v1/officer/queue', { cookie: "__Host-bb_session=' OR 1=1 --" }), 401, 'not_logged_in');
});

test('hostile_missing_or_wrong_csrf_token_is_403', async () => {
  const o = await session('noord');
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  const id = q.json.requests[0].id;
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie }), 403, 'csrf');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: 'x'.repeat(43) }), 403, 'csrf');
  const other = await session('noord2'); // another session's token does not work either
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: other.csrf }), 403, 'csrf');
});

let flow = {};
test('queue_is_oldest_first_with_access_needs_and_only_own_neighbourhoods', async () => {
  const o = await session('noord');
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  assertEq(q.status, 200, q.text);
  const list = q.json.requests;
  assert(list.length >= 3, 'several requests');
  assert(list.every((x) => x.neighbourhood === 'groningen-noord'), 'only groningen-noord');
  for (let i = 1; i < list.length; i++) assert(list[i - 1].created_at <= list[i].created_at && list[i - 1].id < list[i].id, 'oldest first');
  const first = list.find((x) => x.reference === created);
  assertEq(first.phone, '+31612345678');
  assertEq(JSON.stringify(first.needs), '["captions","sign_language"]');
  assertEq(first.status, 'queued');
  const z = await login('zuid').catch(() => null); // zuid may be rate limited by the brute-force test
  flow = { o, id: first.id, zuidReq: null, z };
});

test('hostile_another_neighbourhoods_request_is_403', async () => {
  const o = flow.o;
  const body = valid({ neighbourhood: 'groningen-zuid' });
  const r = await call('POST', '/api/v1/requests', { body });
  assertEq(r.status, 201);
  // Find its id: ids are sequential, so probe from the known one upwards.
  let zid = null;
  for (let id = flow.id; id < flow.id + 200 && !zid; id++) {
    const x = await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: o.csrf });
    if (x.status === 403) { assertRefusal(x, 403, 'forbidden'); zid = id; }
    else if (x.status === 200) await call('POST', `/api/v1/officer/requests/${id}/close`, { cookie: o.cookie, csrf: o.csrf, body: {} });
  }
  assert(zid, 'a groningen-zuid request refused with 403');
});

test('claim_is_exclusive', async () => {
  const phone = nextPhone();
  const r = await call('POST', '/api/v1/requests', { body: valid({ phone }) });
  const o = flow.o, other = await session('noord2');
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  const item = q.json.requests.find((x) => x.reference === r.json.reference);
  const c1 = await call('POST', `/api/v1/officer/requests/${item.id}/claim`, { cookie: o.cookie, csrf: o.csrf });
  assertEq(c1.status, 200, c1.text);
  assertRefusal(await call('POST', `/api/v1/officer/requests/${item.id}/claim`, { cookie: other.cookie, csrf: other.csrf }), 409, 'already_claimed');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${item.id}/video`, { cookie: other.cookie, csrf: other.csrf }), 409, 'not_claimed_by_you');
  const q2 = await call('GET', '/api/v1/officer/queue', { cookie: other.cookie });
  assertEq(q2.json.requests.find((x) => x.id === item.id).claimed_by, 'Wijkagent Noord');
  flow.claimed = { id: item.id, phone, reference: r.json.reference };
});

test('the_evidence_store_keeps_a_recording_part_by_part_for_its_officer_only', async () => {
  const o = flow.o, other = await session('noord2'), zuid = await session('zuid'), id = flow.claimed.id;
  const bytes = (n, v) => Buffer.alloc(n, v);
  const part = (rid, offset, body, who = o, headers = {}) => call('POST', `/api/v1/officer/recordings/${rid}/file`,
    { cookie: who.cookie, csrf: who.csrf, body, headers: { 'Content-Type': 'application/octet-stream', 'Upload-Offset': String(offset), ...headers } });
  // Only for a request of the officer's own neighbourhoods, and only logged in.
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/recording`, { cookie: zuid.cookie, csrf: zuid.csrf, body: {} }), 403, 'forbidden');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/recording`, { body: {} }), 401, 'not_logged_in');
  const made = await call('POST', `/api/v1/officer/requests/${id}/recording`, { cookie: o.cookie, csrf: o.csrf, body: {} });
  assertEq(made.status, 201, made.text);
  const rid = made.json.id;
  assertEq(JSON.stringify(made.json), JSON.stringify({ id: rid, request: id, size: 0, sealed: false, manifest: false }));
  // Parts follow on from what is kept; a part at the wrong offset is refused with the offset to go on from.
  assertEq((await part(rid, 0, bytes(1000, 1))).json.size, 1000);
  const gap = await part(rid, 2000, bytes(10, 2));
  assertRefusal(gap, 409, 'recording_offset');
  assertEq(gap.json.error.size, 1000);
  // A part sent twice (its answer lost) is not kept twice: the store says it has it.
  assertEq((await part(rid, 1000, bytes(500, 3))).json.size, 1500);
  const again = await part(rid, 1000, bytes(500, 3));
  assertRefusal(again, 409, 'recording_offset');
  assertEq(again.json.error.size, 1500);
  // Another officer does not see it, cannot add to it or read it; CSRF and the type are checked.
  assertRefusal(await part(rid, 1500, bytes(10, 4), other), 404, 'not_found');
  assertRefusal(await call('GET', `/api/v1/officer/recordings/${rid}/file`, { cookie: other.cookie }), 404, 'not_found');
  assertRefusal(await part(rid, 1500, bytes(10, 4), { cookie: o.cookie, csrf: 'x'.repeat(43) }), 403, 'csrf');
  assertRefusal(await part(rid, 1500, bytes(10, 4), o, { 'Content-Type': 'video/webm' }), 415, 'unsupported_media_type');
  assertRefusal(await part(rid, 1500, Buffer.alloc(0)), 413, 'too_large');
  // A part larger than the store takes is refused before it is read; so is any large body without a session.
  const path = `/api/v1/officer/recordings/${rid}/file`, octets = { 'Content-Type': 'application/octet-stream', 'Upload-Offset': '1500' };
  const big = await announced(path, { ...octets, Cookie: o.cookie, 'X-CSRF-Token': o.csrf }, (8 << 20) + 1);
  assert(big.status === 413 && /"too_large"/.test(big.text) && !big.sent, `${big.status} ${big.text} (sent: ${big.sent})`);
  const stranger = await announced(path, octets, 4 << 20);
  assert(stranger.status === 401 && /"not_logged_in"/.test(stranger.text) && !stranger.sent, `${stranger.status} ${stranger.text}`);
  // The manifest so far is kept if it is one; the last one needs the police root to be checked.
  assertRefusal(await call('POST', `/api/v1/officer/recordings/${rid}/manifest`, { cookie: o.cookie, csrf: o.csrf, body: { format: 'other' } }), 422, 'recording_invalid');
  const m = await call('POST', `/api/v1/officer/recordings/${rid}/manifest`, { cookie: o.cookie, csrf: o.csrf, body: { format: 'beeldbel-recording-1' } });
  assertEq(m.status, 200, m.text);
  assertRefusal(await call('POST', `/api/v1/officer/recordings/${rid}/manifest?last=1`, { cookie: o.cookie, csrf: o.csrf, body: { format: 'beeldbel-recording-1' } }), 503, 'evidence_unavailable');
  // What it holds comes back as it was sent, and the status says how much.
  const st = await call('GET', `/api/v1/officer/recordings/${rid}`, { cookie: o.cookie });
  assertEq(JSON.stringify(st.json), JSON.stringify({ id: rid, request: id, size: 1500, sealed: false, manifest: true }));
  const res = await fetch(`${svc.base}/api/v1/officer/recordings/${rid}/file`, { headers: { Cookie: o.cookie } });
  const got = Buffer.from(await res.arrayBuffer());
  assertEq(res.headers.get('content-type'), 'video/webm');
  assert(got.length === 1500 && got.subarray(0, 1000).every((b) => b === 1) && got.subarray(1000).every((b) => b === 3), 'the bytes as sent');
  assertRefusal(await call('GET', '/api/v1/officer/recordings/999999', { cookie: o.cookie }), 404, 'not_found');
  assertRefusal(await call('POST', `/api/v1/officer/recordings/${rid}`, { cookie: o.cookie, csrf: o.csrf, body: {} }), 405, 'method_not_allowed');
  // The audit log: who (an officer's id) did what to which recording, and when; nothing about the people in it.
  const audit = execFileSync('sqlite3', [db, `SELECT officer_id, action FROM recording_audit WHERE recording_id = ${rid} ORDER BY rowid`], { encoding: 'utf8' });
  assertEq(audit.trim().split('\n').map((l) => l.split('|')[1]).join(','), 'created,downloaded');
  assert(existsSync(join(`${db}-evidence`, `${rid}.webm`)), 'the file beside the database');
});

test('hostile_officer_actions', async () => {
  const o = flow.o, id = flow.claimed.id;
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/phone`, { cookie: o.cookie, csrf: o.csrf, body: { outcome: 'arrested' } }), 400, 'invalid_outcome');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/notes`, { cookie: o.cookie, csrf: o.csrf, body: { note: 'x', extra: 1 } }), 400, 'unknown_field');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/notes`, { cookie: o.cookie, csrf: o.csrf, body: { note: 'x'.repeat(2001) } }), 400, 'invalid_note');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: o.csrf, body: { force: true } }), 400, 'unknown_field');
  assertRefusal(await call('POST', '/api/v1/officer/requests/99999999999999/claim', { cookie: o.cookie, csrf: o.csrf }), 404, 'not_found');
  assertRefusal(await call('POST', '/api/v1/officer/requests/999999999999999999999/claim', { cookie: o.cookie, csrf: o.csrf }), 404, 'not_found');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/delete`, { cookie: o.cookie, csrf: o.csrf }), 404, 'not_found');
  assertRefusal(await call('POST', `/api/v1/officer/requests/-1/claim`, { cookie: o.cookie, csrf: o.csrf }), 404, 'not_found');
});

test('interpreter_needs_a_video_call_first', async () => {
  const o = flow.o, id = flow.claimed.id;
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/interpreter`, { cookie: o.cookie, csrf: o.csrf }), 409, 'no_call');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/interpreter`, { cookie: o.cookie }), 403, 'csrf');
});

let invite;
test('video_creates_room_and_invitation_both_sides_get_credentials_for_the_same_room', async () => {
  const o = flow.o, id = flow.claimed.id;
  const v = await call('POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
  assertEq(v.status, 200, v.text);
  const m = /^http:\/\/127\.0\.0\.1:8470\/demo\/#invite=([A-Za-z0-9_-]{43})$/.exec(v.json.invitation_url);
  assert(m, v.json.invitation_url);
  const room = janus.rooms.get(v.json.call.room);
  assert(room, 'room created in Janus');
  assertEq(room.admin_key, ADMIN_KEY);
  assertEq(room.pin, v.json.call.pin);
  assert(room.secret && room.secret !== room.pin && room.secret.length >= 32, 'own room secret');
  assert(janusTokenValid(v.json.call.janus_token, SECRET), 'officer token valid');
  assert(v.json.call.participant_id.startsWith('officer-'));
  // The room lets in only tokens on its list, and subscribers only with a joined publisher's id.
  assertEq([...room.allowed].join(), v.json.call.janus_token, 'the officer\'s token, and only that, is listed');
  assertEq(room.require_pvtid, true);
  assert(v.json.call.janus_token.includes(`,bb-call-${v.json.call.room}-officer-`), v.json.call.janus_token);
  // When Janus cannot list the citizen's token, the link is not used up: a later click works.
  janus.down = true;
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: m[1] } }), 503, 'call_unavailable');
  janus.down = false;
  const r = await call('POST', '/api/v1/invitations/redeem', { body: { token: m[1] } });
  assertEq(r.status, 200, r.text);
  assert(room.allowed.has(r.json.janus_token) && room.allowed.size === 2, 'the citizen\'s token is listed');
  assert(r.json.janus_token.includes(`,bb-call-${r.json.room}-${r.json.participant_id}:`), r.json.janus_token);
  for (const [id, other] of janus.rooms) if (id !== r.json.room) assert(!other.allowed.has(r.json.janus_token), 'on no other room\'s list');
  assertEq(r.json.room, v.json.call.room);
  assertEq(r.json.pin, v.json.call.pin);
  // The call's end-to-end secret is none of the service's business: neither side gets one from it.
  assert(!('invitation_secret' in r.json) && !('invitation_secret' in v.json.call), r.text);
  assert(janusTokenValid(r.json.janus_token, SECRET), 'citizen token valid');
  assert(r.json.participant_id.startsWith('citizen-'));
  assertEq(r.json.role, 'citizen');
  assertEq(r.json.officer.display_name, 'Wijkagent Noord');
  // The officer number the citizen's widget checks the certificate against.
  assertEq(r.json.officer.number, '200001');
  assertEq(r.json.janus_url, 'ws://127.0.0.1:8188');
  const s = await call('POST', '/api/v1/requests/status', { body: { reference: flow.claimed.reference, phone: flow.claimed.phone } });
  assertEq(s.json.status, 'in_call');
  invite = m[1];
});

test('video_call_backs_are_limited_per_officer', async () => {
  const o = await login('noord3');
  const r = await call('POST', '/api/v1/requests', { body: valid() });
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  const id = q.json.requests.find((x) => x.reference === r.json.reference).id;
  assertEq((await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: o.csrf })).status, 200);
  const rooms = janus.rooms.size;
  for (let i = 0; i < 10; i++) {
    const v = await call('POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
    assertEq(v.status, 200, v.text);
  }
  const v = await call('POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
  assertRefusal(v, 429, 'rate_limited');
  assert(Number(v.headers.get('retry-after')) >= 1, 'Retry-After');
  assertEq(janus.rooms.size, rooms + 10, 'no room made for the refused one');
  // Another officer is not held back by it.
  const other = await session('noord2');
  const r2 = await call('POST', '/api/v1/requests', { body: valid() });
  const q2 = await call('GET', '/api/v1/officer/queue', { cookie: other.cookie });
  const id2 = q2.json.requests.find((x) => x.reference === r2.json.reference).id;
  assertEq((await call('POST', `/api/v1/officer/requests/${id2}/claim`, { cookie: other.cookie, csrf: other.csrf })).status, 200);
  assertEq((await call('POST', `/api/v1/officer/requests/${id2}/video`, { cookie: other.cookie, csrf: other.csrf })).status, 200);
  // Closing both ends their rooms (the next tests count the rest).
  assertEq((await call('POST', `/api/v1/officer/requests/${id}/close`, { cookie: o.cookie, csrf: o.csrf, body: {} })).status, 200);
  assertEq((await call('POST', `/api/v1/officer/requests/${id2}/close`, { cookie: other.cookie, csrf: other.csrf, body: {} })).status, 200);
  assertEq(janus.rooms.size, rooms, 'their rooms are destroyed');
});

test('interpreters_get_links_of_their_own_into_the_same_call', async () => {
  const o = flow.o, id = flow.claimed.id;
  const auth = { cookie: o.cookie, csrf: o.csrf };
  const tokenOf = (v) => /^http:\/\/127\.0\.0\.1:8470\/demo\/#invite=([A-Za-z0-9_-]{43})$/.exec(v.json.invitation_url)?.[1];
  const links = [];
  for (let i = 0; i < 3; i++) {
    const v = await call('POST', `/api/v1/officer/requests/${id}/interpreter`, auth);
    assertEq(v.status, 200, v.text);
    assertEq(v.json.role, 'interpreter');
    assert(tokenOf(v), v.json.invitation_url);
    links.push(tokenOf(v));
  }
  assertEq(new Set(links).size, 3, 'three different links');
  // A call holds five: officer, citizen and three interpreters.
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/interpreter`, auth), 409, 'too_many_participants');
  // Each link admits one interpreter to the citizen's room, once.
  const first = await call('POST', '/api/v1/invitations/redeem', { body: { token: links[0] } });
  assertEq(first.status, 200, first.text);
  assertEq(first.json.role, 'interpreter');
  assert(first.json.participant_id.startsWith('interpreter-'), first.json.participant_id);
  assertEq(first.json.officer.number, '200001');
  const room = first.json.room;
  assert(janus.rooms.get(room)?.allowed.has(first.json.janus_token), 'on the citizen\'s room\'s list');
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: links[0] } }), 410, 'invitation_used');
  const second = await call('POST', '/api/v1/invitations/redeem', { body: { token: links[1] } });
  assertEq(second.json.room, room);
  assert(second.json.participant_id !== first.json.participant_id, 'an own participant id each');
  // An interpreter's link does not retire the citizen's (used) one or another interpreter's.
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: invite } }), 410, 'invitation_used');
  // A new call makes the old call's unused interpreter links unknown, and has room for three again.
  const v = await call('POST', `/api/v1/officer/requests/${id}/video`, auth);
  assertEq(v.status, 200, v.text);
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: links[2] } }), 404, 'invitation_unknown');
  const again = await call('POST', `/api/v1/officer/requests/${id}/interpreter`, auth);
  assertEq(again.status, 200, again.text);
  const r = await call('POST', '/api/v1/invitations/redeem', { body: { token: tokenOf(again) } });
  assertEq(r.json.room, v.json.call.room, 'into the new room');
});

test('a_colleague_joins_with_a_link_of_their_own_and_their_own_login', async () => {
  const o = flow.o, id = flow.claimed.id;
  const v = await call('POST', `/api/v1/officer/requests/${id}/colleague`, { cookie: o.cookie, csrf: o.csrf });
  assertEq(v.status, 200, v.text);
  assertEq(v.json.role, 'colleague');
  const token = /^http:\/\/127\.0\.0\.1:8472\/console\/#join=([A-Za-z0-9_-]{43})$/.exec(v.json.invitation_url)?.[1];
  assert(token, v.json.invitation_url);
  // Not through the citizens' door (and trying leaves it unused) ...
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token } }), 404, 'invitation_unknown');
  // ... and not without a login and its CSRF token.
  assertEq((await call('POST', '/api/v1/officer/invitations/redeem', { body: { token } })).status, 401);
  const colleague = await session('noord2');
  assertRefusal(await call('POST', '/api/v1/officer/invitations/redeem', { cookie: colleague.cookie, body: { token } }), 403, 'csrf');
  const r = await call('POST', '/api/v1/officer/invitations/redeem', { cookie: colleague.cookie, csrf: colleague.csrf, body: { token } });
  assertEq(r.status, 200, r.text);
  assertEq(r.json.role, 'colleague');
  assert(r.json.participant_id.startsWith('colleague-'), r.json.participant_id);
  assert(janusTokenValid(r.json.janus_token, SECRET), 'colleague token valid');
  assert(janus.rooms.get(r.json.room)?.allowed.has(r.json.janus_token), 'on the room\'s list');
  // The officer who holds the call, whom the colleague's call checks as the officer.
  assertEq(r.json.officer.number, '200001');
  assertRefusal(await call('POST', '/api/v1/officer/invitations/redeem', { cookie: colleague.cookie, csrf: colleague.csrf, body: { token } }), 410, 'invitation_used');
  // A citizen's or interpreter's link does not open the officers' door.
  const i = await call('POST', `/api/v1/officer/requests/${id}/interpreter`, { cookie: o.cookie, csrf: o.csrf });
  const itoken = i.json.invitation_url.split('#invite=')[1];
  assertRefusal(await call('POST', '/api/v1/officer/invitations/redeem', { cookie: colleague.cookie, csrf: colleague.csrf, body: { token: itoken } }), 404, 'invitation_unknown');
  assertEq((await call('POST', '/api/v1/invitations/redeem', { body: { token: itoken } })).json.role, 'interpreter');
});

test('hostile_reused_forged_and_malformed_invitations', async () => {
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: invite } }), 410, 'invitation_used');
  const forged = (invite[0] === 'A' ? 'B' : 'A') + invite.slice(1);
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: forged } }), 404, 'invitation_unknown');
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: 'short' } }), 400, 'invalid_token');
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token: invite, room: 1 } }), 400, 'unknown_field');
});

test('hostile_expired_invitation_is_410', async () => {
  const o = flow.o, id = flow.claimed.id;
  const v = await call('POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
  assertEq(v.status, 200, v.text);
  const token = v.json.invitation_url.split('#invite=')[1];
  await new Promise((r) => setTimeout(r, 3500)); // BB_CONTACT_INVITE_TTL=3
  assertRefusal(await call('POST', '/api/v1/invitations/redeem', { body: { token } }), 410, 'invitation_expired');
});

test('phone_callback_notes_and_close', async () => {
  const o = flow.o, id = flow.claimed.id, destroyedBefore = janus.destroyed.length;
  const n = await call('POST', `/api/v1/officer/requests/${id}/notes`, { cookie: o.cookie, csrf: o.csrf, body: { note: 'Burger gesproken, volgt.' } });
  assertEq(n.status, 200, n.text);
  const p = await call('POST', `/api/v1/officer/requests/${id}/phone`, { cookie: o.cookie, csrf: o.csrf, body: { outcome: 'no_answer' } });
  assertEq(p.json.status, 'inviting'); // no answer: unchanged, stays with the officer
  const c = await call('POST', `/api/v1/officer/requests/${id}/close`, { cookie: o.cookie, csrf: o.csrf, body: { outcome: 'reached' } });
  assertEq(c.status, 200, c.text);
  assertEq(c.json.status, 'done');
  // Every room made for this request (three video call-backs) is destroyed.
  assertEq(janus.destroyed.length - destroyedBefore, 3, JSON.stringify(janus.destroyed));
  assertEq(janus.rooms.size, 0);
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  assert(!q.json.requests.some((x) => x.id === id), 'closed requests leave the queue');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${id}/close`, { cookie: o.cookie, csrf: o.csrf, body: {} }), 409, 'wrong_state');
});

test('settings_that_are_not_whole_numbers_in_range_stop_the_service_with_a_clear_message', async () => {
  for (const [name, value] of [['BB_CONTACT_SESSION_IDLE', '1.5'], ['BB_CONTACT_PROXY_HOPS', '9'], ['BB_CONTACT_OPEN_DAYS', 'x']]) {
    const r = spawnSync(join(buildDir, 'bin', 'beeldbel-contact'), ['--db', join(dir, 'settings.db')],
      { env: { ...process.env, BB_CONTACT_PORT: '0', [name]: value }, encoding: 'utf8', timeout: 10000 });
    assertEq(r.status, 2, `${name}=${value}: ${r.stderr}`);
    assert(r.stderr.includes(name) && /must be a number/.test(r.stderr) && /moet een getal/.test(r.stderr), r.stderr);
  }
});

test('shipped_programs_are_built_hardened', () => {
  for (const bin of [join(buildDir, 'bin', 'beeldbel-contact'), officerBin, join(buildDir, 'bin', 'beeldbel-ca')]) {
    const dyn = spawnSync('readelf', ['-d', '-W', bin], { encoding: 'utf8' }).stdout;
    const seg = spawnSync('readelf', ['-l', '-W', bin], { encoding: 'utf8' }).stdout;
    const syms = spawnSync('readelf', ['--dyn-syms', '-W', bin], { encoding: 'utf8' }).stdout;
    assert(/BIND_NOW/.test(dyn) && /FLAGS_1.*PIE/.test(dyn), `${bin}: full RELRO and PIE\n${dyn}`);
    assert(/GNU_RELRO/.test(seg), `${bin}: RELRO segment`);
    assert(/__stack_chk_fail/.test(syms), `${bin}: stack protector`);
    assert(/__\w+_chk\b/.test(syms.replace(/__stack_chk_fail/g, '')), `${bin}: fortified libc calls`);
  }
});

test('officer_tool_refuses_short_passwords_and_takes_long_ones_whole', async () => {
  const pdb = join(dir, 'passwords.db');
  const add = (user, pw) => spawnSync(officerBin, ['--db', pdb, 'add', user, '--name', 'Wachtwoord', '--team', 'Team',
    '--neighbourhoods', 'groningen-noord', '--number', '300001', '--iterations', '10000'], { input: `${pw}\n`, encoding: 'utf8' });
  const short = add('kort', 'elf-tekens!');
  assert(short.status !== 0 && /12/.test(short.stderr), short.stderr);
  const long = `${'lang wachtwoord met spaties '.repeat(9).slice(0, 240)}é🙂`; // 246 bytes of UTF-8
  assert(Buffer.byteLength(long) <= 256 && long.length > 128);
  assertEq(add('lang', long).status, 0);
  const s2 = await startContact({ db: pdb });
  try {
    const ok = await api(s2.base, 'POST', '/api/v1/officer/login', { body: { username: 'lang', password: long } });
    assertEq(ok.status, 200, ok.text);
    const cut = await api(s2.base, 'POST', '/api/v1/officer/login', { body: { username: 'lang', password: long.slice(0, 200) } });
    assertEq(cut.status, 401, 'no truncation: a prefix is not the password');
  } finally { await s2.stop(); }
});

test('an_officer_with_a_second_factor_needs_this_moments_code_once', async () => {
  addOfficer(db, 'tweefactor', { name: 'Twee Factor', neighbourhoods: 'groningen-noord', password: PASSWORD, number: '200009' });
  const made = spawnSync(officerBin, ['--db', db, 'totp', 'tweefactor'], { encoding: 'utf8' });
  assertEq(made.status, 0, made.stderr);
  const secret = /^secret ([A-Z2-7]{32})$/m.exec(made.stdout)[1];
  assert(new RegExp(`^otpauth://totp/Beeldbel:tweefactor\\?secret=${secret}&issuer=Beeldbel`, 'm').test(made.stdout), made.stdout);
  const from = '198.51.100.99';
  const try_ = (code) => call('POST', '/api/v1/officer/login', { body: { username: 'tweefactor', password: PASSWORD, ...(code && { code }) }, xff: from });
  // Password alone, a wrong code, a malformed one: all the same answer as a wrong password.
  const none = await try_();
  assertRefusal(none, 401, 'login_failed');
  const now = totp(secret);
  const wrong = String((Number(now) + 1) % 1000000).padStart(6, '0');
  assertEq((await try_(wrong)).text, none.text);
  assertRefusal(await try_('12345'), 400, 'invalid_credentials');
  const ok = await try_(now);
  assertEq(ok.status, 200, ok.text);
  // The same code again (someone who watched it typed): refused.
  assertRefusal(await try_(now), 401, 'login_failed');
  // The next half minute's code already works (a phone's clock may run ahead); then the earlier one never again.
  assertEq((await try_(totp(secret, Date.now() + 30000))).status, 200);
  assertRefusal(await try_(now), 401, 'login_failed');
  // A new second factor ends the sessions made with the old one.
  const cookie = ok.headers.get('set-cookie').split(';')[0];
  assertEq(spawnSync(officerBin, ['--db', db, 'totp-reset', 'tweefactor']).status, 0);
  assertRefusal(await call('GET', '/api/v1/officer/queue', { cookie }), 401, 'not_logged_in');
});

test('the_service_centre_enters_a_request_for_a_caller_with_consent_and_does_nothing_else', async () => {
  const sc = await login('balie');
  assertEq(sc.officer.role, 'service_centre');
  const auth = { cookie: sc.cookie, csrf: sc.csrf };
  const caller = valid({ name: 'Bert Beller', phone: nextPhone(), topic: 'Belde 0900-8844 over geluidsoverlast' });
  // Only with the caller's consent; without the CSRF token not at all.
  assertRefusal(await call('POST', '/api/v1/officer/requests', { ...auth, body: caller }), 400, 'consent_required', 'consent');
  assertRefusal(await call('POST', '/api/v1/officer/requests', { ...auth, body: { ...caller, consent: false } }), 400, 'consent_required', 'consent');
  assertRefusal(await call('POST', '/api/v1/officer/requests', { cookie: sc.cookie, body: { ...caller, consent: true } }), 403, 'csrf');
  const made = await call('POST', '/api/v1/officer/requests', { ...auth, body: { ...caller, consent: true } });
  assertEq(made.status, 201, made.text);
  assert(/^BB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(made.json.reference), made.text);
  // The officers of the neighbourhood see it, marked as taken by phone.
  const o = await session('noord');
  const row = (await call('GET', '/api/v1/officer/queue', { cookie: o.cookie })).json.requests.find((x) => x.reference === made.json.reference);
  assert(row && row.via_phone === true && row.name === 'Bert Beller', JSON.stringify(row));
  assert((await call('GET', '/api/v1/officer/queue', { cookie: o.cookie })).json.requests.filter((x) => x.via_phone).every((x) => x.reference === made.json.reference), 'only that one');
  // The caller can follow it like anyone: reference and phone number.
  assertEq((await call('POST', '/api/v1/requests/status', { body: { reference: made.json.reference, phone: caller.phone } })).json.status, 'queued');
  // Nothing else for the service centre: no queue, no actions; and an officer enters no phone requests.
  assertRefusal(await call('GET', '/api/v1/officer/queue', { cookie: sc.cookie }), 403, 'forbidden_role');
  assertRefusal(await call('POST', `/api/v1/officer/requests/${row.id}/claim`, auth), 403, 'forbidden_role');
  assertRefusal(await call('POST', '/api/v1/officer/invitations/redeem', { ...auth, body: { token: 'A'.repeat(43) } }), 403, 'forbidden_role');
  assertRefusal(await call('POST', '/api/v1/officer/requests', { cookie: o.cookie, csrf: o.csrf, body: { ...caller, consent: true } }), 403, 'forbidden_role');
  assertEq((await call('GET', '/api/v1/officer/session', { cookie: sc.cookie })).status, 200);
  // A citizen cannot pass a request off as the service centre's.
  assertRefusal(await call('POST', '/api/v1/requests', { body: { ...caller, consent: true } }), 400, 'unknown_field');
});

test('requests_past_their_time_window_come_first_in_the_queue', async () => {
  const later = new Date(Date.now() + 10 * 86400e3).toISOString().slice(0, 10);
  const x = (await call('POST', '/api/v1/requests', { body: valid({ window: 'evening', date: later }) })).json.reference;
  const y = (await call('POST', '/api/v1/requests', { body: valid({ window: 'any' }) })).json.reference;
  // Made days ago (the database as the service left it, changed beside it as an older one would be):
  // x for a day still to come, y for a window long over.
  const age = (ref, days) => execFileSync('sqlite3', [db, `UPDATE requests SET created_at = created_at - ${days * 86400} WHERE reference = '${ref}'`]);
  age(x, 5);
  age(y, 2);
  const o = await session('noord');
  const rows = (await call('GET', '/api/v1/officer/queue', { cookie: o.cookie })).json.requests;
  const rx = rows.findIndex((r) => r.reference === x), ry = rows.findIndex((r) => r.reference === y);
  assert(rx >= 0 && ry >= 0, 'both in the queue');
  assertEq(rows[ry].overdue, true);
  assertEq(rows[rx].overdue, false);
  assert(ry < rx, 'the late one first, though the other is older');
  assert(rows.slice(0, ry).every((r) => r.overdue), 'after every other late one only');
  assert(new Date(rows[rx].window_ends_at) > new Date(Date.now() + 9 * 86400e3), rows[rx].window_ends_at);
  assert(new Date(rows[ry].window_ends_at) < new Date(), rows[ry].window_ends_at);
});

test('after_a_call_the_citizen_may_answer_two_questions_once_and_anonymously', async () => {
  // A video call for a new request: the citizen's redeem brings a one-time token for the questions.
  const o = await session('noord');
  const made = (await call('POST', '/api/v1/requests', { body: valid({ name: 'Vera Vragen' }) })).json.reference;
  const id = (await call('GET', '/api/v1/officer/queue', { cookie: o.cookie })).json.requests.find((x) => x.reference === made).id;
  assertEq((await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: o.csrf })).status, 200);
  const v = await call('POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
  const token = v.json.invitation_url.split('#invite=')[1];
  const r = await call('POST', '/api/v1/invitations/redeem', { body: { token } });
  assert(/^[A-Za-z0-9_-]{43}$/.test(r.json.feedback_token ?? ''), r.text);
  assert(!('feedback_token' in v.json.call), 'the officer gets none');
  const fb = r.json.feedback_token;
  assertRefusal(await call('POST', '/api/v1/feedback', { body: { token: fb, how: 9 } }), 400, 'invalid_answer', 'how');
  assertRefusal(await call('POST', '/api/v1/feedback', { body: { token: fb } }), 400, 'missing_field', 'how');
  assertRefusal(await call('POST', '/api/v1/feedback', { body: { token: fb, how: 4, reference: made } }), 400, 'unknown_field');
  const sent = await call('POST', '/api/v1/feedback', { body: { token: fb, how: 4, again: 'yes' } });
  assertEq(sent.status, 200, sent.text);
  // Once only; a made-up token is the same unknown.
  assertRefusal(await call('POST', '/api/v1/feedback', { body: { token: fb, how: 1 } }), 404, 'feedback_unknown');
  assertRefusal(await call('POST', '/api/v1/feedback', { body: { token: 'A'.repeat(43), how: 1 } }), 404, 'feedback_unknown');
  // Nothing ties the answer to the request or the person: the token's row holds neighbourhood and week only.
  const columns = execFileSync('sqlite3', [db, 'PRAGMA table_info(feedback_tokens)'], { encoding: 'utf8' });
  assertEq(columns.trim().split('\n').map((l) => l.split('|')[1]).join(), 'token_hash,neighbourhood,week,expires_at');
});

test('team_leads_read_the_pilots_figures_and_nothing_in_them_is_about_a_person', async () => {
  const lead = await login('leiding');
  assertEq(lead.officer.role, 'team_lead');
  const r = await call('GET', '/api/v1/officer/pilot', { cookie: lead.cookie });
  assertEq(r.status, 200, r.text);
  const week = r.json.weeks.find((w) => w.neighbourhood === 'groningen-noord');
  assert(week && /^\d{4}-W\d{2}$/.test(week.week), r.text);
  // This suite made many requests in Groningen-Noord, a few of them by phone, one video call.
  assert(week.requests >= 20 && week.video >= 5, JSON.stringify(week));
  assert(week.via_phone === '<5' && week.video_calls === '<5', `small counts hidden: ${JSON.stringify(week)}`);
  assert(week.feedback === '<5' && week.again_yes === '<5' && week.avg_how === null, `answers counted, hidden: ${JSON.stringify(week)}`);
  assert(r.json.weeks.every((w) => w.neighbourhood === 'groningen-noord'), 'only the lead\'s neighbourhoods');
  const csv = await call('GET', '/api/v1/officer/pilot.csv', { cookie: lead.cookie });
  assertEq(csv.status, 200);
  assert(csv.headers.get('content-type').startsWith('text/csv') && /attachment/.test(csv.headers.get('content-disposition')), 'a download');
  assert(csv.text.startsWith('week,neighbourhood,requests,'), csv.text.slice(0, 80));
  // The JSON names the same columns as the CSV, in its order.
  assertEq(['week', 'neighbourhood', ...r.json.columns].join(), csv.text.split('\r\n')[0]);
  // Nothing this suite typed about a person is in it.
  for (const marker of ['Anna', 'Bert', 'Vera', 'Vries', '+31', '06 2', 'example.nl', 'Overlast', 'geluid', 'BB-', 'Wijkagent']) {
    assert(!csv.text.includes(marker) && !r.text.includes(marker), `${marker} in the figures`);
  }
  // Officers and the service centre do not read them; team leads do nothing else.
  const o = await session('noord');
  assertRefusal(await call('GET', '/api/v1/officer/pilot', { cookie: o.cookie }), 403, 'forbidden_role');
  assertRefusal(await call('GET', '/api/v1/officer/pilot.csv', { cookie: (await session('balie')).cookie }), 403, 'forbidden_role');
  assertRefusal(await call('GET', '/api/v1/officer/queue', { cookie: lead.cookie }), 403, 'forbidden_role');
  assertRefusal(await call('GET', '/api/v1/officer/pilot'), 401, 'not_logged_in');
});

test('an_account_without_a_second_factor_enrols_one_at_its_first_login', async () => {
  addOfficer(db, 'nieuw', { name: 'Nieuwe Agent', neighbourhoods: 'groningen-noord', password: PASSWORD, number: '200010' });
  const from = '198.51.100.98';
  const try_ = (code, password = PASSWORD) => call('POST', '/api/v1/officer/login', { body: { username: 'nieuw', password, ...(code && { code }) }, xff: from });
  // A wrong password is told nothing more than before.
  assertRefusal(await try_(undefined, 'not the password'), 401, 'login_failed');
  // The right one alone: a key to enrol, as text, otpauth:// link and QR code; no session.
  const offer = await try_();
  assertEq(offer.status, 200, offer.text);
  assertEq(offer.headers.get('set-cookie'), null, 'no session before the second factor');
  assert(!('csrf_token' in offer.json), offer.text);
  const { secret, uri, qr } = offer.json.enrol;
  assert(/^[A-Z2-7]{32}$/.test(secret), secret);
  assertEq(uri, `otpauth://totp/Beeldbel:nieuw?secret=${secret}&issuer=Beeldbel&algorithm=SHA1&digits=6&period=30`);
  assert(qr.length >= 21 && qr.length <= 53 && qr.every((row) => row.length === qr.length && /^[01]+$/.test(row)), 'a square of modules');
  // Until the first code, every login offers the same key (the app scanned it once).
  assertEq((await try_()).json.enrol.secret, secret);
  // A wrong code is a failed login; the right one enrols and logs in.
  const now = totp(secret);
  assertRefusal(await try_(String((Number(now) + 1) % 1000000).padStart(6, '0')), 401, 'login_failed');
  const ok = await try_(now);
  assertEq(ok.status, 200, ok.text);
  assert(ok.json.csrf_token && ok.headers.get('set-cookie'), ok.text);
  // From now on the password alone is a failed login, and the code works once.
  assertRefusal(await try_(), 401, 'login_failed');
  assertRefusal(await try_(now), 401, 'login_failed');
  // A reset (a lost phone): the next login offers a new key.
  assertEq(spawnSync(officerBin, ['--db', db, 'totp-reset', 'nieuw']).status, 0);
  const again = await try_();
  assertEq(again.status, 200, again.text);
  assert(again.json.enrol.secret !== secret, 'a new key after a reset');
});

test('officer_tool_needs_a_valid_officer_number', () => {
  const tdb = join(dir, 'numbers.db');
  const tool = (args) => spawnSync(officerBin, ['--db', tdb, ...args], { input: `${PASSWORD}\n`, encoding: 'utf8' });
  const base = ['add', 'kees', '--name', 'Kees Weg', '--team', 'Team', '--neighbourhoods', 'groningen-noord', '--iterations', '10000'];
  const none = tool(base);
  assert(none.status !== 0 && /--number/.test(none.stderr), none.stderr);
  const bad = tool([...base, '--number', '12 34']);
  assert(bad.status !== 0 && /agentnummer/.test(bad.stderr), bad.stderr);
  // Citizens read an officer's name and team: no direction tricks there either.
  const lying = tool(['add', 'kees', '--name', 'Kees\u202eWeg', '--team', 'Team', '--neighbourhoods', 'groningen-noord',
    '--iterations', '10000', '--number', '300001']);
  assert(lying.status !== 0 && /leesrichting/.test(lying.stderr) && /reading direction|direction-control/.test(lying.stderr), lying.stderr);
  assertEq(tool([...base, '--number', '300001']).status, 0);
  assertEq(tool(['number', 'kees', '300002']).status, 0);
  const unknown = tool(['number', 'nobody', '300003']);
  assert(unknown.status !== 0 && /no such user/.test(unknown.stderr), unknown.stderr);
});

test('sessions_end_after_idle_time_and_after_their_maximum_whatever_the_use', async () => {
  const sdb = join(dir, 'sessions.db');
  addOfficer(sdb, 'idle', { name: 'Stil', neighbourhoods: 'groningen-noord', password: PASSWORD });
  const run = async (env, steps) => {
    const s2 = await startContact({ db: sdb, env });
    try {
      const l = await officerLogin(s2.base, 'idle', PASSWORD);
      assertEq(l.status, 200, l.text);
      const cookie = l.headers.get('set-cookie').split(';')[0];
      for (const [waitMs, status] of steps) {
        await new Promise((r) => setTimeout(r, waitMs));
        const q = await api(s2.base, 'GET', '/api/v1/officer/queue', { cookie });
        assertEq(q.status, status, `after ${waitMs} ms: ${q.text}`);
      }
    } finally { await s2.stop(); }
  };
  // Idle 3 s (whole seconds): each use keeps it alive; 4.5 s without one ends it.
  await run({ BB_CONTACT_SESSION_IDLE: '3' }, [[1000, 200], [1000, 200], [1000, 200], [4500, 401]]);
  // At most 4 s however busy: used every second, it still ends.
  await run({ BB_CONTACT_SESSION_MAX: '4', BB_CONTACT_SESSION_IDLE: '60' }, [[1000, 200], [1000, 200], [2600, 401]]);
});

test('session_route_says_the_idle_timeout_and_counts_as_use', async () => {
  const o = await session('noord2');
  const r = await call('GET', '/api/v1/officer/session', { cookie: o.cookie });
  assertEq(r.status, 200, r.text);
  assertEq(r.json.idle_timeout_s, 1200);
  assertRefusal(await call('GET', '/api/v1/officer/session'), 401, 'not_logged_in');
  assertRefusal(await call('POST', '/api/v1/officer/session', { cookie: o.cookie, csrf: o.csrf }), 405, 'method_not_allowed');
});

test('logout_ends_the_session', async () => {
  const o = await login('noord2');
  assertEq((await call('POST', '/api/v1/officer/logout', { cookie: o.cookie, csrf: o.csrf })).status, 200);
  assertRefusal(await call('GET', '/api/v1/officer/queue', { cookie: o.cookie }), 401, 'not_logged_in');
});

test('video_without_janus_is_503_not_a_crash', async () => {
  const svc2 = await startContact({ db: join(dir, 'nojanus.db') });
  try {
    assertRefusal(await api(svc2.base, 'POST', '/api/v1/invitations/redeem', { body: { token: 'A'.repeat(43) } }), 503, 'call_unavailable');
  } finally { await svc2.stop(); }
});

test('retention_in_the_service_deletes_closed_requests_and_keeps_open_ones', async () => {
  const rdb = join(dir, 'retention.db');
  addOfficer(rdb, 'ret', { name: 'Retentie', neighbourhoods: 'groningen-noord', password: PASSWORD });
  let s2 = await startContact({ db: rdb });
  const mk = async (phone) => (await api(s2.base, 'POST', '/api/v1/requests', { body: valid({ phone }) })).json.reference;
  const open = await mk('0611111111'), closed = await mk('0622222222');
  const l = await officerLogin(s2.base, 'ret', PASSWORD);
  const o = { cookie: l.headers.get('set-cookie').split(';')[0], csrf: l.json.csrf_token };
  const q = await api(s2.base, 'GET', '/api/v1/officer/queue', o);
  const id = q.json.requests.find((x) => x.reference === closed).id;
  assertEq((await api(s2.base, 'POST', `/api/v1/officer/requests/${id}/claim`, o)).status, 200);
  assertEq((await api(s2.base, 'POST', `/api/v1/officer/requests/${id}/close`, { ...o, body: {} })).status, 200);
  await s2.stop();
  // 30 days (default): a restart's retention run keeps everything.
  s2 = await startContact({ db: rdb });
  assertEq((await api(s2.base, 'POST', '/api/v1/requests/status', { body: { reference: closed, phone: '0622222222' } })).status, 200);
  await s2.stop();
  // Retention 0 days: the closed request goes, the open one stays.
  await new Promise((r) => setTimeout(r, 1100));
  s2 = await startContact({ db: rdb, env: { BB_CONTACT_RETENTION_DAYS: '0' } });
  try {
    assertRefusal(await api(s2.base, 'POST', '/api/v1/requests/status', { body: { reference: closed, phone: '0622222222' } }), 404, 'request_unknown');
    assertEq((await api(s2.base, 'POST', '/api/v1/requests/status', { body: { reference: open, phone: '0611111111' } })).status, 200);
    assert(/retention deleted 1 request/.test(s2.stderr()), s2.stderr());
  } finally { await s2.stop(); }
  // Requests nobody closes go too, after BB_CONTACT_OPEN_DAYS (0 here).
  s2 = await startContact({ db: rdb, env: { BB_CONTACT_OPEN_DAYS: '0' } });
  try {
    assertRefusal(await api(s2.base, 'POST', '/api/v1/requests/status', { body: { reference: open, phone: '0611111111' } }), 404, 'request_unknown');
  } finally { await s2.stop(); }
});

test('logs_hold_no_names_phone_numbers_or_topics_and_stop_is_clean', async () => {
  const { code } = await svc.stop();
  const log = svc.stderr();
  assertEq(code, 0, log);
  // When, what and how it went: enough for a timeline, nothing about whom.
  assert(/contact: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ POST \/api\/v1\/requests 201 [\d.]+ ms/.test(log), 'requests are logged');
  assert(/contact: \S+ POST \/api\/v1\/officer\/login 401 /.test(log), 'failed logins are logged');
  for (const secret of ['Anna', 'Vries', '612345678', '+316', 'Overlast', 'anna@example', PASSWORD, 'DROP TABLE'])
    assert(!log.includes(secret), `log contains ${secret}`);
  assert(!/ERROR: AddressSanitizer|runtime error/.test(log), log);
});

await run();
janus.close();
rmSync(dir, { recursive: true, force: true });
