// End-to-end encryption through the real Janus: an officer
// with a certificate from make run's demo police CA and a citizen with the
// invitation secret agree keys over our data channels; the citizen sees the
// verified officer and both show the same code; a protected message arrives,
// and Janus's own recording of the room's data holds the plaintext marker
// sent in the clear but never the protected one.
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, startTestSite } from './lib.mjs';
import { startSystem, janusToken, createRoom } from './system-lib.mjs';

const ROOM = 5252;
const sys = await startSystem('e2ee');
const browser = await launch();
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET);
const recDir = join(sys.runDir, 'recordings');
mkdirSync(recDir, { recursive: true });
const created = await createRoom(browser, sys, ROOM, { record: true, rec_dir: recDir });
if (!created || created.videoroom !== 'created') throw new Error(`room: ${JSON.stringify(created)}`);

const web = await startTestSite('e2ee', { BB_JANUS_WS_URL: sys.wsUrl });

const invite = [...randomBytes(32)];
const officerDir = join(sys.runDir, 'ca', 'officers');

async function participant(role, feed, extra) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`  [${role}] ${e}`));
  const hash = new URLSearchParams({ janus: sys.wsUrl, room: String(ROOM), token, feed: String(feed), officer: '100001' });
  await page.goto(`${web.url}/test/e2ee.html#${hash}`);
  await page.waitForFunction(() => window.bb && window.bb.setup, null, { timeout: 20000 });
  await page.evaluate((cfg) => window.bb.setup(cfg), { role, invite, ...extra });
  return { page, context };
}

let officer, citizen;
test('officer_and_citizen_agree_keys_through_janus', async () => {
  officer = await participant('officer', 101, {
    cert: [...readFileSync(join(officerDir, 'jan-de-vries.pem'))],
    key: [...readFileSync(join(officerDir, 'jan-de-vries.key'))],
  });
  citizen = await participant('citizen', 202, {});
  const both = async (p) => (await p.page.waitForFunction(() => {
    const s = window.bb.state();
    return s.peers.length === 1 && s.peers[0].hasKey && s.sas !== null ? s : null;
  }, null, { timeout: 20000 })).jsonValue();
  const [o, c] = await Promise.all([both(officer), both(citizen)]);
  console.log(`  SAS officer ${o.sas}, citizen ${c.sas}; citizen sees ${JSON.stringify(c.peers[0].officer)}`);
  assertEq(o.sas, c.sas);
  assert(/^\d{3} \d{3}$/.test(c.sas), c.sas);
  assert(c.peers[0].officer && c.peers[0].officer.ok, 'officer verified');
  assertEq(c.peers[0].officer.name, 'Jan de Vries');
});

test('protected_message_arrives_and_janus_never_sees_it', async () => {
  const secret = `geheim-${randomBytes(6).toString('hex')}`;
  const plain = `openbaar-${randomBytes(6).toString('hex')}`;
  for (let i = 0; i < 5; i++) {
    await citizen.page.evaluate(([s, p]) => { window.bb.sendSecret(s); window.bb.sendPlain(p); }, [secret, plain]);
  }
  const got = await (await officer.page.waitForFunction((s) =>
    window.bb.received.find((m) => m.text === s) || null, secret, { timeout: 10000 })).jsonValue();
  assertEq(got.from, 202);
  // A statement as the call carries it: several parts, each sealed; it arrives whole.
  const words = `verklaring-${randomBytes(6).toString('hex')}`;
  const statement = JSON.stringify({ own_words: `${words} `.repeat(400) });
  await citizen.page.evaluate((d) => window.bb.sendDocument(d), statement);
  const doc = await (await officer.page.waitForFunction((w) =>
    window.bb.received.find((m) => m.doc && m.doc.includes(w)) || null, words, { timeout: 10000 })).jsonValue();
  assertEq(doc.doc, statement, 'the statement arrives whole');
  assert(statement.length > 5000, 'more than one part');
  // Janus flushes its recordings when it stops.
  for (const p of [citizen, officer]) await p.context.close();
  citizen = officer = null;
  await sys.stop();
  const files = readdirSync(recDir).filter((f) => f.endsWith('.mjr'));
  const data = Buffer.concat(files.map((f) => readFileSync(join(recDir, f))));
  console.log(`  Janus recorded ${files.length} files, ${data.length} bytes`);
  assert(data.includes(plain), 'the recording holds what passed in the clear (the check can fail)');
  assert(!data.includes(secret), 'the protected text must never reach Janus in the clear');
  assert(!data.includes(words), 'nor any part of a statement');
});

try {
  await run();
} finally {
  for (const p of [officer, citizen]) if (p) await p.context.close().catch(() => {});
  await browser.close();
  web.stop();
  await sys.stop();
}
