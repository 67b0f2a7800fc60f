// Hostile requests as the world sends them: through the web servers'
// proxies (src/system/serve.mjs: the public site for citizens' routes, the
// console's own site for officers'; the contact service trusts one hop),
// each from a client address of its own (127.0.x.y, all loopback). Every
// one must be refused with the right status and a clear Dutch and English
// message, and none may leave anything stored.
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { startServer } from '../browser/lib.mjs';
import { startContact, addOfficer, api, officerLogin } from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'bb-contact-hostile-'));
const db = join(dir, 'contact.db');
const PASSWORD = 'correct horse battery staple';
addOfficer(db, 'beide', { name: 'Wijkagent Beide', neighbourhoods: 'groningen-noord,groningen-zuid', password: PASSWORD });
// One request per address per hour would do for a citizen; here every
// request has its own address, so the limits must never be what refuses.
const svc = await startContact({ db, env: { BB_CONTACT_PROXY_HOPS: '1', BB_CONTACT_CREATE_PER_HOUR: '2',
  BB_JANUS_TOKEN_SECRET: 'token-secret-for-tests' } });
const site = mkdtempSync(join(tmpdir(), 'bb-contact-hostile-site-'));
const proxies = {
  public: await startServer(site, { BB_CONTACT_PORT: String(svc.port), BB_SITE: 'public' }),
  console: await startServer(site, { BB_CONTACT_PORT: String(svc.port), BB_SITE: 'console' }),
};
const portOf = (name) => Number(new URL(proxies[name].url).port);

let host = 0;
const nextAddress = () => { host++; return `127.0.${1 + Math.floor(host / 250)}.${1 + (host % 250)}`; };

/** One request through a site's proxy (by default the one that serves
 * the route) from its own loopback address. */
function send(method, path, { body, headers = {}, from = nextAddress(), site: via } = {}) {
  const port = portOf(via ?? (path.startsWith('/api/v1/officer/') ? 'console' : 'public'));
  const data = body === undefined ? undefined
    : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const h = { ...headers };
  if (data !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  if (data !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-length')) h['Content-Length'] = Buffer.byteLength(data);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress: from, method, path, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

let phoneN = 0;
const nextPhone = () => `06 ${String(30000000 + ++phoneN)}`;
const valid = (over = {}) => ({ name: 'Anna de Vries', phone: nextPhone(), email: 'anna@example.nl',
  neighbourhood: 'groningen-noord', topic: 'Overlast in mijn straat', preference: 'video', window: 'afternoon',
  needs: ['captions', 'sign_language'], lang: 'nl', ...over });
const without = (field) => { const b = valid(); delete b[field]; return b; };
const TOKEN = 'A'.repeat(43);

// [name, method, path, body, status, code, field?, headers?, site?]
const create = (name, body, status, code, field) => [`create_${name}`, 'POST', '/api/v1/requests', body, status, code, field];
const CASES = [
  // the citizen's request: form, encoding and every field
  create('not_json', 'not json at all', 400, 'not_json'),
  create('empty_body', '', 400, 'not_json'),
  create('json_null', 'null', 400, 'not_object'),
  create('json_array', '[1,2,3]', 400, 'not_object'),
  create('json_string', '"hello"', 400, 'not_object'),
  create('empty_object', '{}', 400, 'missing_field'),
  create('trailing_garbage', JSON.stringify(valid()) + 'x', 400, 'not_json'),
  create('unknown_field', valid({ is_admin: true }), 400, 'unknown_field'),
  create('proto_pollution', '{"__proto__":{"x":1},"name":"A"}', 400, 'unknown_field'),
  create('duplicate_field', JSON.stringify(valid()).replace(/}$/, ',"name":"Eve"}'), 400, 'duplicate_field', 'name'),
  create('name_wrong_type', valid({ name: 42 }), 400, 'wrong_type', 'name'),
  create('phone_wrong_type', valid({ phone: { n: 1 } }), 400, 'wrong_type', 'phone'),
  create('needs_wrong_type', valid({ needs: 'captions' }), 400, 'wrong_type', 'needs'),
  create('missing_topic', without('topic'), 400, 'missing_field', 'topic'),
  create('missing_phone', without('phone'), 400, 'missing_field', 'phone'),
  create('script_in_name', valid({ name: '<script>alert(1)</script>' }), 400, 'invalid_name', 'name'),
  create('img_onerror_in_name', valid({ name: '<img src=x onerror=alert(1)>' }), 400, 'invalid_name', 'name'),
  create('name_101_chars', valid({ name: 'é'.repeat(101) }), 400, 'invalid_name', 'name'),
  create('name_only_spaces', valid({ name: '   ' }), 400, 'invalid_name', 'name'),
  create('name_with_newline', valid({ name: 'Anna\r\nSet-Cookie: x=1' }), 400, 'invalid_name', 'name'),
  create('nul_escape', JSON.stringify(valid()).replace('"Anna de Vries"', '"Anna\\u0000Eve"'), 400, 'not_json'),
  create('invalid_utf8', Buffer.concat([Buffer.from('{"name":"A'), Buffer.from([0xc0, 0xaf]), Buffer.from('","phone":"0612345678","neighbourhood":"groningen-noord","topic":"x","preference":"video"}')]), 400, 'invalid_name'),
  create('topic_1001_chars', valid({ topic: 'x'.repeat(1001) }), 400, 'invalid_topic', 'topic'),
  create('name_with_rtl_override', valid({ name: 'Anna\u202e gnp.exe' }), 400, 'invisible_text', 'name'),
  create('name_with_zero_width_space', valid({ name: 'An\u200bna' }), 400, 'invisible_text', 'name'),
  create('topic_with_hidden_tag_text', valid({ topic: 'Overlast\u{E0049}\u{E0047}\u{E004E}' }), 400, 'invisible_text', 'topic'),
  create('phone_too_short', valid({ phone: '12345' }), 400, 'invalid_phone', 'phone'),
  create('phone_letters', valid({ phone: '06-CALLME-NOW' }), 400, 'invalid_phone', 'phone'),
  create('phone_premium_0900', valid({ phone: '0900 1234567' }), 400, 'invalid_phone', 'phone'),
  create('phone_sql', valid({ phone: "0612345678' OR '1'='1" }), 400, 'invalid_phone', 'phone'),
  create('email_header_injection', valid({ email: 'a@b.nl\r\nBcc: x@y.nl' }), 400, 'invalid_email', 'email'),
  create('neighbourhood_unknown', valid({ neighbourhood: 'amsterdam-centrum' }), 400, 'invalid_neighbourhood'),
  create('neighbourhood_and_postcode', valid({ postcode: '9722 AB' }), 400, 'location_conflict'),
  create('postcode_malformed', { ...without('neighbourhood'), postcode: '97 22' }, 400, 'invalid_postcode'),
  create('preference_fax', valid({ preference: 'fax' }), 400, 'invalid_preference'),
  create('window_midnight', valid({ window: 'midnight' }), 400, 'invalid_window'),
  create('date_in_past', valid({ date: '2000-01-01' }), 400, 'invalid_date'),
  create('date_feb_30', valid({ date: '2027-02-30' }), 400, 'invalid_date'),
  create('needs_unknown', valid({ needs: ['teleport'] }), 400, 'invalid_needs'),
  create('needs_repeated', valid({ needs: ['captions', 'captions'] }), 400, 'invalid_needs'),
  create('lang_fr', valid({ lang: 'fr' }), 400, 'invalid_lang'),
  create('deep_nesting', `{"needs":${'['.repeat(5000)}${']'.repeat(5000)}}`, 400, 'not_json'),
  ['create_as_text_plain', 'POST', '/api/v1/requests', JSON.stringify(valid()), 415, 'unsupported_media_type', null, { 'Content-Type': 'text/plain' }],
  ['create_as_form', 'POST', '/api/v1/requests', 'name=Anna', 415, 'unsupported_media_type', null, { 'Content-Type': 'application/x-www-form-urlencoded' }],
  ['create_declared_too_large', 'POST', '/api/v1/requests', 'x'.repeat(20000), 413, 'too_large'],
  ['create_with_a_spoofed_forwarded_for', 'POST', '/api/v1/requests', valid({ name: '<b>' }), 400, 'invalid_name', 'name', { 'X-Forwarded-For': '10.0.0.1, <script>' }],
  // looking up and cancelling: nothing to learn, nothing to break
  ['status_bad_reference', 'POST', '/api/v1/requests/status', { reference: "BB-' OR 1=1--", phone: '0612345678' }, 400, 'invalid_reference'],
  ['status_unknown_reference', 'POST', '/api/v1/requests/status', { reference: 'BB-0000-0000', phone: '0612345678' }, 404, 'request_unknown'],
  ['status_extra_field', 'POST', '/api/v1/requests/status', { reference: 'BB-0000-0000', phone: '0612345678', all: true }, 400, 'unknown_field'],
  ['status_phone_missing', 'POST', '/api/v1/requests/status', { reference: 'BB-0000-0000' }, 400, 'missing_field', 'phone'],
  ['cancel_unknown', 'POST', '/api/v1/requests/cancel', { reference: 'BB-ZZZZ-ZZZZ', phone: '0612345678' }, 404, 'request_unknown'],
  ['cancel_bad_phone', 'POST', '/api/v1/requests/cancel', { reference: 'BB-ZZZZ-ZZZZ', phone: 'x' }, 400, 'invalid_phone', 'phone'],
  // invitation links
  ['redeem_short_token', 'POST', '/api/v1/invitations/redeem', { token: 'abc' }, 400, 'invalid_token'],
  ['redeem_token_number', 'POST', '/api/v1/invitations/redeem', { token: 12345 }, 400, 'wrong_type', 'token'],
  ['redeem_unknown_token', 'POST', '/api/v1/invitations/redeem', { token: TOKEN }, 404, 'invitation_unknown'],
  ['redeem_colleague_door_without_login', 'POST', '/api/v1/officer/invitations/redeem', { token: TOKEN }, 401, 'not_logged_in'],
  // officers: no session, forged or planted sessions, bad logins
  ['queue_without_session', 'GET', '/api/v1/officer/queue', undefined, 401, 'not_logged_in'],
  ['queue_with_forged_session', 'GET', '/api/v1/officer/queue', undefined, 401, 'not_logged_in', null, { Cookie: `__Host-bb_session=${'A'.repeat(43)}` }],
  ['queue_with_sql_in_cookie', 'GET', '/api/v1/officer/queue', undefined, 401, 'not_logged_in', null, { Cookie: "__Host-bb_session=' OR 1=1 --" }],
  ['queue_with_a_planted_second_cookie', 'GET', '/api/v1/officer/queue', undefined, 401, 'not_logged_in', null, { Cookie: `__Host-bb_session=${'A'.repeat(43)}; __Host-bb_session=${'B'.repeat(43)}` }],
  ['claim_without_session', 'POST', '/api/v1/officer/requests/1/claim', undefined, 401, 'not_logged_in'],
  ['video_without_session', 'POST', '/api/v1/officer/requests/999999999999999/video', undefined, 401, 'not_logged_in'],
  ['logout_without_session', 'POST', '/api/v1/officer/logout', undefined, 401, 'not_logged_in'],
  ['phone_request_without_session', 'POST', '/api/v1/officer/requests', { ...valid(), consent: true }, 401, 'not_logged_in'],
  ['pilot_without_session', 'GET', '/api/v1/officer/pilot', undefined, 401, 'not_logged_in'],
  ['pilot_csv_with_forged_session', 'GET', '/api/v1/officer/pilot.csv', undefined, 401, 'not_logged_in', null, { Cookie: `__Host-bb_session=${'C'.repeat(43)}` }],
  ['citizen_claims_consent', 'POST', '/api/v1/requests', { ...valid(), consent: true }, 400, 'unknown_field'],
  ['login_unknown_user', 'POST', '/api/v1/officer/login', { username: 'root', password: 'hunter2hunter2' }, 401, 'login_failed'],
  ['login_wrong_password', 'POST', '/api/v1/officer/login', { username: 'beide', password: 'not the password' }, 401, 'login_failed'],
  ['login_wrong_type', 'POST', '/api/v1/officer/login', { username: ['beide'], password: 'x' }, 400, 'wrong_type', 'username'],
  ['login_extra_field', 'POST', '/api/v1/officer/login', { username: 'beide', password: PASSWORD, admin: true }, 400, 'unknown_field'],
  ['login_invisible_user_name', 'POST', '/api/v1/officer/login', { username: 'bei\u200bde', password: PASSWORD }, 400, 'invalid_credentials'],
  // the HTTP layer
  ['get_on_a_post_route', 'GET', '/api/v1/requests', undefined, 405, 'method_not_allowed'],
  ['put', 'PUT', '/api/v1/requests', valid(), 405, 'method_not_allowed'],
  ['delete_the_queue', 'DELETE', '/api/v1/officer/queue', undefined, 405, 'method_not_allowed'],
  ['get_an_action', 'GET', '/api/v1/officer/requests/1/claim', undefined, 405, 'method_not_allowed'],
  ['unknown_route', 'POST', '/api/v1/nope', {}, 404, 'not_found'],
  ['unknown_action_without_session', 'POST', '/api/v1/officer/requests/1/delete', undefined, 401, 'not_logged_in'],
  ['encoded_traversal', 'GET', '/api/v1/%2e%2e/%2e%2e/etc/passwd', undefined, 404, 'not_found'],
  ['id_too_long', 'POST', '/api/v1/officer/requests/1234567890123456/claim', undefined, 404, 'not_found'],
  ['negative_id', 'POST', '/api/v1/officer/requests/-1/claim', undefined, 404, 'not_found'],
  ['non_ascii_path', 'GET', '/api/v1/requ%C3%A9sts', undefined, 404, 'not_found'],
  ['very_long_path', 'GET', `/api/v1/${'a'.repeat(6000)}`, undefined, 404, 'not_found'],
  // each site has only its own part of the API
  ['officer_login_on_the_public_site', 'POST', '/api/v1/officer/login', { username: 'beide', password: PASSWORD }, 404, 'not_found', null, {}, 'public'],
  ['officer_queue_on_the_public_site', 'GET', '/api/v1/officer/queue', undefined, 404, 'not_found', null, {}, 'public'],
  ['phone_request_on_the_public_site', 'POST', '/api/v1/officer/requests', { ...valid(), consent: true }, 404, 'not_found', null, {}, 'public'],
  ['pilot_on_the_public_site', 'GET', '/api/v1/officer/pilot.csv', undefined, 404, 'not_found', null, {}, 'public'],
  ['citizen_request_on_the_console_site', 'POST', '/api/v1/requests', valid(), 404, 'not_found', null, {}, 'console'],
  ['invitation_on_the_console_site', 'POST', '/api/v1/invitations/redeem', { token: TOKEN }, 404, 'not_found', null, {}, 'console'],
];

test('at_least_sixty_distinct_hostile_requests', () => {
  assert(CASES.length >= 60, `${CASES.length} cases`);
  assertEq(new Set(CASES.map((c) => c[0])).size, CASES.length, 'names are distinct');
});

for (const [name, method, path, body, status, code, field, headers, via] of CASES) {
  test(`hostile_${name}`, async () => {
    const r = await send(method, path, { body, headers, site: via });
    assertEq(r.status, status, `${name}: ${r.text.slice(0, 300)}`);
    assert(r.json?.error, `a JSON error: ${r.text.slice(0, 200)}`);
    assertEq(r.json.error.code, code);
    if (field) assertEq(r.json.error.field, field);
    const { nl, en } = r.json.error.message ?? {};
    assert(typeof nl === 'string' && nl.length > 5 && typeof en === 'string' && en.length > 5 && nl !== en, 'Dutch and English text');
    assert(r.headers['content-type'].startsWith('application/json'), r.headers['content-type']);
    assertEq(r.headers['x-content-type-options'], 'nosniff');
    assert(!/script|onerror|alert\(|Set-Cookie|1=1|Eve|gnp/.test(JSON.stringify(r.json.error)), 'the answer repeats nothing the request sent');
  });
}

test('the_proxy_cuts_off_an_undeclared_body_that_grows_too_large', async () => {
  // Chunked, so no length is declared: the proxy counts and stops at 16 KiB.
  const r = await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: portOf('public'), localAddress: nextAddress(), method: 'POST',
      path: '/api/v1/requests', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    for (let i = 0; i < 40; i++) req.write('x'.repeat(1024));
    req.end();
  });
  assertEq(r.status, 413, r.text);
  assert(/te groot/.test(r.text) && /too large/.test(r.text), r.text);
});

test('a_client_still_sending_a_too_large_body_reads_the_answer', async () => {
  // 1 MiB declared and sent whole, written while the answer is read, as a browser does: the
  // proxy answers on the length, then drops the rest for a moment before it closes, so the
  // answer is not lost to a reset. Ten times, from as many addresses.
  const { connect } = await import('node:net');
  const body = 'x'.repeat(1 << 20);
  let answered = 0;
  for (let i = 0; i < 10; i++) {
    const got = await new Promise((resolve) => {
      const sock = connect({ host: '127.0.0.1', port: portOf('public'), localAddress: nextAddress() });
      let text = '';
      sock.on('data', (d) => { text += d; });
      sock.on('error', () => {});
      sock.on('close', () => resolve(text));
      sock.write(`POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      for (let k = 0; k < body.length; k += 65536) sock.write(body.slice(k, k + 65536));
    });
    if (/^HTTP\/1\.1 413/.test(got) && /"too_large"/.test(got)) answered++;
  }
  assertEq(answered, 10, 'answers read');
});

test('one_address_cannot_hold_all_the_proxys_connections', async () => {
  const { connect } = await import('node:net');
  const connectFrom = (from) => new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: portOf('public'), localAddress: from });
    s.on('connect', () => resolve(s));
    s.on('error', () => resolve(s));
  });
  const hog = '127.0.250.1';
  const sockets = [];
  for (let i = 0; i < 80; i++) sockets.push(await connectFrom(hog));
  // The proxy closes the ones over its limit (give a busy machine up to 5 s to say so).
  const open = () => sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  for (let i = 0; i < 50 && open() > 64; i++) await new Promise((r) => setTimeout(r, 100));
  const alive = open();
  // Someone else is still served meanwhile.
  const other = await send('GET', '/api/v1/health', { from: '127.0.250.2' });
  for (const s of sockets) s.destroy();
  assert(alive <= 64, `${alive} idle connections from one address kept open`);
  assertEq(other.status, 200, other.text);
});

test('none_of_them_left_anything_stored', async () => {
  const l = await officerLogin(svc.base, 'beide', PASSWORD, { xff: '198.51.100.1' });
  assertEq(l.status, 200, l.text);
  const q = await api(svc.base, 'GET', '/api/v1/officer/queue', { cookie: l.headers.get('set-cookie').split(';')[0] });
  assertEq(q.status, 200, q.text);
  assertEq(q.json.requests.length, 0, JSON.stringify(q.json.requests.map((x) => [x.name, x.topic])).slice(0, 600));
  // The refusals were counted by reason.
  const h = await api(svc.base, 'GET', '/api/v1/health');
  assert(h.json.rejected.invalid_name >= 6 && h.json.rejected.invisible_text >= 3, JSON.stringify(h.json.rejected));
});

test('a_valid_request_through_the_same_proxy_is_still_taken', async () => {
  // The limits were per address: the next citizen is not held back by the above.
  const r = await send('POST', '/api/v1/requests', { body: valid() });
  assertEq(r.status, 201, r.text);
  const again = await send('POST', '/api/v1/requests', { body: valid(), from: '127.0.200.1' });
  assertEq(again.status, 201, again.text);
});

test('the_service_stops_cleanly_and_its_log_holds_no_personal_data', async () => {
  proxies.public.stop();
  proxies.console.stop();
  const { code } = await svc.stop();
  assertEq(code, 0, svc.stderr());
  const log = svc.stderr();
  assert(!/Anna|0612345678|\+3161|Overlast|anna@example/.test(log), 'no personal data in the log');
  assert(!/ERROR: AddressSanitizer|runtime error/.test(log), log);
  rmSync(dir, { recursive: true, force: true });
  rmSync(site, { recursive: true, force: true });
});

await run();
