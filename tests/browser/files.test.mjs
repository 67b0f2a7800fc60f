// Files shared in the real call, through the real Janus losing 3 % of its
// UDP (tests/system/udp_loss_shim.c): a 5 MB PDF and a photo both ways (each
// time the PDF one way while the photo goes the other), each checked whole
// (SHA-256) on arrival, the photo without its location and camera data and
// its motion photo's video; a transfer cancelled by its
// sender; one cut off for longer than the control channel repeats (12 s)
// that goes on from where it was; and Janus's recording of the room's data
// holding none of either file.
import { readFileSync, readdirSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, startTestSite, buildDir } from './lib.mjs';
import { startSystem, janusToken, createRoom } from './system-lib.mjs';

const ROOM = 5454;
const lossFile = join(buildDir, 'test-output', 'files-loss');
rmSync(lossFile, { force: true });
const sys = await startSystem('files', {
  BB_JANUS_PRELOAD: join(buildDir, 'native', 'libbb_udp_loss.so'),
  BB_UDP_LOSS_PERMILLE: '30', BB_UDP_LOSS_FILE: lossFile,
});
const browser = await launch();
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
const recDir = join(sys.runDir, 'recordings');
mkdirSync(recDir, { recursive: true });
const created = await createRoom(browser, sys, ROOM, { record: true, rec_dir: recDir });
if (!created || created.videoroom !== 'created') throw new Error(`room: ${JSON.stringify(created)}`);
const web = await startTestSite('files', { BB_JANUS_WS_URL: sys.wsUrl });
const officerDir = join(sys.runDir, 'ca', 'officers');
const invite = randomBytes(32).toString('base64url');

const sha = (b) => createHash('sha256').update(b).digest('hex');
const loss = (permille) => (permille ? writeFileSync(lossFile, String(permille)) : rmSync(lossFile, { force: true }));

/** A PDF as far as a type check goes: the header, n bytes of random text, the end marker. */
function pdf(n, tag) {
  const body = Buffer.from(randomBytes(Math.ceil(n * 0.75)).toString('base64').slice(0, n - 30));
  return Buffer.concat([Buffer.from(`%PDF-1.7\n%${tag}\n`), body, Buffer.from('\n%%EOF\n')]);
}

/** A photo as a phone makes it: a JPEG with Exif (camera, GPS, orientation 6) after SOI, and (a
 * "motion photo") a video after its end. */
async function photo(page, camera) {
  const jpeg = Buffer.from(await page.evaluate(async () => {
    const c = new OffscreenCanvas(320, 240);
    const g = c.getContext('2d');
    g.fillStyle = '#2b6cb0'; g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#fff'; g.font = '40px sans-serif'; g.fillText('fiets', 100, 130);
    const b = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    return [...new Uint8Array(await b.arrayBuffer())];
  }));
  // Big-endian TIFF: IFD0 with Make (ASCII, the camera marker), Orientation 6, GPS IFD pointer;
  // the GPS IFD with GPSLatitudeRef 'N'.
  const make = Buffer.from(`${camera}\0`);
  const ifd0 = 8, entries = 3, gps = ifd0 + 2 + entries * 12 + 4, makeAt = gps + 2 + 12 + 4;
  const tiff = Buffer.alloc(makeAt + make.length);
  tiff.write('MM\0*', 0, 'latin1'); tiff.writeUInt32BE(ifd0, 4);
  tiff.writeUInt16BE(entries, ifd0);
  const entry = (at, tag, type, count, value) => { tiff.writeUInt16BE(tag, at); tiff.writeUInt16BE(type, at + 2); tiff.writeUInt32BE(count, at + 4); tiff.writeUInt32BE(value, at + 8); };
  entry(ifd0 + 2, 0x010f, 2, make.length, makeAt);
  entry(ifd0 + 14, 0x0112, 3, 1, 6 << 16);
  entry(ifd0 + 26, 0x8825, 4, 1, gps);
  tiff.writeUInt16BE(1, gps);
  entry(gps + 2, 0x0001, 2, 2, 'N'.charCodeAt(0) << 24);
  make.copy(tiff, makeAt);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4); app1.writeUInt16BE(0xffe1, 0); app1.writeUInt16BE(body.length + 2, 2);
  const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftypmp42${VIDEO}`)]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, body, jpeg.subarray(2), video]);
}

async function participant(role, extra = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`  [${role}] ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`  [${role} console] ${m.text()}`); });
  await page.goto(`${web.url}/test/session.html`);
  await page.waitForFunction(() => window.bb && window.bb.setup, null, { timeout: 20000 });
  await page.evaluate((cfg) => window.bb.setup(cfg), {
    janus: sys.wsUrl, room: ROOM, token, role, invite, officer: '100001', width: 320, height: 180, fps: 15, ...extra,
  });
  return { role, page, context };
}

const waitFor = (p, fn, arg, timeout = 20000) =>
  p.page.waitForFunction(fn, arg, { timeout, polling: 100 }).then((h) => h.jsonValue());
const feedOf = (p) => p.page.evaluate(() => window.bb.session.feedId);
/** The file event p got of what `what` says, from feed `from`, named name. */
const fileEvent = (p, what, name, timeout) =>
  waitFor(p, ([w, n]) => window.bb.files.find((f) => f.what === w && f.name === n) || null, [what, name], timeout);

let officer, citizen;

test('officer_and_citizen_in_a_call', async () => {
  officer = await participant('officer', {
    cert: [...readFileSync(join(officerDir, 'jan-de-vries.pem'))], key: [...readFileSync(join(officerDir, 'jan-de-vries.key'))],
  });
  citizen = await participant('citizen');
  await Promise.all([officer, citizen].map((p) => waitFor(p, () => window.bb.session.tiles.length === 1 &&
    window.bb.session.fileLimits !== undefined)));
});

const PDF5 = pdf(5 * 1024 * 1024, 'aangifte');
const CAMERA = `Camera-${randomBytes(4).toString('hex')}`;
const VIDEO = `Video-${randomBytes(4).toString('hex')}`;
let PHOTO;

/**
 * Under 3 % loss, a shares the 5 MB PDF and b the photo at the same time; each arrives whole (by
 * SHA-256, byte for byte), the photo without its camera, GPS and video but with its orientation,
 * and each sender hears that it was delivered.
 */
async function cross(a, b, pdfName, photoName) {
  const [af, bf] = [await feedOf(a), await feedOf(b)];
  loss(30);
  const t0 = Date.now();
  await a.page.evaluate(([n, d]) => window.bb.shareBase64(n, d), [pdfName, PDF5.toString('base64')]);
  await b.page.evaluate(([n, d]) => window.bb.shareBase64(n, d), [photoName, PHOTO.toString('base64')]);
  const sent = await fileEvent(b, 'sending', photoName);
  assert(sent.stripped, 'the photo left without its metadata');
  assert(sent.photoOnly, 'the photo left without its video');
  const [atB, atA] = await Promise.all([fileEvent(b, 'file', pdfName, 240000), fileEvent(a, 'file', photoName, 240000)]);
  const seconds = (Date.now() - t0) / 1000;
  loss(0);
  console.log(`  ${a.role} -> ${b.role}: 5 MB PDF (and a ${PHOTO.length}-byte photo back) whole ${seconds.toFixed(1)} s ` +
    `after sharing under 3 % loss (${((PDF5.length * 8) / 1e6 / seconds).toFixed(2)} Mbit/s)`);
  assertEq(atB.from, af);
  assertEq(atB.sha256, sha(PDF5));
  const got = Buffer.from(await b.page.evaluate((k) => window.bb.fileBase64(k), `${af}:${atB.id}`), 'base64');
  assertEq(sha(got), sha(PDF5), 'the PDF arrived byte for byte');
  assertEq(atA.from, bf);
  const ph = Buffer.from(await a.page.evaluate((k) => window.bb.fileBase64(k), `${bf}:${atA.id}`), 'base64');
  assertEq(atA.sha256, sha(ph));
  assertEq(ph.subarray(0, 2).toString('hex'), 'ffd8');
  assertEq(ph.subarray(-2).toString('hex'), 'ffd9');
  assert(!ph.includes(CAMERA), 'the camera came along');
  assert(!ph.includes(VIDEO), 'the motion photo\'s video came along');
  assert(!ph.includes(Buffer.from([0x88, 0x25])), 'the GPS pointer came along');
  assert(ph.includes(Buffer.from([0x01, 0x12, 0x00, 0x03])), 'the orientation was lost');
  assert(ph.length < PHOTO.length, 'nothing was taken out');
  for (const [p, from, id] of [[a, af, atB.id], [b, bf, atA.id]]) {
    const done = await waitFor(p, ([f, i]) => window.bb.files.find((e) => e.what === 'file-ended' && e.from === f &&
      e.id === i) || null, [from, id]);
    assertEq(done.end, 'delivered');
  }
}

test('a_5_mb_pdf_and_a_photo_cross_under_3_percent_loss_whole_and_checked', async () => {
  PHOTO = await photo(citizen.page, CAMERA);
  await cross(officer, citizen, 'bijlage.pdf', 'fiets.jpg');
});

test('and_the_other_way_round', async () => {
  await cross(citizen, officer, 'eigen-verklaring.pdf', 'foto-agent.jpg');
});

test('a_file_cancelled_by_its_sender_ends_for_the_other_and_never_arrives', async () => {
  const doc = pdf(2 * 1024 * 1024, 'ingetrokken');
  await officer.page.evaluate((b) => window.bb.shareBase64('ingetrokken.pdf', b), doc.toString('base64'));
  const sending = await fileEvent(officer, 'sending', 'ingetrokken.pdf');
  await waitFor(officer, ([from, id]) => window.bb.files.some((f) => f.what === 'file-progress' && f.from === from && f.id === id &&
    f.done >= 128 * 1024), [sending.from, sending.id], 30000);
  await officer.page.evaluate(([f, id]) => window.bb.session.cancelFile(f, id), [sending.from, sending.id]);
  const ended = await waitFor(citizen, ([from, id]) => window.bb.files.find((f) => f.what === 'file-ended' && f.from === from &&
    f.id === id) || null, [sending.from, sending.id]);
  assertEq(ended.end, 'cancelled');
  await new Promise((r) => setTimeout(r, 2000));
  const arrived = await citizen.page.evaluate(() => window.bb.files.some((f) => f.what === 'file' && f.name === 'ingetrokken.pdf'));
  assert(!arrived, 'a cancelled file arrived');
  // The next one goes.
  const small = pdf(200 * 1024, 'daarna');
  await officer.page.evaluate((b) => window.bb.shareBase64('daarna.pdf', b), small.toString('base64'));
  assertEq((await fileEvent(citizen, 'file', 'daarna.pdf', 60000)).sha256, sha(small));
});

test('a_file_that_is_not_what_it_says_or_too_large_or_another_type_is_refused_before_it_goes', async () => {
  const tries = [['foto.pdf', PHOTO, 'mismatch'], ['aangifte.exe', pdf(4096, 'exe'), 'type:name'],
    ['pagina.html', Buffer.from('<!doctype html><p>hallo</p>'), 'type:unknown_type'],
    ['kapot.png', PHOTO.subarray(0, 1000), 'type:jpeg_truncated']];
  for (const [name, bytes] of tries) await officer.page.evaluate(([n, b]) => window.bb.shareBase64(n, b), [name, bytes.toString('base64')]);
  await officer.page.evaluate(() => window.bb.session.shareFile({ name: 'groot.pdf', size: 21 * 1024 * 1024, bytes: null }));
  for (const [name, , reason] of [...tries, ['groot.pdf', null, 'too-large']]) {
    const r = await fileEvent(officer, 'refused', name);
    assertEq(r.reason, reason, name);
  }
  const sent = await officer.page.evaluate(() => window.bb.files.filter((f) => f.what === 'sending').length);
  const got = await citizen.page.evaluate(() => window.bb.files.filter((f) => f.what === 'file-offer').length);
  assertEq(got, sent, 'a refused file was offered');
});

test('a_file_cut_off_for_12_s_goes_on_from_where_it_was', async () => {
  const doc = pdf(1536 * 1024, 'hervat');
  await citizen.page.evaluate((b) => window.bb.shareBase64('hervat.pdf', b), doc.toString('base64'));
  const sending = await fileEvent(citizen, 'sending', 'hervat.pdf');
  const mine = (f, [from, id]) => f.from === from && f.id === id;
  const key = [sending.from, sending.id];
  const before = await waitFor(officer, ([from, id]) => window.bb.files.find((f) => f.what === 'file-progress' && f.from === from &&
    f.id === id && f.done >= 256 * 1024) || null, key, 60000);
  loss(1000);
  await new Promise((r) => setTimeout(r, 12000)); // longer than the control channel repeats (10 s)
  loss(0);
  const t0 = Date.now();
  const got = await fileEvent(officer, 'file', 'hervat.pdf', 120000);
  assertEq(got.sha256, sha(doc));
  const progress = (await officer.page.evaluate(() => window.bb.files)).filter((f) => f.what === 'file-progress' && mine(f, key))
    .map((f) => f.done);
  console.log(`  whole ${((Date.now() - t0) / 1000).toFixed(1)} s after a 12 s cut at ${before.done} bytes`);
  assert(progress.every((d, i) => !i || d >= progress[i - 1]), 'it started over');
  const st = await citizen.page.evaluate(() => window.bb.state().state);
  assertEq(st, 'connected');
});

test('janus_recording_holds_none_of_the_files', async () => {
  for (const p of [citizen, officer]) await p.context.close();
  citizen = officer = null;
  await sys.stop(); // Janus flushes its recordings when it stops
  const files = readdirSync(recDir).filter((f) => f.endsWith('.mjr'));
  const data = Buffer.concat(files.map((f) => readFileSync(join(recDir, f))));
  const step = Math.floor(PDF5.length / 9);
  const windows = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => PDF5.subarray(k * step, k * step + 32));
  console.log(`  Janus recorded ${files.length} files, ${data.length} bytes`);
  assert(data.length > PDF5.length, 'the recording holds the room\'s data (so the search can fail)');
  assertEq(windows.filter((w) => data.includes(w)).length, 0, 'the PDF reached Janus in the clear');
  assert(!data.includes(PHOTO.subarray(PHOTO.length - 200, PHOTO.length - 168)), 'the photo reached Janus in the clear');
});

try {
  await run();
} finally {
  for (const p of [officer, citizen]) if (p) await p.context.close().catch(() => {});
  await browser.close();
  web.stop();
  await sys.stop();
}
