// Shared set-up for the contact-service tests: start the service (the ASan
// build by default) on a free loopback port with its own database, add
// officers with the account tool, call the API, and a fake Janus HTTP
// transport that checks the service's signed tokens and admin key.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const buildDir = resolve(root, process.env.BB_BUILD ?? 'build');
export const asanBin = join(buildDir, 'contact', 'asan', 'beeldbel-contact');
export const optBin = join(buildDir, 'bin', 'beeldbel-contact');
export const officerBin = join(buildDir, 'bin', 'beeldbel-officer');

/** How a program is told its database: a SQLite file by --db, PostgreSQL's
 * URI (with its password) in the environment, never in argv. */
function dbOf(db) {
  return /^postgres(ql)?:\/\//.test(db) ? { args: [], env: { BB_CONTACT_DB: db } } : { args: ['--db', db], env: {} };
}

/** psql on a PostgreSQL URI, the URI's parts in the environment (never
 * argv); the output, trimmed. */
export function pgSql(url, sql) {
  const u = new URL(url);
  return execFileSync('psql', ['-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: { ...process.env, PGHOST: u.hostname, PGPORT: u.port, PGUSER: decodeURIComponent(u.username),
      PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: u.pathname.slice(1) },
  }).toString().trim();
}

/** Empties a PostgreSQL test database: the service makes its schema again. */
export function pgEmpty(url) {
  pgSql(url, 'SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

/** Starts the service; resolves when it listens. */
export function startContact({ db, env = {}, bin = asanBin }) {
  return new Promise((resolveStart, reject) => {
    const where = dbOf(db);
    const proc = spawn(bin, where.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:halt_on_error=1', BB_CONTACT_PORT: '0', ...where.env, ...env },
    });
    let out = '', err = '';
    const exited = new Promise((r) => proc.on('exit', (code, sig) => r({ code, sig })));
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`contact did not start:\n${err}`)); }, 15000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({
          proc, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}`, exited,
          stderr: () => err,
          async stop() { proc.kill('SIGTERM'); return exited; },
          async kill9() { proc.kill('SIGKILL'); return exited; },
        });
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`contact exited ${code}:\n${err}`)); });
  });
}

export function addOfficer(db, user, { name, team = 'Team Groningen', neighbourhoods, password, number = '900001' }) {
  const where = dbOf(db);
  execFileSync(officerBin, [...where.args, 'add', user, '--name', name, '--team', team,
    '--neighbourhoods', neighbourhoods, '--number', number, '--iterations', '10000'],
  { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...where.env } });
}

/** A team lead: reads the pilot's figures of their neighbourhoods. */
export function addTeamLead(db, user, { name, team = 'Team Groningen', neighbourhoods, password }) {
  execFileSync(officerBin, ['--db', db, 'add', user, '--role', 'team-lead', '--name', name, '--team', team,
    '--neighbourhoods', neighbourhoods, '--iterations', '10000'], { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** An account of the 0900-8844 service centre (enters requests for callers). */
export function addServiceCentre(db, user, { name, team = 'Servicecentrum 0900-8844', password }) {
  execFileSync(officerBin, ['--db', db, 'add', user, '--role', 'service-centre', '--name', name, '--team', team,
    '--iterations', '10000'], { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** One API call. body: object (sent as JSON) or string/Buffer (sent raw). */
export async function api(base, method, path, { body, headers = {}, cookie, csrf, xff } = {}) {
  const h = { ...headers };
  let data;
  if (body !== undefined) {
    data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    if (!('Content-Type' in h)) h['Content-Type'] = 'application/json';
  }
  if (cookie) h.Cookie = cookie;
  if (csrf) h['X-CSRF-Token'] = csrf;
  if (xff) h['X-Forwarded-For'] = xff;
  const res = await fetch(base + path, { method, headers: h, body: data });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

/** The 6-digit code of an authenticator app for a base32 secret at time t (ms), RFC 6238. */
export function totp(base32, t = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / 1000 / 30)));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[19] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** An authenticator app's codes for a secret, as the service takes them:
 * each step once, this half minute's and then the next one's; after that it
 * waits for the clock. */
export function totpSource(secret) {
  let last = 0;
  return async () => {
    for (;;) {
      const now = Math.floor(Date.now() / 30000);
      const step = Math.max(last + 1, now);
      if (step <= now + 1) { last = step; return totp(secret, step * 30000); }
      await new Promise((r) => setTimeout(r, (step - 1) * 30000 - Date.now() + 100));
    }
  };
}

const officerCodes = new Map(); // user name (one account each in a test's process) -> its next code
/** Logs an officer in as the console does: the first time with the password
 * alone, which enrols the second factor the service offers, then (and every
 * time after) with a fresh code. Returns the login's answer. */
export async function officerLogin(base, user, password, opts = {}) {
  const key = user;
  if (!officerCodes.has(key)) {
    const r = await api(base, 'POST', '/api/v1/officer/login', { ...opts, body: { username: user, password } });
    if (r.status !== 200 || !r.json?.enrol) return r;
    officerCodes.set(key, totpSource(r.json.enrol.secret));
  }
  const code = await officerCodes.get(key)();
  return api(base, 'POST', '/api/v1/officer/login', { ...opts, body: { username: user, password, code } });
}

/** Checks a Janus signed token like Janus does. */
export function janusTokenValid(token, secret) {
  const i = token.lastIndexOf(':');
  if (i < 0) return false;
  const data = token.slice(0, i), sig = Buffer.from(token.slice(i + 1), 'base64');
  const want = createHmac('sha1', secret).update(data).digest();
  const [expiry, realm, plugins] = data.split(',');
  return sig.length === want.length && timingSafeEqual(sig, want) && realm === 'janus' &&
    plugins === 'janus.plugin.videoroom' && Number(expiry) > Date.now() / 1000;
}

/** A fake Janus HTTP transport: session, attach, VideoRoom create, allowed
 * (add), destroy. Each room's access list is a Set in rooms.get(id).allowed;
 * set down = true to have the access list requests fail, dead = true to have
 * nothing answer, createAnswerMs to make rooms (and answer) that much later. */
export function fakeJanus(secret, adminKey) {
  const rooms = new Map(), destroyed = [];
  const janus = { down: false, dead: false, createAnswerMs: 0 };
  let nextId = 1000;
  const server = createServer((req, res) => {
    if (janus.dead) return res.destroy(); // a server that died: nothing answers
    if (req.method === 'GET') {
      res.writeHead(req.url === '/janus/info' ? 200 : 404, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(req.url === '/janus/info' ? { janus: 'server_info', name: 'fake' } : {}));
    }
    let body = '';
    req.on('data', (d) => { body += d; });
    const handle = (m) => {
      const reply = (o) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ transaction: m.transaction, ...o })); };
      if (!janusTokenValid(m.token ?? '', secret)) return reply({ janus: 'error', error: { code: 403, reason: 'Unauthorized' } });
      if (m.janus === 'create' || m.janus === 'attach') return reply({ janus: 'success', data: { id: nextId++ } });
      if (m.janus === 'destroy') return reply({ janus: 'success' });
      if (m.janus === 'message' && m.body?.request === 'create' && janus.createAnswerMs && !m.late) {
        return setTimeout(() => handle({ ...m, late: true }), janus.createAnswerMs);   // a busy server
      }
      if (m.janus === 'message' && m.body?.request === 'create') {
        if (m.body.admin_key !== adminKey) return reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', error_code: 403, error: 'Unauthorized' } } });
        if (rooms.has(m.body.room)) return reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', error_code: 427, error: 'Room already exists' } } });
        rooms.set(m.body.room, { ...m.body, allowed: new Set(m.body.allowed) });
        return reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'created', room: m.body.room } } });
      }
      if (m.janus === 'message' && m.body?.request === 'allowed') {
        const room = rooms.get(m.body.room);
        if (janus.down) return res.destroy();
        if (!room || room.secret !== m.body.secret || m.body.action !== 'add') return reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', error_code: 403, error: 'Unauthorized' } } });
        for (const t of m.body.allowed) room.allowed.add(t);
        return reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'success', room: m.body.room } } });
      }
      if (m.janus === 'message' && m.body?.request === 'destroy') {
        const room = rooms.get(m.body.room);
        if (!room || room.secret !== m.body.secret) return reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', error_code: 403, error: 'Unauthorized' } } });
        rooms.delete(m.body.room);
        destroyed.push(m.body.room);
        return reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'destroyed', room: m.body.room } } });
      }
      reply({ janus: 'error', error: { code: 400, reason: 'unexpected' } });
    };
    req.on('end', () => handle(JSON.parse(body)));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(Object.assign(janus, {
    url: `http://127.0.0.1:${server.address().port}/janus`, rooms, destroyed, close: () => server.close(),
  }))));
}

/**
 * The console's call state (the call panel's data-state) on a page: state()
 * reads it; wait(want, timeout) waits for it, failing with the state it has
 * and the problems seen so far (an array the test fills).
 */
export function consoleCallState(page, problems) {
  const state = () => page().locator('#call-view .call-state').getAttribute('data-state');
  async function wait(want, timeout = 30000) {
    try {
      await page().waitForFunction((w) => document.querySelector('#call-view .call-state')?.dataset.state === w,
        want, { timeout, polling: 100 });
    } catch (e) {
      throw new Error(`officer state ${await state()} (wanted ${want}); ${problems.join('\n')}\n${e.message}`);
    }
  }
  return { state, wait };
}
