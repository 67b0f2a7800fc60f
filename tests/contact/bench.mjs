// make bench: callback requests per second and p99 latency at 50 concurrent
// clients (keep-alive connections) for 30 s against the optimised service
// on loopback, each request a committed SQLite transaction. Any error fails.
// Prints: bench contact.create_rps <n> req/s, bench contact.create_p99_ms <n> ms
// (p99 is lower-is-better; it has no native/wasm twin, so no ratio line).
//   BB_BENCH_SECONDS / BB_BENCH_CLIENTS override 30 / 50.
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startContact, optBin } from './lib.mjs';

const seconds = Number(process.env.BB_BENCH_SECONDS ?? 30);
const clients = Number(process.env.BB_BENCH_CLIENTS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'bb-contact-bench-'));
const svc = await startContact({ db: join(dir, 'contact.db'), bin: optBin, env: {
  BB_CONTACT_CREATE_PER_HOUR: '1e9', BB_CONTACT_CALLS_PER_MINUTE: '1e9' } });
const agent = new Agent({ keepAlive: true, maxSockets: clients });
let n = 0, errors = 0, firstError = '';
const latencies = [];

function post(body) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port: svc.port, path: '/api/v1/requests', method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', (e) => resolve({ status: 0, text: String(e), ms: 0 }));
    req.end(body);
  });
}

async function client(until) {
  while (Date.now() < until) {
    const phone = `06${String(10000000 + ++n).slice(-8)}`;
    const r = await post(JSON.stringify({ name: 'Bench Mark', phone, neighbourhood: 'groningen-noord',
      topic: 'Load test', preference: 'video', window: 'any', needs: ['captions'] }));
    if (r.status === 201) latencies.push(r.ms);
    else { errors++; firstError ||= `${r.status} ${r.text}`; }
  }
}

const start = Date.now();
await Promise.all(Array.from({ length: clients }, () => client(start + seconds * 1000)));
const elapsed = (Date.now() - start) / 1000;
agent.destroy();
await svc.stop();
rmSync(dir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
console.log(`bench contact.create_rps ${(latencies.length / elapsed).toFixed(0)} req/s`);
console.log(`bench contact.create_p99_ms ${p99.toFixed(2)} ms`);
if (errors) {
  console.error(`contact bench: ${errors} errors (first: ${firstError})`);
  process.exit(1);
}
