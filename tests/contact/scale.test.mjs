// Several instances of the contact service on one PostgreSQL (BB_TEST_DB,
// the throw-away cluster tests/run.sh starts; BB_TEST_PG_DIR its folder):
// an officer logged in at one is served by the other, a request made at one
// is in the other's queue, a claim or a link raced at both has one winner,
// the per-address limit and the login backoff count at every instance, the
// web server's proxy takes turns and passes over an instance that died, and
// PostgreSQL crashing under load loses nothing acknowledged while requests
// in flight fail clearly (503 database_unavailable) and the service goes on
// when it is back, without a restart.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { startServer } from '../browser/lib.mjs';
import { startContact, addOfficer, api, officerLogin, fakeJanus, root, pgSql, pgEmpty } from './lib.mjs';

const url = process.env.BB_TEST_DB;
const pgDir = process.env.BB_TEST_PG_DIR;
if (!url || !pgDir) {
  console.log('BB_TEST_DB and BB_TEST_PG_DIR must name the test PostgreSQL (tests/run.sh starts it)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const pgPort = new URL(url).port;

const psql = (sql) => pgSql(url, sql);
const postgres = (cmd, ...args) => execFileSync('bash', [join(root, 'src/system/postgres.sh'), cmd, pgDir, ...args],
  { stdio: ['ignore', 'pipe', 'pipe'] });

pgEmpty(url);
const SECRET = 'token-secret-for-tests', ADMIN_KEY = 'videoroom-admin-key-for-tests';
const PASSWORD = 'correct horse battery staple';
const evidence = mkdtempSync(join(tmpdir(), 'bb-contact-scale-'));
const janus = await fakeJanus(SECRET, ADMIN_KEY);
const env = {
  BB_CONTACT_PROXY_HOPS: '1', BB_CONTACT_CREATE_PER_HOUR: '4', BB_CONTACT_CALLS_PER_MINUTE: '100000',
  BB_CONTACT_EVIDENCE_DIR: evidence, BB_JANUS_HTTP_URL: janus.url, BB_JANUS_WS_URL: 'ws://127.0.0.1:8188',
  BB_JANUS_TOKEN_SECRET: SECRET, BB_VIDEOROOM_ADMIN_KEY: ADMIN_KEY, BB_SITE_URL: 'http://127.0.0.1:8470',
  BB_CONTACT_LOG_REQUESTS: '1',
};
// Both start at once on the empty database: the migrations run once.
const [a, b] = await Promise.all([startContact({ db: url, env }), startContact({ db: url, env })]);
assertEq(psql('SELECT COUNT(*) FROM schema_migrations'), psql('SELECT MAX(version) FROM schema_migrations'));
for (const [user, name] of [['noord1', 'Jan Noord'], ['noord2', 'Piet Noord']]) {
  addOfficer(url, user, { name, neighbourhoods: 'groningen-noord', password: PASSWORD });
}

let addr = 0;
const nextAddr = () => `10.1.${Math.floor(++addr / 250)}.${addr % 250 + 1}`;
let phoneN = 0;
const nextPhone = () => `06 ${String(40000000 + ++phoneN)}`;
const valid = (over = {}) => ({ name: 'Anna de Vries', phone: nextPhone(), neighbourhood: 'groningen-noord',
  topic: 'Overlast in mijn straat', preference: 'video', ...over });
const at = (svc, method, path, opts = {}) => api(svc.base, method, path, { xff: nextAddr(), ...opts });

const sessions = {};
async function login(svc, user) {
  const r = await officerLogin(svc.base, user, PASSWORD, { xff: nextAddr() });
  assertEq(r.status, 200, r.text);
  return (sessions[user] = { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.json.csrf_token });
}
async function queueIds(svc, o) {
  const q = await at(svc, 'GET', '/api/v1/officer/queue', { cookie: o.cookie });
  assertEq(q.status, 200, q.text);
  return new Map(q.json.requests.map((x) => [x.reference, x.id]));
}

test('an_officer_logged_in_at_one_instance_is_served_by_the_other', async () => {
  const o = await login(a, 'noord1');
  assertEq((await at(b, 'GET', '/api/v1/officer/session', { cookie: o.cookie })).status, 200);
  const made = await at(b, 'POST', '/api/v1/requests', { body: valid() });
  assertEq(made.status, 201, made.text);
  assert((await queueIds(a, o)).has(made.json.reference), 'a request made at b is in the queue at a');
  // Logged out at b: gone at a too.
  assertEq((await at(b, 'POST', '/api/v1/officer/logout', { cookie: o.cookie, csrf: o.csrf })).status, 200);
  assertEq((await at(a, 'GET', '/api/v1/officer/session', { cookie: o.cookie })).status, 401);
});

test('a_claim_raced_from_two_instances_has_one_winner', async () => {
  const [o1, o2] = [await login(a, 'noord1'), await login(b, 'noord2')];
  for (let i = 0; i < 8; i++) {
    const made = await at(i % 2 ? a : b, 'POST', '/api/v1/requests', { body: valid() });
    assertEq(made.status, 201, made.text);
    const id = (await queueIds(a, o1)).get(made.json.reference);
    const [r1, r2] = await Promise.all([
      at(a, 'POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o1.cookie, csrf: o1.csrf }),
      at(b, 'POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o2.cookie, csrf: o2.csrf }),
    ]);
    assertEq([r1.status, r2.status].sort().join(), '200,409', `${r1.text} / ${r2.text}`);
    assertEq((r1.status === 409 ? r1 : r2).json.error.code, 'already_claimed');
  }
});

test('an_invitation_made_at_one_instance_opens_once_at_either', async () => {
  const o = sessions.noord1;
  const made = await at(a, 'POST', '/api/v1/requests', { body: valid() });
  const id = (await queueIds(b, o)).get(made.json.reference);
  assertEq((await at(b, 'POST', `/api/v1/officer/requests/${id}/claim`, { cookie: o.cookie, csrf: o.csrf })).status, 200);
  const v = await at(a, 'POST', `/api/v1/officer/requests/${id}/video`, { cookie: o.cookie, csrf: o.csrf });
  assertEq(v.status, 200, v.text);
  const token = /#invite=([A-Za-z0-9_-]{43})$/.exec(v.json.invitation_url)[1];
  const [r1, r2] = await Promise.all([a, b].map((svc) => at(svc, 'POST', '/api/v1/invitations/redeem', { body: { token } })));
  assertEq([r1.status, r2.status].sort().join(), '200,410', `${r1.text} / ${r2.text}`);
  assertEq((r1.status === 410 ? r1 : r2).json.error.code, 'invitation_used');
});

test('the_per_address_limit_counts_at_every_instance', async () => {
  const from = '10.9.9.9';
  for (let i = 0; i < 4; i++) {
    const r = await at(i % 2 ? b : a, 'POST', '/api/v1/requests', { body: valid(), xff: from });
    assertEq(r.status, 201, `request ${i + 1} of 4: ${r.text}`);
  }
  for (const svc of [a, b]) {
    const r = await at(svc, 'POST', '/api/v1/requests', { body: valid(), xff: from });
    assertEq(r.status, 429, r.text);
    assert(Number(r.headers.get('retry-after')) > 60, 'a quarter of an hour, roughly');
  }
  assertEq((await at(b, 'POST', '/api/v1/requests', { body: valid(), xff: '10.9.9.10' })).status, 201, 'another address');
});

test('failed_logins_count_at_every_instance', async () => {
  const from = '10.8.8.8';
  // Five free failures, then lockouts of 1, 2 and 4 s: the 8th starts 4 s.
  for (let i = 0; i < 8; i++) {
    const r = await api((i % 2 ? b : a).base, 'POST', '/api/v1/officer/login',
      { xff: from, body: { username: 'noord2', password: 'wrong password', code: '000000' } });
    assert(r.status === 401 || r.status === 429, r.text);
    if (r.status === 429) await new Promise((res) => setTimeout(res, Number(r.headers.get('retry-after')) * 1000));
  }
  for (const svc of [a, b]) {
    const r = await api(svc.base, 'POST', '/api/v1/officer/login',
      { xff: from, body: { username: 'noord2', password: PASSWORD } });
    assertEq(r.status, 429, `locked at ${svc === a ? 'a' : 'b'}: ${r.text}`);
  }
});

test('the_proxy_takes_turns_and_passes_over_an_instance_that_died', async () => {
  const site = mkdtempSync(join(tmpdir(), 'bb-contact-scale-site-'));
  const proxy = await startServer(site, { BB_CONTACT_PORTS: `${a.port},${b.port}`, BB_SITE: 'public' });
  const body = valid();
  const made = await at(a, 'POST', '/api/v1/requests', { body });
  assertEq(made.status, 201, made.text);
  const lookup = { reference: made.json.reference, phone: body.phone };
  try {
    const count = (svc) => (svc.stderr().match(/POST \/api\/v1\/requests\/status \d+/g) ?? []).length;
    const [na, nb] = [count(a), count(b)];
    for (let i = 0; i < 10; i++) {
      const r = await api(proxy.url, 'POST', '/api/v1/requests/status', { body: lookup });
      assertEq(r.status, 200, r.text);
    }
    assertEq(count(a) - na, 5, 'five at a');
    assertEq(count(b) - nb, 5, 'five at b');
    await b.kill9();
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const r = await api(proxy.url, 'POST', '/api/v1/requests/status', { body: lookup });
      statuses.push(r.status === 503 ? r.json?.error?.code : r.status);
    }
    // The one sent to b as it died is refused as unavailable; the rest go to a.
    assert(statuses.filter((x) => x === 200).length >= 9, statuses.join());
    assert(statuses.every((x) => x === 200 || x === 'unavailable'), statuses.join());
  } finally {
    await proxy.stop();
    rmSync(site, { recursive: true, force: true });
  }
});

test('postgresql_crashing_under_load_loses_nothing_acknowledged', async () => {
  const c = await startContact({ db: url, env: { ...env, BB_CONTACT_CREATE_PER_HOUR: '1000000' } });
  const acked = [], refused = [], unexpected = [];
  let after = 0, crashed = false, back = false;
  const client = async (svc, stopAt) => {
    while (Date.now() < stopAt) {
      const body = valid({ topic: 'PostgreSQL herstart' });
      const r = await at(svc, 'POST', '/api/v1/requests', { body });
      if (r.status === 201) {
        acked.push({ reference: r.json.reference, phone: body.phone });
        if (back) after++;
      } else if (r.status === 503 && r.json?.error?.code === 'database_unavailable' && r.json.error.message.nl) {
        refused.push(r.status);
      } else {
        unexpected.push(`${r.status} ${r.text}`);
      }
    }
  };
  const stopAt = Date.now() + 9000;
  const clients = Array.from({ length: 12 }, (_, i) => client(i % 2 ? a : c, stopAt));
  await new Promise((r) => setTimeout(r, 2000));
  const before = acked.length;
  postgres('crash'); // immediate shutdown: no checkpoint, crash recovery at the next start
  crashed = true;
  await new Promise((r) => setTimeout(r, 1500));
  postgres('start', pgPort);
  back = true;
  await Promise.all(clients);
  assert(crashed);
  assertEq(unexpected.length, 0, unexpected.slice(0, 3).join('\n'));
  assert(before > 20, `load made only ${before} requests before the crash`);
  assert(refused.length > 0, 'the crash refused some requests (it came during the load)');
  assert(after > 20, `the service went on without a restart: ${after} made after`);
  const refs = acked.map((x) => `'${x.reference}'`).join(',');
  const found = Number(psql(`SELECT COUNT(*) FROM requests WHERE reference IN (${refs})`));
  assertEq(found, acked.length, `${acked.length - found} of ${acked.length} acknowledged requests lost`);
  for (const x of acked.slice(0, 5)) {
    assertEq((await at(c, 'POST', '/api/v1/requests/status', { body: x })).status, 200);
  }
  console.log(`  ${before} acknowledged before the crash, ${refused.length} refused as database_unavailable, `
    + `${after} made after it; all ${acked.length} found`);
  assertEq((await c.stop()).code, 0);
});

await run();
for (const svc of [a]) assertEq((await svc.stop()).code, 0);
await janus.close?.();
rmSync(evidence, { recursive: true, force: true });
