// Test page for the transport: joins a room with the parameters in the URL
// hash and records everything, for tests/browser/call.test.mjs to inspect
// through window.bb. Not part of the product.
import { Transport } from '/engine/transport.js';

const params = new URLSearchParams(location.hash.slice(1));
const worker = new Worker('/engine/worker.js', { type: 'module' });
const bb = {
  events: [], received: [], states: [], feedId: 0, peers: new Set(),
  now: () => performance.timeOrigin + performance.now(),
};
window.bb = bb;

const transport = new Transport(worker, {
  janusUrl: params.get('janus'),
  room: Number(params.get('room')),
  token: params.get('token'),
  pin: params.get('pin') || '',
  display: params.get('display') || 'test',
  nudge: params.get('nudge') !== '0',
});
bb.transport = transport;
for (const type of ['joined', 'participant-joined', 'participant-left', 'state', 'error']) {
  transport.addEventListener(type, (ev) => {
    bb.events.push({ type, ...ev.detail });
    if (type === 'joined') bb.feedId = ev.detail.feedId;
    if (type === 'participant-joined') bb.peers.add(ev.detail.feedId);
    if (type === 'participant-left') bb.peers.delete(ev.detail.feedId);
    if (type === 'state') { bb.states.push(ev.detail.state); document.getElementById('status').textContent = ev.detail.state; }
  });
}
transport.addEventListener('message', (ev) => {
  const d = ev.detail.data;
  if (d.length < 12) return;
  const v = new DataView(d.buffer, d.byteOffset);
  // [u32 seq][f64 send time ms] + padding
  bb.received.push({ feed: ev.detail.feedId, seq: v.getUint32(0), sent: v.getFloat64(4), at: bb.now(), len: d.length,
    text: d.length < 200 ? new TextDecoder().decode(d.subarray(12)) : '' });
});

// Sends n messages of size bytes every intervalMs; resolves when done.
bb.sendBurst = (n, size, intervalMs, text = '') => new Promise((resolve) => {
  let seq = 0;
  const body = new TextEncoder().encode(text);
  const timer = setInterval(() => {
    for (let k = 0; k < Math.max(1, Math.round(1 / intervalMs)) && seq < n; k++) {
      const buf = new Uint8Array(Math.max(size, 12 + body.length));
      const v = new DataView(buf.buffer);
      v.setUint32(0, seq++);
      v.setFloat64(4, bb.now());
      buf.set(body, 12);
      transport.send(buf);
    }
    if (seq >= n) { clearInterval(timer); resolve(seq); }
  }, Math.max(1, intervalMs));
});
transport.start();
