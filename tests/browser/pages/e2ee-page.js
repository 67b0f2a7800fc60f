// Test page: the E2EE key agreement and SFrame through the real Janus, over
// the transport's data channels. One tag byte per message: 1 handshake,
// 2 SFrame-protected, 3 plaintext (only to prove the recording at Janus
// captures what passes). The officer's certificate and key, and the shared
// invitation secret, are handed in by the test with bb.setup(). Not part of
// the product: the call session will do this with the media engine.
import { loadEngine, E2eeSession, fetchPoliceTrust } from '/engine/engine.js';
import { Transport } from '/engine/transport.js';

const params = new URLSearchParams(location.hash.slice(1));
const worker = new Worker('/engine/worker.js', { type: 'module' });
const engine = await loadEngine();
const trust = await fetchPoliceTrust(engine, new URL('/police/', location.href));
// Wall-clock time: the key agreement checks certificate validity with it.
const nowUs = () => Date.now() * 1000;
const bb = { received: [], refused: 0, ready: false };
window.bb = bb;

bb.setup = ({ role, cert, key, invite }) => {
  const feedId = Number(params.get('feed'));
  const e2ee = new E2eeSession(engine, {
    room: params.get('room'), selfId: feedId, role, trust,
    invite: new Uint8Array(invite), cert: cert && new Uint8Array(cert), key: key && new Uint8Array(key),
    expectedOfficer: params.get('officer') || '',
  });
  const transport = new Transport(worker, {
    janusUrl: params.get('janus'), room: Number(params.get('room')), token: params.get('token'),
    display: role, feedId,
  });
  const tagged = (tag, bytes) => { const m = new Uint8Array(bytes.length + 1); m[0] = tag; m.set(bytes, 1); return m; };
  // Handshake messages are repeated every 300 ms (the channel is unordered
  // and unreliable, and the first ones go out before anyone listens).
  // Answers go out at once; the outbox is repeated only by the timer and
  // only until every peer's key and code value has arrived (repeating on every receive
  // would echo between the two sides).
  const outbox = [];
  const flush = (repeat) => {
    const fresh = [];
    for (let h; (h = e2ee.pollHandshake()) !== null;) { fresh.push(tagged(1, h)); outbox.push(fresh.at(-1)); }
    while (outbox.length > 8) outbox.shift();
    if (transport.state !== 'connected') return;
    const peers = e2ee.peers();
    const done = peers.length > 0 && peers.every((p) => p.hasKey) && e2ee.sas() !== null;
    for (const m of (repeat && !done) ? outbox : fresh) transport.send(m);
  };
  transport.addEventListener('message', (ev) => {
    const d = ev.detail.data;
    if (d[0] === 1) { e2ee.receiveHandshake(ev.detail.feedId, d.subarray(1), nowUs()); flush(false); }
    if (d[0] === 2) {
      const r = e2ee.unprotect(d.subarray(1));
      if (r) bb.received.push({ from: r.from, text: new TextDecoder().decode(r.bytes) });
      else bb.refused++;
    }
  });
  // Handshakes go out until everyone has everyone's key and code value: the channel is unreliable.
  setInterval(() => flush(true), 300);
  transport.addEventListener('participant-joined', () => flush(true));
  transport.start();
  bb.e2ee = e2ee;
  bb.transport = transport;
  bb.sendSecret = (text) => transport.send(tagged(2, e2ee.protect(new TextEncoder().encode(text))));
  bb.sendPlain = (text) => transport.send(tagged(3, new TextEncoder().encode(text)));
  bb.state = () => ({ sas: e2ee.sas(), peers: e2ee.peers(), failure: e2ee.officerFailure(), state: transport.state });
};
document.getElementById('status').textContent = 'ready';
