// Participants talk through the real Janus (run.sh, loopback) using the
// transport (web/engine/transport.js) and the C signalling state machine in
// the engine Worker: two and three parties, leaving and rejoining, a
// reconnecting WebSocket, and what Janus does with our data channels.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, startTestSite } from './lib.mjs';
import { startSystem, janusToken, createRoom } from './system-lib.mjs';

const ROOM = 5151;
const sys = await startSystem('call');
const browser = await launch();
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
// Permanent: Janus saves the room in its config, so it survives a restart.
const created = await createRoom(browser, sys, ROOM, { permanent: true });
if (!created || created.videoroom !== 'created') throw new Error(`room not created: ${JSON.stringify(created)}`);

// The test page is served by the real static server (a page Playwright
// fulfils itself counts as public, and Chromium's local-network checks then
// refuse its WebSocket to 127.0.0.1), from a copy of dist plus /test/.
const web = await startTestSite('call', { BB_JANUS_WS_URL: sys.wsUrl });

/** Opens a participant in its own window (a background tab is throttled). */
async function participant(display, { nudge = true, room = ROOM, tok = token } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`  [${display}] ${e}`));
  const hash = new URLSearchParams({ janus: sys.wsUrl, room: String(room), token: tok, display, nudge: nudge ? '1' : '0' });
  await page.goto(`${web.url}/test/call.html#${hash}`);
  return { display, page, context };
}

const waitFor = (p, fn, arg, timeout = 15000) =>
  p.page.waitForFunction(fn, arg, { timeout, polling: 50 }).then((h) => h.jsonValue());

const connected = (p) => waitFor(p, () => window.bb && window.bb.transport.state === 'connected');
const feedOf = (p) => p.page.evaluate(() => window.bb.feedId);
const seesPeers = (p, n) => waitFor(p, (k) => window.bb.peers.size === k && [...window.bb.transport.channels.values()]
  .filter((c) => c.readyState === 'open').length === k, n);

/** p sends n messages; resolves to what each receiver got from p. */
async function exchange(from, receivers, n, size = 1000, interval = 5) {
  const feed = await feedOf(from);
  const before = await Promise.all(receivers.map((r) => r.page.evaluate((f) =>
    window.bb.received.filter((m) => m.feed === f).length, feed)));
  await from.page.evaluate(([k, s, i]) => window.bb.sendBurst(k, s, i), [n, size, interval]);
  await new Promise((r) => setTimeout(r, 500));
  return Promise.all(receivers.map((r, i) => r.page.evaluate(([f, skip]) =>
    window.bb.received.filter((m) => m.feed === f).slice(skip), [feed, before[i]])));
}

const percentile = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

let alice, bob, carol;

test('two_party_data_both_ways', async () => {
  alice = await participant('citizen');
  bob = await participant('officer');
  await Promise.all([connected(alice), connected(bob)]);
  await Promise.all([seesPeers(alice, 1), seesPeers(bob, 1)]);
  const [atBob] = await exchange(alice, [bob], 200);
  const [atAlice] = await exchange(bob, [alice], 200);
  assertEq(atBob.length, 200, 'alice -> bob');
  assertEq(atAlice.length, 200, 'bob -> alice');
  const lat = atBob.map((m) => m.at - m.sent);
  console.log(`  loopback latency through Janus: p50 ${percentile(lat, 0.5).toFixed(2)} ms, p99 ${percentile(lat, 0.99).toFixed(2)} ms`);
  // Our subscriber channel is the one in use; Janus never opened its own.
  const ch = await bob.page.evaluate(() => {
    const c = [...window.bb.transport.channels.values()][0];
    return { ordered: c.ordered, maxRetransmits: c.maxRetransmits, unexpected: window.bb.transport.stats.unexpectedChannels || 0 };
  });
  assertEq(JSON.stringify(ch), JSON.stringify({ ordered: false, maxRetransmits: 0, unexpected: 0 }));
});

test('three_parties_everyone_hears_everyone', async () => {
  carol = await participant('tolk');
  await connected(carol);
  await Promise.all([seesPeers(alice, 2), seesPeers(bob, 2), seesPeers(carol, 2)]);
  const [atAlice, atBob] = await exchange(carol, [alice, bob], 50);
  assertEq(atAlice.length, 50);
  assertEq(atBob.length, 50);
  const [atCarol] = await exchange(alice, [carol], 50);
  assertEq(atCarol.length, 50);
});

test('participant_leaves_and_rejoins', async () => {
  const carolFeed = await feedOf(carol);
  await carol.page.evaluate(() => window.bb.transport.leave());
  await waitFor(carol, () => window.bb.transport.state === 'left');
  await waitFor(alice, (f) => window.bb.events.some((e) => e.type === 'participant-left' && e.feedId === f), carolFeed);
  await carol.context.close();
  carol = await participant('tolk');
  await connected(carol);
  await Promise.all([seesPeers(alice, 2), seesPeers(carol, 2)]);
  const [atCarol] = await exchange(bob, [carol], 30);
  assertEq(atCarol.length, 30);
});

test('websocket_loss_is_recovered_without_a_click', async () => {
  // Cut alice's WebSocket: the transport reconnects and reclaims the Janus
  // session; the peer connections never stop.
  await alice.page.evaluate(() => window.bb.transport.ws.close());
  await waitFor(alice, () => window.bb.states.includes('reconnecting'));
  await waitFor(alice, () => window.bb.transport.state === 'connected');
  const [atBob] = await exchange(alice, [bob], 20);
  assertEq(atBob.length, 20);
});

test('janus_restart_mid_call_recovers_within_5s', async () => {
  // Janus crashes (SIGKILL); run.sh starts it again; both sides reconnect,
  // find their session gone, join again and get data flowing, unattended.
  const janusPid = Number(readFileSync(join(sys.runDir, 'janus.pid'), 'utf8'));
  const t0 = Date.now();
  process.kill(janusPid, 'SIGKILL');
  await Promise.all([alice, bob].map((p) => waitFor(p, () => window.bb.states.includes('reconnecting'))));
  // "Resumed" = alice's data reaches bob again: probe every 100 ms.
  const probe = setInterval(() => alice.page.evaluate(() => window.bb.sendBurst(1, 100, 1)).catch(() => {}), 100);
  try {
    await waitFor(bob, (since) => window.bb.received.some((m) => m.at > since && window.bb.peers.has(m.feed)), t0, 10000);
  } finally {
    clearInterval(probe);
  }
  const seconds = (Date.now() - t0) / 1000;
  console.log(`  call resumed ${seconds.toFixed(1)} s after Janus was killed`);
  const [atBob] = await exchange(alice, [bob], 20);
  assertEq(atBob.length, 20);
  assert(seconds < 5, `took ${seconds} s`);
});

test('wrong_token_is_refused', async () => {
  const mallory = await participant('mallory', { tok: janusToken('guessed-secret') });
  const err = await waitFor(mallory, () => window.bb.events.find((e) => e.type === 'error') || null);
  assertEq(err.code, 403);
  await mallory.context.close();
});

try {
  await run();
} finally {
  for (const p of [alice, bob, carol]) if (p) await p.context.close().catch(() => {});
  await browser.close();
  web.stop();
  await sys.stop();
  const log = readFileSync(join(sys.runDir, 'janus.log'), 'utf8');
  if (process.exitCode) console.log(log.split('\n').slice(-30).join('\n'));
}
