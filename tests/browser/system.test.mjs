// `make run`'s system on loopback: src/system/run.sh starts Janus with the
// project's configuration and the web server; Chromium loads the demo page
// from it and talks to Janus the way the widget will. Checks that Janus
// demands signed tokens and the VideoRoom admin key, and that stopping
// run.sh stops everything it started.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, shotDir, seedTestCa, root } from './lib.mjs';
import { startSystem, janusToken, janusExchange as exchange, freePort } from './system-lib.mjs';
import { buildDir } from './lib.mjs';

// Resolves once run.sh has printed its URLs.
const sys = await startSystem('run');
const { httpPort, wsPort } = sys;

let browser;
test('run_sh_starts_janus_and_web_server', async () => {
  assert(sys.output().includes(`${sys.httpUrl}/demo/`), sys.output());
  browser = await launch();
  const page = await browser.newPage();
  await page.goto(`${sys.httpUrl}/demo/`);
  // Served over HTTPS: a secure context, where browsers give camera and microphone.
  assertEq(await page.evaluate(() => window.isSecureContext && location.protocol), 'https:');
  const state = await page.waitForFunction(() => {
    const w = document.querySelector('beeldbel-widget');
    return w && w.engineState !== 'starting' ? w.engineState : null;
  }, null, { timeout: 20000 });
  assertEq(await state.jsonValue(), 'ready');
  await page.screenshot({ path: join(shotDir, 'make-run-demo.png') });
  await page.close();
});

const janusExchange = (requests) => exchange(browser, sys, requests);

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
  const s = sys.secrets;
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

// Every user of a machine can read every process's argument list: run.sh
// must never put its secrets there. The tools it runs are wrapped here so
// that each logs its arguments, and the log must not hold a secret.
test('secrets_never_appear_in_a_command_line', async () => {
  const bin = join(buildDir, 'test-output', 'argv-spy');
  mkdirSync(bin, { recursive: true });
  const log = join(bin, 'argv.log');
  writeFileSync(log, '');
  for (const tool of ['sed', 'awk', 'mawk', 'gawk', 'node', 'cat', 'tr', 'head', 'base64', 'printf', 'env']) {
    const real = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((f) => { try { readFileSync(f); return true; } catch { return false; } });
    if (!real) continue;
    writeFileSync(join(bin, tool), `#!/bin/sh\nprintf '%s ' "$0" "$@" >> '${log}'\necho >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const spied = await startSystem('run-argv', { PATH: `${bin}:${process.env.PATH}` });
  try {
    const argv = readFileSync(log, 'utf8');
    assert(argv.includes('/awk') || argv.includes('/mawk'), 'the spy saw run.sh at work');
    for (const [name, value] of Object.entries(spied.secrets)) {
      assert(value.length >= 20 && !argv.includes(value), `${name} on a command line`);
    }
  } finally {
    await spied.stop();
  }
});

test('the_sites_and_janus_serve_one_certificate_from_the_demo_ca_and_say_how_to_trust_it', async () => {
  const ca = readFileSync(join(sys.runDir, 'tls', 'ca.pem'));
  const fingerprint = new X509Certificate(ca).fingerprint256;
  assert(sys.output().includes(fingerprint), `the CA's SHA-256 is printed: ${sys.output()}`);
  assert(/Manage certificates|Certificates/.test(sys.output()), 'how to trust it');
  const seen = [];
  for (const port of [httpPort, sys.consolePort, wsPort]) {
    const peer = await new Promise((res, rej) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca }, () => { res(s.getPeerX509Certificate()); s.end(); });
      s.on('error', rej);
    });
    seen.push(peer.fingerprint256);
    assert(peer.checkIP('127.0.0.1') && peer.checkHost('localhost'), peer.subjectAltName);
    assertEq(peer.publicKey.asymmetricKeyDetails.namedCurve, 'prime256v1');
    const days = (new Date(peer.validTo) - new Date(peer.validFrom)) / 86400e3;
    assert(days <= 90, `lives ${days} days`);
  }
  assertEq(new Set(seen).size, 1, 'one certificate for the sites and Janus');
  // Checked against any other CA (here the police CA), it is refused.
  const other = readFileSync(join(sys.runDir, 'ca', 'root.pem'));
  const untrusted = await new Promise((res) => {
    const s = tlsConnect({ host: '127.0.0.1', port: httpPort, ca: other }, () => { res(null); s.end(); });
    s.on('error', (e) => res(e.code));
  });
  assert(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'].includes(untrusted), String(untrusted));
});

// BB_NET=host, for a phone on the same network: tried in a network
// namespace of the test's own, whose only other interface is one end of a
// veth pair that ends in the same namespace (10.213.0.1): nothing reaches
// a real network.
test('with_BB_NET_host_the_sites_and_janus_listen_on_the_machines_address_with_a_certificate_for_it', async () => {
  const ns = `bb-host-${process.pid}`, addr = '10.213.0.1';
  const inNs = (...cmd) => execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' });
  execFileSync('ip', ['netns', 'add', ns]);
  let child;
  try {
    inNs('ip', 'link', 'set', 'lo', 'up');
    inNs('ip', 'link', 'add', 'n0', 'type', 'veth', 'peer', 'name', 'n1');
    inNs('ip', 'addr', 'add', `${addr}/24`, 'dev', 'n0');
    inNs('ip', 'link', 'set', 'n0', 'up');
    inNs('ip', 'link', 'set', 'n1', 'up');
    const runDir = join(buildDir, 'test-output', 'run-host');
    rmSync(runDir, { recursive: true, force: true });
    seedTestCa(runDir);
    const ready = join(runDir, 'ready');
    child = spawn('ip', ['netns', 'exec', ns, 'bash', join(root, 'src', 'system', 'run.sh')], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BB_NET: 'host', BB_RUN_DIR: runDir, BB_READY_FILE: ready, BB_DEMO: '0' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    for (let i = 0; i < 150 && !existsSync(ready) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    assert(existsSync(ready), out);
    assert(out.includes(`https://${addr}:8470/demo/`) && out.includes(`wss://${addr}:8188`), out);
    // From the namespace, as a phone would: the site, the console and Janus at the address, with
    // one certificate that names it, from the printed CA.
    const probe = `const tls = require('node:tls'); const ca = require('node:fs').readFileSync(${JSON.stringify(join(runDir, 'tls', 'ca.pem'))});
      Promise.all([8470, 8472, 8188].map((port) => new Promise((res, rej) => {
        const s = tls.connect({ host: '${addr}', port, ca }, () => { res(s.getPeerX509Certificate().fingerprint256); s.end(); });
        s.on('error', rej);
      }))).then((f) => console.log(JSON.stringify(f)), (e) => { console.log(JSON.stringify(e.code)); });`;
    const seen = JSON.parse(inNs(process.execPath, '-e', probe));
    assert(Array.isArray(seen) && new Set(seen).size === 1, JSON.stringify(seen));
    const cert = new X509Certificate(readFileSync(join(runDir, 'tls', 'site.pem')));
    assert(cert.checkIP(addr) && cert.checkIP('127.0.0.1'), cert.subjectAltName);
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
    execFileSync('ip', ['netns', 'delete', ns]);
  }
});

// BB_SCALE=demo: PostgreSQL beside the run folder and two contact service
// instances sharing it behind the sites' proxy; its password in no command
// line; stopping run.sh stops PostgreSQL too.
test('with_BB_SCALE_demo_two_contact_instances_share_postgresql_behind_the_proxy', async () => {
  const [c1, c2, pg] = [await freePort(), await freePort(), await freePort()];
  const scaled = await startSystem('run-scale', { BB_SCALE: 'demo', BB_CONTACT_PORT: String(c1),
    BB_CONTACT_PORT2: String(c2), BB_PG_PORT: String(pg) });
  try {
    const password = readFileSync(`${scaled.runDir}-postgres/password`, 'utf8').trim();
    assert(password.length >= 20, 'a password made for the cluster');
    const argv = execFileSync('ps', ['-eo', 'args']).toString();
    assert(argv.includes('beeldbel-contact') && !argv.includes(password), 'the password on no command line');
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${scaled.httpUrl}/api/v1/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Anna de Vries', phone: `06 5000000${i}`, neighbourhood: 'groningen-noord',
          topic: 'Schaal', preference: 'phone' }) });
      assertEq(r.status, 201, await r.text());
    }
    const log = readFileSync(join(scaled.runDir, 'contact.log'), 'utf8');
    assertEq((log.match(/POST \/api\/v1\/requests 201/g) ?? []).length, 4, log);
    assertEq((log.match(/listening on http:\/\/127\.0\.0\.1:\d+/g) ?? []).length, 2, 'two instances');
  } finally {
    assertEq((await scaled.stop()).code, 0);
  }
  for (const port of [c1, c2, pg]) {
    const s = createServer();
    await new Promise((res, rej) => { s.once('error', rej); s.listen(port, '127.0.0.1', res); });
    await new Promise((r) => s.close(r));
  }
});

test('stopping_run_sh_stops_everything_it_started', async () => {
  sys.child.kill('SIGTERM');
  const { code } = await sys.exited;
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
  await sys.stop();
}
