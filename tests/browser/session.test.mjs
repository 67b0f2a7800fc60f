// The real call: browsers talk through the real Janus (run.sh,
// loopback) with media encoded, encrypted and decoded by the WASM engine in
// each page's Worker (web/engine/call.js + call-worker.js): two parties with
// video and audio both ways, a third, leaving and rejoining, real-time text,
// E2EE checked at Janus (its recording of the room's data never holds the
// plaintext video or text), a 3 s network cut, and Janus killed mid-call.
// Video uses the browser's own VP8 (WebCodecs) by default; a call between a
// party on WebCodecs and one forced onto libvpx in WASM shows that each
// decodes the other.
import { readFileSync, readdirSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, startTestSite, buildDir, shotDir } from './lib.mjs';
import { startSystem, janusToken, createRoom } from './system-lib.mjs';

const ROOM = 5353;
const PIN = randomBytes(6).toString('hex');
const cutFile = join(buildDir, 'test-output', 'session-cut');
rmSync(cutFile, { force: true });
// Janus's UDP sends pass a shim that drops everything while cutFile exists.
const sys = await startSystem('session', {
  BB_JANUS_PRELOAD: join(buildDir, 'native', 'libbb_udp_loss.so'),
  BB_UDP_LOSS_PERMILLE: '1000', BB_UDP_LOSS_FILE: cutFile,
});
const browser = await launch();
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
const recDir = join(sys.runDir, 'recordings');
mkdirSync(recDir, { recursive: true });
// Permanent (survives the Janus restart), with a PIN, recording its data.
const created = await createRoom(browser, sys, ROOM, { permanent: true, pin: PIN, record: true, rec_dir: recDir });
if (!created || created.videoroom !== 'created') throw new Error(`room: ${JSON.stringify(created)}`);
const web = await startTestSite('session', { BB_JANUS_WS_URL: sys.wsUrl });
const officerDir = join(sys.runDir, 'ca', 'officers');
const invite = randomBytes(32).toString('base64url');
const MARKER = `M${randomBytes(4).toString('hex').toUpperCase()}`;

async function participant(role, extra = {}, { init } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  page.on('pageerror', (e) => console.log(`  [${role}] ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`  [${role} console] ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) console.log(`  [${role}] ${r.status()} ${r.url()}`); });
  await page.goto(`${web.url}/test/session.html${extra.simd === false ? '?simd=0' : ''}`);
  await page.waitForFunction(() => window.bb && window.bb.setup, null, { timeout: 20000 });
  await page.evaluate((cfg) => window.bb.setup(cfg), {
    janus: sys.wsUrl, room: ROOM, pin: PIN, token, role, invite, officer: '100001',
    // Three encoders and decoders on two cores: a small picture keeps the
    // machine from being the bottleneck (make bench runs 640x360).
    width: 320, height: 180, fps: 15, ...extra,
  });
  return { role, page, context };
}
const officerKeys = () => ({
  cert: [...readFileSync(join(officerDir, 'jan-de-vries.pem'))],
  key: [...readFileSync(join(officerDir, 'jan-de-vries.key'))],
});

const waitFor = (p, fn, arg, timeout = 20000) =>
  p.page.waitForFunction(fn, arg, { timeout, polling: 100 }).then((h) => h.jsonValue());
const state = (p) => p.page.evaluate(() => window.bb.state());
const feedOf = async (p) => (await state(p)).feedId;
/** Resolves when p has shown `more` new frames of every other participant in `from`. */
async function framesFrom(p, from, more = 20, timeout = 20000) {
  const feeds = await Promise.all(from.map(feedOf));
  const base = await p.page.evaluate((fs) => fs.map((f) => (window.bb.frames[f] ? window.bb.frames[f].n : 0)), feeds);
  try {
    return await waitFor(p, ([fs, b, k]) => fs.every((f, i) => window.bb.frames[f] && window.bb.frames[f].n >= b[i] + k)
      && fs.map((f) => window.bb.frames[f]), [feeds, base, more], timeout);
  } catch (e) {
    const s = await state(p).catch(() => null);
    if (process.env.BB_DEBUG && officer) console.log('OFFICER', JSON.stringify(await state(officer).catch(() => null)));
    throw new Error(`${p.role} waited for ${more} frames from ${feeds} (had ${base}): ${JSON.stringify(s)}\n${e.message}`);
  }
}

let officer, citizen, interpreter;

test('webcodecs_party_and_forced_wasm_party_decode_each_other', async () => {
  // A room of their own, so the calls below start as they always did.
  const room = ROOM + 1;
  const made = await createRoom(browser, sys, room, { pin: PIN });
  if (!made || made.videoroom !== 'created') throw new Error(`room: ${JSON.stringify(made)}`);
  // Default codec: the browser's. It starts below the camera's size (150 kbit/s:
  // 240x134 of 320x180), so its encoder scales the camera frames.
  const native = await participant('officer', { ...officerKeys(), room, startKbps: 150 });
  // ... and, as in browsers that cannot hand a track's stream to a Worker,
  // camera frames through the page and the microphone through a worklet,
  // and libvpx without SIMD kernels (the other side falls back to the
  // module with them below).
  const wasm = await participant('citizen', { room, codec: 'wasm', capture: 'page', simd: false });
  try {
    await Promise.all([native, wasm].map((p) => waitFor(p, () => window.bb.session.state === 'connected')));
    // Each direction crosses codecs: WebCodecs -> libvpx and libvpx -> WebCodecs.
    const [atWasm, atNative] = await Promise.all([framesFrom(wasm, [native], 40), framesFrom(native, [wasm], 40)]);
    const [n, w] = await Promise.all([state(native), state(wasm)]);
    console.log(`  webcodecs side: ${JSON.stringify(n.media.peers[0])} ${JSON.stringify(n.media.webcodecs)} shows ${atNative[0].width}x${atNative[0].height}`);
    console.log(`  wasm side: ${JSON.stringify(w.media.peers[0])} shows ${atWasm[0].width}x${atWasm[0].height}`);
    assertEq(n.media.codecPath, 'webcodecs');
    assertEq(n.media.codecFallback, null);
    assertEq(w.media.codecPath, 'wasm');
    assertEq(w.engineVersions && w.engineVersions.simd128, false);
    assertEq(n.engineVersions && n.engineVersions.simd128, true);
    assertEq(JSON.stringify(n.capture), JSON.stringify({ camera: 'worker', mic: 'worker' }));
    assertEq(JSON.stringify(w.capture), JSON.stringify({ camera: 'page', mic: 'page' }));
    assert(n.media.width < 320 || n.media.webcodecs.reconfigures > 0, `the sender never scaled: ${JSON.stringify(n.media)}`);
    for (const [s, f] of [[n, atNative[0]], [w, atWasm[0]]]) {
      assert(s.media.peers[0].framesShown > 30, `frames shown ${s.media.peers[0].framesShown}`);
      assert(s.media.peers[0].audioFrames > 30, `audio frames ${s.media.peers[0].audioFrames}`);
      assertEq(s.media.rejected.decode, 0, 'every frame decoded');
      // 16:9 at a rung of the ladder, never above the camera's 320x180.
      assert(f.width >= 80 && f.width <= 320 && Math.abs(f.width * 9 - f.height * 16) < 32, JSON.stringify(f));
    }
    // WebCodecs fails mid-call: that side goes on with libvpx in WASM, and
    // video keeps coming both ways within a few seconds.
    const t0 = Date.now();
    await native.page.evaluate(() => window.bb.breakCodec());
    await Promise.all([framesFrom(wasm, [native], 20, 10000), framesFrom(native, [wasm], 20, 10000)]);
    const after = await state(native);
    console.log(`  after the codec failure: ${after.media.codecPath} (${after.media.codecFallback}), video both ways again within ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assertEq(after.media.codecPath, 'wasm');
    assert(/test/.test(after.media.codecFallback), JSON.stringify(after.media.codecFallback));
  } finally {
    for (const p of [native, wasm]) {
      await p.page.evaluate(() => window.bb.session.hangUp()).catch(() => {});
      await p.context.close();
    }
  }
});

test('two_party_call_video_and_audio_both_ways', async () => {
  officer = await participant('officer', { ...officerKeys(), source: 'clock', marker: MARKER, keepPlain: true });
  citizen = await participant('citizen', {});
  await Promise.all([officer, citizen].map((p) => waitFor(p, () => window.bb.session.state === 'connected')));
  const [atCitizen] = await Promise.all([framesFrom(citizen, [officer], 30), framesFrom(officer, [citizen], 30)]);
  // 16:9 at a rung of the resolution ladder (rate control starts low and climbs).
  assert(atCitizen[0].width >= 160 && Math.abs(atCitizen[0].width * 9 - atCitizen[0].height * 16) < 32, JSON.stringify(atCitizen));
  // Audio: the fake microphone's beep is played, not concealed silence.
  await new Promise((r) => setTimeout(r, 1500));
  const [c, o] = await Promise.all([state(citizen), state(officer)]);
  console.log(`  citizen: ${JSON.stringify(c.media.peers[0])} audio ${JSON.stringify(c.audio)} ${c.media.targetKbps} kbps, refused ${JSON.stringify(c.counts)}`);
  for (const s of [c, o]) {
    const peer = s.media.peers[0];
    assert(peer.framesShown > 30, `frames shown ${peer.framesShown}`);
    assert(peer.audioFrames > 50, `audio frames ${peer.audioFrames}`);
    assert(peer.audioConcealed < peer.audioFrames / 4, `concealed ${peer.audioConcealed} of ${peer.audioFrames}`);
    assert(s.audio && s.audio.frames > 50, `played ${JSON.stringify(s.audio)}`);
    // The speaker asks for each frame as it needs one: its buffer holds a
    // frame and a little, not whatever the Worker's timer left there.
    assert(s.audio.queuedMs <= 40, `speaker buffer ${s.audio.queuedMs} ms`);
    assertEq(s.counts.spoofed, 0, 'no message claimed another sender');
    // Chromium transfers data channels: sends and arrivals never wait for the page.
    assert(s.transport.inWorker >= 2, `channels in Workers: ${JSON.stringify(s.transport)}`);
    assert(Number.isFinite(s.media.busyPct), `engine Worker busy share ${s.media.busyPct}`);
  }
  // The citizen sees who is calling, proven by the police CA; both read the same code.
  assert(c.identity && c.identity.verified, JSON.stringify(c.identity));
  assertEq(c.identity.name, 'Jan de Vries');
  assertEq(c.identity.sas, o.identity.sas);
  await citizen.page.screenshot({ path: join(shotDir, 'session-citizen.png') });
});

test('real_time_text_arrives_in_order', async () => {
  for (const line of ['H', 'Ha', 'Hal', 'Hallo']) await citizen.page.evaluate((t) => window.bb.session.sendText(t, false), line);
  await citizen.page.evaluate(() => window.bb.session.sendText('Hallo wijkagent', true));
  const texts = await waitFor(officer, () => window.bb.texts.some((t) => t.final) && window.bb.texts);
  assertEq(texts.map((t) => t.text).join('|'), 'H|Ha|Hal|Hallo|Hallo wijkagent');
  assertEq(texts.at(-1).kind, 'rtt');
});

test('camera_off_sends_no_video_and_on_again_resumes', async () => {
  const feed = await feedOf(officer);
  const count = () => citizen.page.evaluate((f) => (window.bb.frames[f] ? window.bb.frames[f].n : 0), feed);
  await officer.page.evaluate(() => window.bb.session.setCamera(false));
  await new Promise((r) => setTimeout(r, 1000));      // what was on its way still arrives
  const off = await count();
  await new Promise((r) => setTimeout(r, 2000));
  const after = await count();
  assert(after - off <= 2, `${after - off} frames shown in 2 s with the camera off`);
  await officer.page.evaluate(() => window.bb.session.setCamera(true));
  await framesFrom(citizen, [officer], 20, 10000);
});

test('speaker_sleeps_while_no_sound_comes_and_wakes_when_it_does', async () => {
  const speaker = () => citizen.page.evaluate(() => ({ state: window.bb.session.audio.state, played: window.bb.state().audio.frames }));
  assertEq((await speaker()).state, 'running');
  await officer.page.evaluate(() => window.bb.session.setMicrophone(false));
  await waitFor(citizen, () => window.bb.session.audio.state === 'suspended', undefined, 8000);
  await officer.page.evaluate(() => window.bb.session.setMicrophone(true));
  await waitFor(citizen, () => window.bb.session.audio.state === 'running', undefined, 3000);
  const before = (await speaker()).played;
  await new Promise((r) => setTimeout(r, 2000));       // stats come once a second
  const after = (await speaker()).played;
  assert(after - before > 40, `${after - before} frames played in 2 s after waking`);
});

test('three_parties_everyone_sees_everyone', async () => {
  // The interpreter first asks for the citizen's feed id: Janus refuses
  // (436), and the session joins with another one by itself.
  const taken = await feedOf(citizen);
  interpreter = await participant('interpreter', { feedId: taken });
  await waitFor(interpreter, () => window.bb.session.state === 'connected');
  assert((await feedOf(interpreter)) !== taken, 'joined with a fresh feed id');
  await Promise.all([
    framesFrom(interpreter, [officer, citizen], 15),
    framesFrom(officer, [citizen, interpreter], 15),
    framesFrom(citizen, [officer, interpreter], 15),
  ]);
  const tiles = (await state(citizen)).tiles.map((t) => t.role).sort();
  assertEq(tiles.join(','), 'interpreter,officer');
});

test('four_parties_with_a_speech_to_text_interpreter_whose_lines_are_captions', async () => {
  // The fourth: a speech-to-text interpreter ("schrijftolk"), sound only.
  const captioner = await participant('captioner', { source: 'none' });
  try {
    await waitFor(captioner, () => window.bb.session.state === 'connected');
    await Promise.all([officer, citizen, interpreter].map((p) =>
      waitFor(p, () => window.bb.session.tiles.length === 3)));
    await framesFrom(captioner, [officer, citizen, interpreter], 10);
    await captioner.page.evaluate(() => window.bb.session.sendText('De wijkagent zegt: goedemiddag.', true));
    const got = await waitFor(citizen, () => window.bb.texts.find((t) => t.final && t.text.startsWith('De wijkagent')) || null);
    assertEq(got.kind, 'caption');
    const tiles = (await state(officer)).tiles.map((t) => t.role).sort();
    assertEq(tiles.join(','), 'captioner,citizen,interpreter');
  } finally {
    await captioner.page.evaluate(() => window.bb.session.hangUp()).catch(() => {});
    await waitFor(captioner, () => window.bb.session.transport.state === 'left').catch(() => {});
    await captioner.context.close();
  }
  await waitFor(officer, () => window.bb.session.tiles.length === 2);
});

test('tiles_show_what_the_handshake_proved_and_everyone_in_it_is_counted', async () => {
  // With the invitation secret, telling Janus it is the officer: everyone sees it as what it
  // proved (an interpreter), and counts it beside the code.
  const liar = await participant('interpreter', { display: 'officer', source: 'none', audio: false });
  // A second citizen with the same invitation: a call has one citizen.
  const second = await participant('citizen', { display: 'citizen', source: 'none', audio: false });
  // Another officer's certificate in the officer's role: a call has one officer, the one invited.
  const sanne = join(officerDir, 'sanne-bakker');
  const impostor = await participant('officer', { display: 'officer', source: 'none', audio: false,
    cert: [...readFileSync(`${sanne}.pem`)], key: [...readFileSync(`${sanne}.key`)] });
  const extra = [liar, second, impostor];
  try {
    const [liarFeed, secondFeed, impostorFeed] = [await feedOf(liar), await feedOf(second), await feedOf(impostor)];
    // Both refused where they would have mattered most: by the citizen.
    await waitFor(citizen, () => window.bb.session.stats.rejected.role_taken >= 2);
    for (const p of [officer, citizen, interpreter]) {
      await waitFor(p, (f) => window.bb.session.tiles.some((t) => t.id === String(f)) && window.bb.session.identity?.people === 4, liarFeed);
      const { tiles } = await state(p);
      const liarTile = tiles.find((t) => t.id === String(liarFeed));
      assertEq(`${liarTile.role} ${liarTile.name}`, 'interpreter Tolk', `${p.role}: `);
      for (const f of [secondFeed, impostorFeed]) assert(!tiles.some((t) => t.id === String(f)), `${p.role} shows ${f}`);
      assertEq(tiles.filter((t) => t.role === 'officer').map((t) => t.name).join(), p.role === 'officer' ? '' : 'Jan de Vries');
    }
    // One roster, one code: everyone it covers reads the same six digits.
    const codes = [];
    for (const p of [officer, citizen, interpreter, liar]) {
      codes.push(await waitFor(p, () => window.bb.session.identity?.people === 4 && window.bb.session.identity.sas));
    }
    assert(/^\d{3} \d{3}$/.test(codes[0]) && codes.every((c) => c === codes[0]), codes.join(' / '));
    const { identity } = await state(citizen);
    assert(identity.verified && identity.name === 'Jan de Vries', JSON.stringify(identity));
    // Gone again: the count follows.
    for (const p of extra) await p.page.evaluate(() => window.bb.session.hangUp());
    await waitFor(citizen, () => window.bb.session.identity?.people === 3 && window.bb.session.tiles.length === 2);
  } finally {
    for (const p of extra) await p.context.close();
  }
});

test('a_browser_that_cannot_make_a_peer_connection_ends_the_call_saying_so', async () => {
  // As where WebRTC is switched off by a policy: the constructor is there but throws.
  const p = await participant('citizen', {}, { init: () => {
    window.RTCPeerConnection = function RTCPeerConnection() { throw new DOMException('WebRTC is disabled', 'NotSupportedError'); };
    window.RTCPeerConnection.prototype.createDataChannel = () => null;
  } });
  const s = await waitFor(p, () => window.bb.state().state === 'ended' && window.bb.state(), null, 20000);
  assertEq(s.endReason, 'webrtc_failed', JSON.stringify(s.errors));
  assert(s.errors.some((e) => /no peer connection/.test(e.reason)), JSON.stringify(s.errors));
  await p.context.close();
});

test('participant_leaves_and_rejoins', async () => {
  const old = await feedOf(interpreter);
  await interpreter.page.evaluate(() => window.bb.session.hangUp());
  await waitFor(citizen, (f) => !window.bb.session.tiles.some((t) => t.id === String(f)), old);
  await interpreter.context.close();
  interpreter = await participant('interpreter', {});
  await waitFor(interpreter, () => window.bb.session.state === 'connected');
  await Promise.all([framesFrom(interpreter, [officer, citizen], 15), framesFrom(citizen, [interpreter], 15)]);
  const seen = await state(citizen);
  assertEq(seen.tiles.length, 2, JSON.stringify([seen.tiles, seen.e2ee]));
  await interpreter.page.evaluate(() => window.bb.session.hangUp());
  await waitFor(officer, () => window.bb.session.tiles.length === 1);
  await interpreter.context.close();
  interpreter = null;
});

test('network_cut_3s_resumes_with_a_message_meanwhile', async () => {
  const seen = (await state(citizen)).states.length;
  writeFileSync(cutFile, '');
  const t0 = Date.now();
  // Meanwhile the session says so ('reconnecting': the call screen tells the person).
  await waitFor(citizen, (n) => window.bb.states.slice(n).includes('reconnecting'), seen, 2900);
  await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - t0))));
  rmSync(cutFile);

  const [f] = await framesFrom(citizen, [officer], 10, Number(process.env.BB_CUT_WAIT ?? 15000));
  const seconds = (Date.now() - t0) / 1000 - 3;
  console.log(`  video back ${seconds.toFixed(1)} s after a 3 s cut (${f.n} frames)`);
  assert(seconds < 5, `took ${seconds} s`);
  // And no later than before: what Janus held during the cut and sent all at once
  // afterwards is not the path's jitter, so the playout delay does not grow for it.
  const us = await waitFor(citizen, (limit) => window.bb.videoDelayUs() < limit && { us: window.bb.videoDelayUs() }, 400000, 3000)
    .then((r) => r.us, () => citizen.page.evaluate(() => window.bb.videoDelayUs()));
  console.log(`  video playout delay after the cut: ${Math.round(us / 1000)} ms`);
  assert(us < 400000, `the video is still ${us / 1000} ms behind 3 s after it came back`);
});

test('janus_restart_mid_call_resumes_within_5s', async () => {
  const janusPid = Number(readFileSync(join(sys.runDir, 'janus.pid'), 'utf8'));
  const delays = await Promise.all([citizen, officer].map((p) => p.page.evaluate(() =>
    (window.bb.session.stats?.media?.peers ?? []).map((m) => `video ${Math.round(m.videoDelayUs / 1000)} ms, jitter ${Math.round(m.jitterUs / 1000)} ms`).join('; '))));
  const t0 = Date.now();
  process.kill(janusPid, 'SIGKILL');
  await Promise.all([officer, citizen].map((p) => waitFor(p, () => window.bb.states.includes('reconnecting'))));
  const shot = join(shotDir, 'session-reconnecting.png');
  await citizen.page.screenshot({ path: shot }).catch(() => {});
  // Back: each side says so, then shows new frames of the other. (Frames shown before
  // that were on their way when Janus died.)
  await Promise.all([officer, citizen].map((p) => waitFor(p, () => window.bb.session.state === 'connected', null, 15000)));
  await Promise.all([framesFrom(citizen, [officer], 10, 15000), framesFrom(officer, [citizen], 10, 15000)]);
  const seconds = (Date.now() - t0) / 1000;
  console.log(`  video both ways again ${seconds.toFixed(1)} s after Janus was killed`);
  assert(seconds < 5, `took ${seconds} s`);
  // When each side was told the call is back, and how many frames it showed before that
  // (from what was on its way when Janus died).
  for (const [i, p] of [citizen, officer].entries()) {
    const { log, frames } = await p.page.evaluate(() => ({ log: window.bb.stateLog, frames: window.bb.frameLog }));
    const since = log.filter(([at]) => at >= t0).map(([at, s, r]) => `${at - t0} ${s}${r ? ` (${r})` : ''}`);
    const back = log.findLast(([at, s]) => at >= t0 && s === 'connected')?.[0] ?? Infinity;
    const early = frames.filter(([at]) => at >= t0 && at < back);
    console.log(`  ${p.role}: ${since.join(', ')}; ${early.length} frames shown before that (the last ${early.length ? early.at(-1)[0] - t0 : '-'} ms after the kill); ${delays[i]} at the kill`);
  }
  // Janus going away is not the others leaving: their tiles (and keys) stayed all along.
  for (const p of [citizen, officer]) {
    const counts = await p.page.evaluate((t) => window.bb.tileLog.filter(([at]) => at >= t).map(([, n]) => n), t0);
    assert(counts.every((n) => n === 1), `${p.role}'s tiles meanwhile: ${counts.join(', ')}`);
  }
  const c = await state(citizen);
  if (c.state !== 'connected') {
    for (const p of [citizen, officer]) console.log(`  ${p.role} transport: ${JSON.stringify((await state(p)).transport)}`);
  }
  assertEq(c.state, 'connected');
});

test('e2ee_janus_never_sees_the_video_or_the_text', async () => {
  const secret = `geheim-${randomBytes(6).toString('hex')}`;
  await citizen.page.evaluate((s) => window.bb.session.sendText(s, true), secret);
  await waitFor(officer, (s) => window.bb.texts.some((t) => t.text === s), secret);
  const sent = await officer.page.evaluate(() => window.bb.plain());
  for (const p of [citizen, officer]) await p.context.close();
  citizen = officer = null;
  await sys.stop();           // Janus flushes its recordings when it stops
  const files = readdirSync(recDir).filter((f) => f.endsWith('.mjr'));
  const data = Buffer.concat(files.map((f) => readFileSync(join(recDir, f))));
  // Windows of 24 bytes from the officer's plaintext video payloads (the
  // keyframes show the drawn marker), and the same messages as sent.
  const windows = sent.plain.flatMap((m) => {
    const b = Buffer.from(m).subarray(22);
    return [0, 200, 500].filter((o) => b.length >= o + 24).map((o) => b.subarray(o, o + 24));
  });
  const wire = sent.wire.map((m) => Buffer.from(m).subarray(1, 64));
  const recorded = wire.filter((w) => data.includes(w)).length;
  console.log(`  Janus recorded ${files.length} files, ${data.length} bytes; ${recorded}/${wire.length} sent messages found, ${windows.length} plaintext windows searched`);
  assert(recorded > 0, 'the recording holds what we sent (so the search can fail)');
  assert(windows.length > 20, 'enough plaintext to search for');
  assertEq(windows.filter((w) => data.includes(w)).length, 0, 'plaintext video reached Janus');
  assert(!data.includes(secret), 'the text reached Janus in the clear');
  assert(!data.includes(MARKER), 'the marker reached Janus in the clear');
});

try {
  await run();
} finally {
  for (const p of [officer, citizen, interpreter]) if (p) await p.context.close().catch(() => {});
  await browser.close();
  web.stop();
  await sys.stop();
  rmSync(cutFile, { force: true });
  if (process.exitCode) {
    try { console.log(readFileSync(join(sys.runDir, 'janus.log'), 'utf8').split('\n').slice(-30).join('\n')); } catch { /* none */ }
  }
}
