// What Janus does with our data channels when packets are lost: Janus runs
// with tests/system/udp_loss_shim.c, which drops its outgoing UDP datagrams
// while a control file exists. A sends 1000-byte messages at 1.6 Mbit/s; B
// records what arrives and when. With our subscriber channel nudged
// (DESIGN.md), Janus relays unordered without retransmissions: lost messages
// stay lost (the engine recovers, not SCTP) and later ones are not held back.
// Without the nudge, Janus keeps the channel ordered: messages behind a lost
// one wait (head-of-line blocking). Prints one line per mode for the notes.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert } from '../common/harness.mjs';
import { launch, buildDir, startTestSite } from './lib.mjs';
import { startSystem, janusToken, createRoom } from './system-lib.mjs';

const LOSS_PERMILLE = Number(process.env.BB_LOSS_PERMILLE ?? 30);
const lossFile = join(buildDir, 'test-output', 'loss-on');
rmSync(lossFile, { force: true });
const shim = join(buildDir, 'native', 'libbb_udp_loss.so');
const sys = await startSystem('loss', {
  BB_JANUS_PRELOAD: shim, BB_UDP_LOSS_PERMILLE: String(LOSS_PERMILLE), BB_UDP_LOSS_FILE: lossFile,
});
const browser = await launch();
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);

const web = await startTestSite('loss', { BB_JANUS_WS_URL: sys.wsUrl });

async function participant(room, display, nudge) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const hash = new URLSearchParams({ janus: sys.wsUrl, room: String(room), token, display, nudge: nudge ? '1' : '0' });
  await page.goto(`${web.url}/test/call.html#${hash}`);
  return { page, context };
}

const waitFor = (p, fn, arg) => p.page.waitForFunction(fn, arg, { timeout: 20000, polling: 50 });
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

/** One sender, one receiver in a fresh room; returns loss/latency figures. */
async function measure(room, nudge) {
  const created = await createRoom(browser, sys, room);
  assert(created && created.videoroom === 'created', JSON.stringify(created));
  const a = await participant(room, 'sender', nudge);
  const b = await participant(room, 'receiver', nudge);
  for (const p of [a, b]) {
    await waitFor(p, () => window.bb && window.bb.transport.state === 'connected');
    await waitFor(p, () => [...window.bb.transport.channels.values()].some((c) => c.readyState === 'open'));
  }
  await new Promise((r) => setTimeout(r, 500));
  const N = 1000;
  writeFileSync(lossFile, 'on');
  await a.page.evaluate((n) => window.bb.sendBurst(n, 1000, 5), N);
  await new Promise((r) => setTimeout(r, 3000)); // let retransmissions (if any) arrive
  rmSync(lossFile, { force: true });
  const got = await b.page.evaluate(() => window.bb.received.map((m) => [m.seq, m.at - m.sent]));
  await a.context.close();
  await b.context.close();
  let reordered = 0, maxSeq = -1;
  for (const [seq] of got) { if (seq < maxSeq) reordered++; maxSeq = Math.max(maxSeq, seq); }
  const lat = got.map(([, l]) => l);
  return {
    delivered: got.length / N, reordered, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: Math.max(...lat),
    over100: lat.filter((l) => l > 100).length / Math.max(1, lat.length),
  };
}

const fmt = (m) => `delivered=${(m.delivered * 100).toFixed(1)}% reordered=${m.reordered} ` +
  `p50=${m.p50.toFixed(1)}ms p99=${m.p99.toFixed(1)}ms max=${m.max.toFixed(0)}ms over100ms=${(m.over100 * 100).toFixed(1)}%`;

// Latency is printed, not asserted: at 10 % loss SCTP congestion control
// inside Janus holds messages back in both modes once the machine is busy
// (measured 3-45 % over 100 ms for the nudged channel, DESIGN.md says
// 20-37 %), so only the loss figures are stable enough to assert.
test('nudged_channel_is_unreliable_through_janus', async () => {
  const m = await measure(6101, true);
  console.log(`  loss ${LOSS_PERMILLE / 10}% nudged:   ${fmt(m)}`);
  // Lost messages are not retransmitted: roughly the loss rate is missing.
  assert(m.delivered < 1 - LOSS_PERMILLE / 3000 && m.delivered > 1 - (LOSS_PERMILLE * 3) / 1000,
    `delivered ${m.delivered}`);
});

test('without_the_nudge_janus_is_ordered_but_still_unreliable', async () => {
  const m = await measure(6102, false);
  console.log(`  loss ${LOSS_PERMILLE / 10}% no nudge: ${fmt(m)}`);
  assert(m.reordered === 0, 'an ordered channel never reorders');
  assert(m.delivered < 1 - LOSS_PERMILLE / 3000, `delivered ${m.delivered}`);
});

try {
  await run();
} finally {
  await browser.close();
  web.stop();
  await sys.stop();
  rmSync(lossFile, { force: true });
}
