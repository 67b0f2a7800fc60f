// make bench: callback requests per second and p99 latency at 50 concurrent
// clients (keep-alive connections) for 30 s against the optimised service
// on loopback, each request a committed transaction. Any error fails.
// On SQLite (one instance), and with BB_BENCH_DB (a PostgreSQL URI, emptied
// first) on PostgreSQL with BB_BENCH_INSTANCES (1 or 2) instances sharing
// it, the clients taking turns between them.
// Prints: bench contact.create_rps<name> <n> req/s, bench contact.create_p99_ms<name> <n> ms,
// name "" on SQLite, ".postgres_1" / ".postgres_2" on PostgreSQL
// (p99 is lower-is-better; it has no native/wasm twin, so no ratio line).
//   BB_BENCH_SECONDS / BB_BENCH_CLIENTS override 30 / 50.
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startContact, optBin, pgEmpty } from './lib.mjs';

const seconds = Number(process.env.BB_BENCH_SECONDS ?? 30);
const clients = Number(process.env.BB_BENCH_CLIENTS ?? 50);
const pg = process.env.BB_BENCH_DB;
const instances = pg ? Number(process.env.BB_BENCH_INSTANCES ?? 1) : 1;
const name = pg ? `.postgres_${instances}` : '';
const dir = mkdtempSync(join(tmpdir(), 'bb-contact-bench-'));
if (pg) pgEmpty(pg);
// Each client has an address of its own (as citizens behind the proxy do),
// so no one limit's row is what every request waits for.
const env = { BB_CONTACT_PROXY_HOPS: '1', BB_CONTACT_CREATE_PER_HOUR: '1e9', BB_CONTACT_CALLS_PER_MINUTE: '1e9', BB_CONTACT_EVIDENCE_DIR: join(dir, 'evidence') };
const svcs = await Promise.all(Array.from({ length: instances },
  () => startContact({ db: pg ?? join(dir, 'contact.db'), bin: optBin, env })));
const agent = new Agent({ keepAlive: true, maxSockets: clients });
let n = 0, errors = 0, firstError = '';
const latencies = [];

function post(svc, body, from) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port: svc.port, path: '/api/v1/requests', method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Forwarded-For': from } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', (e) => resolve({ status: 0, text: String(e), ms: 0 }));
    req.end(body);
  });
}

async function client(until, from) {
  while (Date.now() < until) {
    const phone = `06${String(10000000 + ++n).slice(-8)}`;
    const r = await post(svcs[n % instances], JSON.stringify({ name: 'Bench Mark', phone, neighbourhood: 'groningen-noord',
      topic: 'Load test', preference: 'video', window: 'any', needs: ['captions'] }), from);
    if (r.status === 201) latencies.push(r.ms);
    else { errors++; firstError ||= `${r.status} ${r.text}`; }
  }
}

const start = Date.now();
await Promise.all(Array.from({ length: clients }, (_, i) => client(start + seconds * 1000, `10.20.${i >> 8}.${i & 255}`)));
const elapsed = (Date.now() - start) / 1000;
agent.destroy();
for (const svc of svcs) await svc.stop();
rmSync(dir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
console.log(`bench contact.create_rps${name} ${(latencies.length / elapsed).toFixed(0)} req/s`);
console.log(`bench contact.create_p99_ms${name} ${p99.toFixed(2)} ms`);
if (errors) {
  console.error(`contact bench: ${errors} errors (first: ${firstError})`);
  process.exit(1);
}
