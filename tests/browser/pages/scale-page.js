// Capacity bench page (tests/bench/scale.bench.mjs): synthetic call
// participants, several to a page, each its own Transport and engine Worker
// (our signalling and data channels, as in a real call) but no camera or
// codec: each plays a trace of what a real participant sends (sizes and
// times from the media engine at the default profile) as random bytes, and
// counts what arrives from every other participant. Not part of the product.
import { Transport } from '/engine/transport.js';

const HEADER = 8;   // [u32 sender's number][u32 its sequence number]
const bb = { participants: [], trace: null };
window.bb = bb;

/** The trace to play: [[ms, bytes], ...] over durationMs, looped. */
bb.setTrace = (trace, durationMs) => { bb.trace = trace; bb.traceMs = durationMs; };

/** One participant joins a room; resolves when it is connected. */
bb.join = ({ janus, room, token, number }) => new Promise((resolve, reject) => {
  const worker = new Worker('/engine/worker.js', { type: 'module' });
  const t = new Transport(worker, { janusUrl: janus, room, token, pin: '', display: `p${number}`, nudge: true });
  const p = { number, t, worker, sent: 0, got: new Map(), sending: false };
  bb.participants.push(p);
  t.addEventListener('message', (ev) => {
    const d = ev.detail.data;
    if (d.length < HEADER) return;
    const v = new DataView(d.buffer, d.byteOffset);
    const from = v.getUint32(0);
    const g = p.got.get(from) ?? { n: 0, maxSeq: -1 };
    g.n++;
    g.maxSeq = Math.max(g.maxSeq, v.getUint32(4));
    p.got.set(from, g);
  });
  t.addEventListener('state', (ev) => { if (ev.detail.state === 'connected') resolve(); });
  t.addEventListener('error', (ev) => reject(new Error(`${ev.detail.code} ${ev.detail.reason}`)));
  t.start();
});

/** How many open channels a participant receives on (others it hears). */
bb.hearing = () => bb.participants.map((p) => [...p.t.channels.values()].filter((c) => c.readyState === 'open').length);

// Random bytes of every size the trace has, made once (encrypted media looks the same).
const bodies = new Map();
function body(size) {
  let b = bodies.get(size);
  if (!b) {
    b = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(size, i + 65536)));
    bodies.set(size, b);
  }
  return b;
}

/** Everyone not yet sending starts playing the trace, each from its own point in it. */
bb.play = () => {
  for (const p of bb.participants) {
    if (p.sending) continue;
    p.sending = true;
    const offset = Math.random() * bb.traceMs;
    const start = performance.now() - offset;
    let i = bb.trace.findIndex(([ms]) => ms >= offset), loops = 0;
    if (i < 0) i = 0;
    p.timer = setInterval(() => {
      const now = performance.now() - start;
      while (bb.trace[i][0] + loops * bb.traceMs <= now) {
        const msg = body(bb.trace[i][1]).slice();
        const v = new DataView(msg.buffer);
        v.setUint32(0, p.number);
        v.setUint32(4, p.sent++);
        try { p.t.send(msg); } catch { /* a channel not open: lost, and counted as such */ }
        if (++i === bb.trace.length) { i = 0; loops++; }
      }
    }, 5);
  }
};

/** What each participant has sent so far, and got from each other: { number: { sent, got: { from: n } } }. */
bb.counts = () => Object.fromEntries(bb.participants.map((p) =>
  [p.number, { sent: p.sent, got: Object.fromEntries([...p.got].map(([f, g]) => [f, g.n])) }]));
