// Durability: every callback request the service acknowledged (201) is still
// there after `kill -9` in the middle of a load of concurrent creates, and
// the service starts again on the same database (SQLite WAL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { startContact, api } from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'bb-contact-dur-'));
const db = join(dir, 'contact.db');
const env = { BB_CONTACT_CREATE_PER_HOUR: '1e9', BB_CONTACT_CALLS_PER_MINUTE: '1e9' };
const acked = [];
let phone = 30000000;

async function client(base, stopAt) {
  while (Date.now() < stopAt) {
    const p = `06${++phone}`;
    try {
      const r = await api(base, 'POST', '/api/v1/requests', { body: { name: 'Durable Test', phone: p,
        neighbourhood: 'groningen-zuid', topic: 'kill -9', preference: 'phone' } });
      if (r.status === 201) acked.push({ reference: r.json.reference, phone: p });
      else if (r.status !== 0) throw new Error(`unexpected ${r.status} ${r.text}`);
    } catch (e) {
      if (String(e).includes('unexpected')) throw e;
      return; // connection cut by the kill: not acknowledged
    }
  }
}

for (const round of [1, 2]) {
  test(`kill_9_under_load_loses_no_acknowledged_request_round_${round}`, async () => {
    const svc = await startContact({ db, env });
    const before = acked.length;
    const clients = Array.from({ length: 16 }, () => client(svc.base, Date.now() + 10000));
    await new Promise((r) => setTimeout(r, 1500));
    await svc.kill9();
    await Promise.all(clients);
    const made = acked.length - before;
    assert(made > 20, `load made only ${made} requests`);
    const again = await startContact({ db, env });
    try {
      let missing = 0;
      for (const a of acked) {
        const s = await api(again.base, 'POST', '/api/v1/requests/status', { body: a });
        if (s.status !== 200) missing++;
      }
      assertEq(missing, 0, `${missing} of ${acked.length} acknowledged requests lost`);
      console.log(`  round ${round}: ${made} acknowledged before kill -9, all ${acked.length} found`);
    } finally {
      const { code } = await again.stop();
      assertEq(code, 0);
    }
  });
}

await run();
rmSync(dir, { recursive: true, force: true });
