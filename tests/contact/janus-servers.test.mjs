// Several Janus servers (BB_JANUS_SERVERS), two fake ones that check the
// service's tokens like Janus: new calls go to the one with the fewest; one
// that dies gets no new calls within 5 s; a call on it moves when one of its
// participants asks where it is now (calls/where, with the Janus token the
// service gave them): the room is made again on the other server with its
// id, secret and PIN, once, and each who asks gets a new token on its list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { startContact, addOfficer, api, officerLogin, fakeJanus, janusTokenValid } from './lib.mjs';

const SECRET = 'token-secret-for-tests', ADMIN_KEY = 'videoroom-admin-key-for-tests';
const PASSWORD = 'correct horse battery staple';
const dir = mkdtempSync(join(tmpdir(), 'bb-contact-janus-'));
const db = join(dir, 'contact.db');
const officers = ['noord1', 'noord2', 'noord3'];
for (const user of officers) addOfficer(db, user, { name: `Agent ${user}`, neighbourhoods: 'groningen-noord', password: PASSWORD });
const [ja, jb] = [await fakeJanus(SECRET, ADMIN_KEY), await fakeJanus(SECRET, ADMIN_KEY)];
const WS = { a: 'wss://janus-a.test:8188', b: 'wss://janus-b.test:8188' };
const svc = await startContact({ db, env: {
  BB_CONTACT_PROXY_HOPS: '1', BB_CONTACT_CREATE_PER_HOUR: '1000', BB_CONTACT_CALLS_PER_MINUTE: '1000',
  BB_JANUS_SERVERS: `${ja.url}|${WS.a},${jb.url}|${WS.b}`, BB_JANUS_TOKEN_SECRET: SECRET,
  BB_VIDEOROOM_ADMIN_KEY: ADMIN_KEY, BB_SITE_URL: 'http://127.0.0.1:8470' } });

let addr = 0;
const nextAddr = () => `10.2.${Math.floor(++addr / 250)}.${addr % 250 + 1}`;
let phoneN = 0;
const call = (method, path, opts = {}) => api(svc.base, method, path, { xff: nextAddr(), ...opts });
const sessions = {};
async function officer(user) {
  if (sessions[user]) return sessions[user];
  const r = await officerLogin(svc.base, user, PASSWORD, { xff: nextAddr() });
  assertEq(r.status, 200, r.text);
  return (sessions[user] = { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.json.csrf_token });
}
/** A request claimed by user and a video call-back for it (the answer in v). */
async function videoCall(user) {
  const o = await officer(user);
  const made = await call('POST', '/api/v1/requests', { body: { name: 'Anna de Vries', phone: `06 ${60000000 + ++phoneN}`,
    neighbourhood: 'groningen-noord', topic: 'Overlast', preference: 'video' } });
  assertEq(made.status, 201, made.text);
  const q = await call('GET', '/api/v1/officer/queue', { cookie: o.cookie });
  const id = q.json.requests.find((x) => x.reference === made.json.reference).id;
  assertEq((await call('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: o.csrf })).status, 200);
  const v = await call('POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
  return { id, v, o };
}
const serverOf = (room) => (ja.rooms.has(room) ? 'a' : jb.rooms.has(room) ? 'b' : null);

let onA;
test('new_calls_go_to_the_server_with_the_fewest', async () => {
  const placed = [];
  for (let i = 0; i < 4; i++) {
    const { v, id } = await videoCall('noord1');
    assertEq(v.status, 200, v.text);
    const where = serverOf(v.json.call.room);
    assertEq(v.json.call.janus_url, WS[where], 'the call names the server its room is on');
    placed.push(where);
    if (where === 'a') onA = { id, call: v.json.call };
  }
  assertEq(placed.sort().join(), 'a,a,b,b');
});

test('a_call_on_a_server_that_answers_stays_and_its_participant_gets_a_new_token', async () => {
  const r = await call('POST', '/api/v1/calls/where', { body: { janus_token: onA.call.janus_token } });
  assertEq(r.status, 200, r.text);
  assertEq(r.json.moved, false);
  assertEq(r.json.call.janus_url, WS.a);
  assertEq(r.json.call.room, onA.call.room);
  assertEq(r.json.call.participant_id, onA.call.participant_id);
  assert(janusTokenValid(r.json.call.janus_token, SECRET) && ja.rooms.get(onA.call.room).allowed.has(r.json.call.janus_token));
});

test('a_forged_or_altered_token_is_refused', async () => {
  const t = onA.call.janus_token;
  const altered = t.replace(/-officer-/, '-citizen-');
  for (const janus_token of [altered, `${t.slice(0, -2)}AA`, 'x', `9${t}`]) {
    const r = await call('POST', '/api/v1/calls/where', { body: { janus_token } });
    assertEq(r.status, r.json?.error?.code === 'invalid_token' ? 400 : 403, r.text);
    assert(r.json.error.message.nl && r.json.error.message.en);
  }
  const r = await call('POST', '/api/v1/calls/where', { body: { janus_token: t, more: 1 } });
  assertEq(r.status, 400);
});

test('a_server_that_died_gets_no_new_calls_within_5_s', async () => {
  ja.dead = true;
  const t0 = Date.now();
  let landed = null, tries = 0;
  while (Date.now() - t0 < 8000) {
    tries++;
    const { v } = await videoCall('noord2');
    if (v.status === 200) { landed = serverOf(v.json.call.room); break; }
    assertEq(v.status, 503, v.text);
    assertEq(v.json.error.code, 'call_unavailable');
    await new Promise((r) => setTimeout(r, 600));
  }
  const s = (Date.now() - t0) / 1000;
  assertEq(landed, 'b', `after ${tries} tries`);
  assert(s < 5, `a new call found the live server after ${s} s`);
  console.log(`  new calls on the live server ${s.toFixed(1)} s after the other died (${tries} tries)`);
});

test('a_call_on_a_server_that_died_moves_once_whoever_asks', async () => {
  const t0 = Date.now();
  const room = onA.call.room;
  // A busy server: the room is there at once, the answer comes a second later.
  jb.createAnswerMs = 1000;
  const [first, second] = await Promise.all([
    call('POST', '/api/v1/calls/where', { body: { janus_token: onA.call.janus_token } }),
    call('POST', '/api/v1/officer/calls/where', { body: { janus_token: onA.call.janus_token } }),
  ]);
  for (const r of [first, second]) {
    assertEq(r.status, 200, r.text);
    assertEq(r.json.call.janus_url, WS.b);
    assertEq(r.json.call.room, room);
    assertEq(r.json.call.pin, onA.call.pin);
  }
  assertEq([first.json.moved, second.json.moved].sort().join(), 'false,true', 'moved once');
  const there = jb.rooms.get(room);
  assert(there && there.pin === onA.call.pin, 'the room made again on b with its PIN');
  for (const r of [first, second]) assert(there.allowed.has(r.json.call.janus_token), 'each new token on its list');
  jb.createAnswerMs = 0;
  console.log(`  the call moved in ${((Date.now() - t0) / 1000).toFixed(2)} s after it was asked`);
});

test('a_call_whose_server_restarted_without_its_room_gets_it_back_there', async () => {
  const { v } = await videoCall('noord3');
  assertEq(v.status, 200, v.text);
  const room = v.json.call.room;
  assertEq(serverOf(room), 'b');
  jb.rooms.delete(room); // Janus b restarted: it knows no room
  const r = await call('POST', '/api/v1/calls/where', { body: { janus_token: v.json.call.janus_token } });
  assertEq(r.status, 200, r.text);
  assertEq(r.json.call.janus_url, WS.b);
  assertEq(r.json.moved, true);
  assert(jb.rooms.get(room)?.allowed.has(r.json.call.janus_token), 'made again on b, the new token listed');
});

test('an_ended_call_is_not_moved', async () => {
  const o = await officer('noord1');
  assertEq((await call('POST', `/api/v1/officer/requests/${onA.id}/close`, { cookie: o.cookie, csrf: o.csrf, body: {} })).status, 200);
  const r = await call('POST', '/api/v1/calls/where', { body: { janus_token: onA.call.janus_token } });
  assertEq(r.status, 410, r.text);
  assertEq(r.json.error.code, 'call_ended');
});

// With one Janus there is nowhere to move to: asked while it is down, the
// service says so (503) and, once it is back without its rooms, makes the
// room there again, and new calls still go to it.
test('with_one_server_a_call_waits_for_it_and_new_calls_still_go_there', async () => {
  const db1 = join(dir, 'one.db');
  addOfficer(db1, 'alleen1', { name: 'Agent alleen1', neighbourhoods: 'groningen-noord', password: PASSWORD });
  const only = await fakeJanus(SECRET, ADMIN_KEY);
  const one = await startContact({ db: db1, env: {
    BB_CONTACT_PROXY_HOPS: '1', BB_CONTACT_CREATE_PER_HOUR: '1000', BB_CONTACT_CALLS_PER_MINUTE: '1000',
    BB_JANUS_SERVERS: `${only.url}|${WS.a}`, BB_JANUS_TOKEN_SECRET: SECRET,
    BB_VIDEOROOM_ADMIN_KEY: ADMIN_KEY, BB_SITE_URL: 'http://127.0.0.1:8470' } });
  try {
    const at = (method, path, opts = {}) => api(one.base, method, path, { xff: nextAddr(), ...opts });
    const login = await officerLogin(one.base, 'alleen1', PASSWORD, { xff: nextAddr() });
    assertEq(login.status, 200, login.text);
    const o = { cookie: login.headers.get('set-cookie').split(';')[0], csrf: login.json.csrf_token };
    const videoOn = async () => {
      const made = await at('POST', '/api/v1/requests', { body: { name: 'Anna de Vries', phone: `06 ${60000000 + ++phoneN}`,
        neighbourhood: 'groningen-noord', topic: 'Overlast', preference: 'video' } });
      const q = await at('GET', '/api/v1/officer/queue', { cookie: o.cookie });
      const id = q.json.requests.find((x) => x.reference === made.json.reference).id;
      assertEq((await at('POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: o.csrf })).status, 200);
      return at('POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
    };
    const v = await videoOn();
    assertEq(v.status, 200, v.text);
    only.dead = true;
    const down = await at('POST', '/api/v1/calls/where', { body: { janus_token: v.json.call.janus_token } });
    assertEq(down.status, 503, down.text);
    assertEq(down.json.error.code, 'call_unavailable');
    only.dead = false;
    only.rooms.clear(); // back, restarted: no rooms
    const back = await at('POST', '/api/v1/calls/where', { body: { janus_token: v.json.call.janus_token } });
    assertEq(back.status, 200, back.text);
    assertEq(back.json.moved, true);
    assert(only.rooms.get(v.json.call.room)?.allowed.has(back.json.call.janus_token), 'made again, the new token listed');
    const next = await videoOn();
    assertEq(next.status, 200, `a new call after the outage: ${next.text}`);
  } finally {
    await one.stop();
    only.close();
  }
});

await run();
assertEq((await svc.stop()).code, 0);
ja.close();
jb.close();
rmSync(dir, { recursive: true, force: true });
