// make bench: a file shared in the call (end to end encrypted, through Janus
// on loopback, clean network: web/engine/call.js, files in the call) against
// the baseline measured in the same run: the same bytes over one of
// Chromium's own reliable RTCDataChannels between two peer connections in one
// page (loopback, no SFU, no end-to-end encryption). Lines:
//   bench doc.transfer_mbit_s <ours> Mbit/s
//   bench doc.transfer_webrtc_mbit_s <baseline> Mbit/s
//   bench doc.transfer.ours_over_webrtc <ratio> ratio
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { launch, startTestSite } from '../browser/lib.mjs';
import { startSystem, janusToken, createRoom } from '../browser/system-lib.mjs';

const MB = Number(process.env.BB_TRANSFER_MB ?? 5);
const ROOM = 6161;
const sys = await startSystem('transfer-bench');
const browser = await launch();
const web = await startTestSite('transfer-bench', { BB_JANUS_WS_URL: sys.wsUrl });
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
const invite = randomBytes(32).toString('base64url');
const officerDir = join(sys.runDir, 'ca', 'officers');
const body = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(MB * 1024 * 1024 - 16), Buffer.from('\n%%EOF\n')]);

async function participant(role, extra = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${web.url}/test/session.html`);
  await page.waitForFunction(() => window.bb && window.bb.setup, null, { timeout: 20000 });
  await page.evaluate((cfg) => window.bb.setup(cfg), {
    janus: sys.wsUrl, room: ROOM, token, role, invite, officer: '100001', width: 320, height: 180, fps: 15, ...extra,
  });
  return { page, context };
}

async function ours() {
  await createRoom(browser, sys, ROOM);
  const officer = await participant('officer', {
    cert: [...readFileSync(join(officerDir, 'jan-de-vries.pem'))], key: [...readFileSync(join(officerDir, 'jan-de-vries.key'))],
  });
  const citizen = await participant('citizen');
  for (const p of [officer, citizen]) {
    await p.page.waitForFunction(() => window.bb.session.tiles.length === 1 && window.bb.session.fileLimits, null,
      { timeout: 30000, polling: 100 });
  }
  await new Promise((r) => setTimeout(r, 3000)); // rate control settles first
  const t0 = Date.now();
  await officer.page.evaluate((b) => window.bb.shareBase64('bench.pdf', b), body.toString('base64'));
  await citizen.page.waitForFunction(() => window.bb.files.some((f) => f.what === 'file'), null,
    { timeout: 600000, polling: 100 });
  const s = (Date.now() - t0) / 1000;
  for (const p of [officer, citizen]) await p.context.close();
  return (body.length * 8) / 1e6 / s;
}

async function webrtc() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${web.url}/test/session.html`);
  const s = await page.evaluate(async (n) => {
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const ch = a.createDataChannel('bench', { ordered: true });
    let got = 0, done;
    const finished = new Promise((r) => { done = r; });
    b.ondatachannel = (e) => { e.channel.onmessage = (m) => { got += m.data.byteLength; if (got >= n) done(); }; };
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    await new Promise((r) => { ch.onopen = r; });
    const chunk = new Uint8Array(16384);
    crypto.getRandomValues(chunk);
    ch.bufferedAmountLowThreshold = 1 << 20;
    const t0 = performance.now();
    for (let sent = 0; sent < n; sent += chunk.length) {
      if (ch.bufferedAmount > 4 << 20) await new Promise((r) => { ch.onbufferedamountlow = r; });
      ch.send(chunk);
    }
    await finished;
    return (performance.now() - t0) / 1000;
  }, body.length);
  await context.close();
  return (body.length * 8) / 1e6 / s;
}

try {
  const base = await webrtc();
  const mine = await ours();
  console.log(`bench doc.transfer_mbit_s ${mine.toFixed(2)} Mbit/s`);
  console.log(`bench doc.transfer_webrtc_mbit_s ${base.toFixed(2)} Mbit/s`);
  console.log(`bench doc.transfer.ours_over_webrtc ${(mine / base).toFixed(3)} ratio`);
} finally {
  await browser.close();
  web.stop();
  await sys.stop();
}
