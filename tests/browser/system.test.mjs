// `make run`'s system on loopback: src/system/run.sh starts Janus with the
// project's configuration and the web server; Chromium loads the demo page
// from it and talks to Janus the way the widget will. Checks that Janus
// demands signed tokens and the VideoRoom admin key, and that stopping
// run.sh stops everything it started.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { root, launch, shotDir, buildDir } from './lib.mjs';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

const runDir = join(buildDir, 'test-output', 'run');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const httpPort = await freePort();
const wsPort = await freePort();
const readyFile = join(runDir, 'ready');
const system = spawn('bash', [join(root, 'src', 'system', 'run.sh')], {
  cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, BB_NET: 'loopback', BB_HTTP_PORT: String(httpPort), BB_JANUS_WS_PORT: String(wsPort),
    BB_RTP_RANGE: '40000-40099', BB_RUN_DIR: runDir, BB_READY_FILE: readyFile },
});
let output = '';
system.stdout.on('data', (d) => { output += d; });
system.stderr.on('data', (d) => { output += d; });
const exited = new Promise((r) => system.on('exit', (code, sig) => r({ code, sig })));

async function waitReady() {
  for (let i = 0; i < 150; i++) {
    try { readFileSync(readyFile); return; } catch { /* not yet */ }
    if (system.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run.sh did not become ready:\n${output}`);
}

const secrets = () => Object.fromEntries(readFileSync(join(runDir, 'secrets.env'), 'utf8')
  .trim().split('\n').map((l) => l.split('=')));

function janusToken(secret, plugins, ttlSeconds = 300) {
  const data = `${Math.floor(Date.now() / 1000) + ttlSeconds},janus,${plugins.join(',')}`;
  return `${data}:${createHmac('sha1', secret).update(data).digest('base64')}`;
}

let browser;
test('run_sh_starts_janus_and_web_server', async () => {
  await waitReady();
  assert(output.includes(`http://127.0.0.1:${httpPort}/demo/`), output);
  browser = await launch();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${httpPort}/demo/`);
  const state = await page.waitForFunction(() => {
    const w = document.querySelector('beeldbel-widget');
    return w && w.engineState !== 'starting' ? w.engineState : null;
  }, null, { timeout: 20000 });
  assertEq(await state.jsonValue(), 'ready');
  await page.screenshot({ path: join(shotDir, 'make-run-demo.png') });
  await page.close();
});

// Sends Janus requests over one WebSocket from the page; returns the replies.
async function janusExchange(requests) {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${httpPort}/demo/`);
  const replies = await page.evaluate(async ({ url, requests }) => {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise((res, rej) => { ws.onopen = res; ws.onerror = () => rej(new Error('ws error')); });
    const out = [];
    let ctx = {};
    for (const make of requests) {
      const req = JSON.parse(make.replace(/"\$session"/g, ctx.session ?? 0).replace(/"\$handle"/g, ctx.handle ?? 0));
      req.transaction = Math.random().toString(36).slice(2);
      ws.send(JSON.stringify(req));
      const reply = await new Promise((res) => {
        const h = (ev) => {
          const m = JSON.parse(ev.data);
          if (m.transaction === req.transaction && m.janus !== 'ack') { ws.removeEventListener('message', h); res(m); }
        };
        ws.addEventListener('message', h);
      });
      if (req.janus === 'create' && reply.data) ctx.session = reply.data.id;
      if (req.janus === 'attach' && reply.data) ctx.handle = reply.data.id;
      out.push(reply);
    }
    ws.close();
    return out;
  }, { url: `ws://127.0.0.1:${wsPort}`, requests: requests.map((r) => JSON.stringify(r)) });
  await page.close();
  return replies;
}

test('janus_refuses_requests_without_a_signed_token', async () => {
  const [info, noToken, forged] = await janusExchange([
    { janus: 'info' },
    { janus: 'create' },
    { janus: 'create', token: janusToken('not-the-secret', ['janus.plugin.videoroom']) },
  ]);
  assertEq(info.name, 'Janus WebRTC Server');
  assertEq(info.server_name ?? info['server-name'], 'beeldbel-sfu');
  assert(info.plugins['janus.plugin.videoroom'], 'videoroom loaded');
  assertEq(Object.keys(info.plugins).length, 1);
  assertEq(noToken.janus, 'error');
  assertEq(noToken.error.code, 403);
  assertEq(forged.janus, 'error');
  assertEq(forged.error.code, 403);
});

test('signed_token_works_and_room_creation_needs_admin_key', async () => {
  const s = secrets();
  const token = janusToken(s.BB_JANUS_TOKEN_SECRET, ['janus.plugin.videoroom']);
  const replies = await janusExchange([
    { janus: 'create', token },
    { janus: 'attach', session_id: '$session', plugin: 'janus.plugin.videoroom', token },
    { janus: 'message', session_id: '$session', handle_id: '$handle', token,
      body: { request: 'create', room: 4242, secret: 'room-secret' } },
    { janus: 'message', session_id: '$session', handle_id: '$handle', token,
      body: { request: 'create', room: 4242, secret: 'room-secret', admin_key: s.BB_VIDEOROOM_ADMIN_KEY } },
    { janus: 'destroy', session_id: '$session', token },
  ]);
  const [created, attached, noKey, withKey] = replies;
  assertEq(created.janus, 'success', JSON.stringify(created));
  assertEq(attached.janus, 'success');
  assertEq(noKey.plugindata.data.videoroom, 'event');
  assert(noKey.plugindata.data.error_code, `room created without admin key: ${JSON.stringify(noKey)}`);
  assertEq(withKey.plugindata.data.videoroom, 'created');
});

test('stopping_run_sh_stops_everything_it_started', async () => {
  system.kill('SIGTERM');
  const { code } = await exited;
  assertEq(code, 0);
  for (const port of [httpPort, wsPort]) {
    const s = createServer();
    await new Promise((res, rej) => { s.once('error', rej); s.listen(port, '127.0.0.1', res); });
    await new Promise((r) => s.close(r)); // port free again: nothing left listening
  }
});

try {
  await run();
} finally {
  if (browser) await browser.close();
  if (system.exitCode === null) system.kill('SIGTERM');
}
