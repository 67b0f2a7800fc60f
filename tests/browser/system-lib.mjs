// Starting `make run`'s system (src/system/run.sh) for a browser test, on
// loopback with free ports and a private run directory, and talking to its
// Janus the way the contact service will.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { root, buildDir, track, seedTestCa } from './lib.mjs';

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/**
 * Starts run.sh. name: a run directory under test-output; env: extra
 * environment (e.g. BB_JANUS_PRELOAD). Resolves once it printed its URLs.
 */
export async function startSystem(name, env = {}) {
  const runDir = join(buildDir, 'test-output', name);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  seedTestCa(runDir);
  const httpPort = await freePort();
  const wsPort = await freePort();
  const consolePort = await freePort();
  const rtpBase = 40000 + Math.floor(Math.random() * 200) * 100;
  const readyFile = join(runDir, 'ready');
  const child = track(spawn('bash', [join(root, 'src', 'system', 'run.sh')], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BB_NET: 'loopback', BB_HTTP_PORT: String(httpPort), BB_JANUS_WS_PORT: String(wsPort),
      BB_CONSOLE_PORT: String(consolePort), BB_RTP_RANGE: `${rtpBase}-${rtpBase + 99}`, BB_RUN_DIR: runDir, BB_READY_FILE: readyFile, ...env },
  }));
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((r) => child.on('exit', (code, sig) => r({ code, sig })));
  for (let i = 0; i < 150; i++) {
    try { readFileSync(readyFile); break; } catch { /* not yet */ }
    if (child.exitCode !== null) throw new Error(`run.sh exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try { readFileSync(readyFile); } catch { child.kill('SIGTERM'); throw new Error(`run.sh not ready:\n${output}`); }
  const secrets = Object.fromEntries(readFileSync(join(runDir, 'secrets.env'), 'utf8')
    .trim().split('\n').map((l) => l.split('=')));
  return {
    runDir, httpPort, wsPort, consolePort, secrets, exited, child,
    output: () => output,
    httpUrl: `https://127.0.0.1:${httpPort}`,
    consoleUrl: `https://127.0.0.1:${consolePort}`,
    wsUrl: `wss://127.0.0.1:${wsPort}`,
    stop: async () => { if (child.exitCode === null) child.kill('SIGTERM'); return exited; },
  };
}

/** A signed Janus token (token_auth_secret), as the contact service makes them. */
export function janusToken(secret, plugins = ['janus.plugin.videoroom'], ttlSeconds = 300) {
  const data = `${Math.floor(Date.now() / 1000) + ttlSeconds},janus,${plugins.join(',')}`;
  return `${data}:${createHmac('sha1', secret).update(data).digest('base64')}`;
}

/**
 * Sends Janus requests over one WebSocket opened from a page; "$session"
 * and "$handle" in a request stand for the ids Janus handed out earlier.
 */
export async function janusExchange(browser, sys, requests) {
  const page = await browser.newPage();
  await page.goto(`${sys.httpUrl}/demo/`);
  const replies = await page.evaluate(async ({ url, requests }) => {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise((res, rej) => { ws.onopen = res; ws.onerror = () => rej(new Error('ws error')); });
    const out = [];
    const ctx = {};
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
  }, { url: sys.wsUrl, requests: requests.map((r) => JSON.stringify(r)) });
  await page.close();
  return replies;
}

/** Creates a VideoRoom room with the admin key; returns the reply data. */
export async function createRoom(browser, sys, room, extra = {}) {
  const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
  const replies = await janusExchange(browser, sys, [
    { janus: 'create', token },
    { janus: 'attach', session_id: '$session', plugin: 'janus.plugin.videoroom', token },
    { janus: 'message', session_id: '$session', handle_id: '$handle', token,
      body: { request: 'create', room, admin_key: sys.secrets.BB_VIDEOROOM_ADMIN_KEY, publishers: 6, ...extra } },
    { janus: 'destroy', session_id: '$session', token },
  ]);
  return replies[2].plugindata && replies[2].plugindata.data;
}

/**
 * Chromium's warning when a camera VideoFrame queued in engine/capture.js
 * (its MediaStreamTrackProcessor) is collected after the camera stopped:
 * engine-side noise, not a failure of the page.
 */
export const VIDEOFRAME_GC_WARNING = /A VideoFrame was garbage collected without being closed/;

/**
 * Runs a suite's tests on a started system, then closes the browser and
 * stops the system; after a failure, prints the end of the system's logs.
 */
export async function runOnSystem(run, sys, browser, since) {
  try {
    await run();
  } finally {
    console.log(`  total ${since()}`);
    await browser.close().catch(() => {});
    await sys.stop();
    if (process.exitCode) {
      for (const f of ['janus.log', 'web.log', 'contact.log']) {
        try { console.log(`--- ${f}\n${readFileSync(join(sys.runDir, f), 'utf8').split('\n').slice(-15).join('\n')}`); } catch { /* none */ }
      }
    }
  }
}
