// Test page: the call core (key agreement, sender binding, handshake
// delivery, SFrame) through the real Janus, over the transport's data
// channels, with no camera or microphone: a line of text is the protected
// message. A message tagged 9 goes out in the clear, only to prove that the
// recording at Janus captures what passes. The officer's certificate and
// key, and the shared invitation secret, are handed in by the test with
// bb.setup().
import { loadEngine, CallCore, fetchPoliceTrust } from '/engine/engine.js';
import { Transport } from '/engine/transport.js';

const params = new URLSearchParams(location.hash.slice(1));
const worker = new Worker('/engine/worker.js', { type: 'module' });
const engine = await loadEngine();
const trust = await fetchPoliceTrust(engine, new URL('/police/', location.href));
const nowUs = () => performance.now() * 1000;
const wallUs = () => Date.now() * 1000;
const bb = { received: [], ready: false };
window.bb = bb;

bb.setup = ({ role, cert, key, invite }) => {
  const feedId = Number(params.get('feed'));
  const core = new CallCore(engine, {
    room: params.get('room'), feedId, role, trust,
    invite: new Uint8Array(invite), cert: cert && new Uint8Array(cert), key: key && new Uint8Array(key),
    expectedOfficer: params.get('officer') || '', width: 64, height: 48, fps: 5,
  });
  const transport = new Transport(worker, {
    janusUrl: params.get('janus'), room: Number(params.get('room')), token: params.get('token'),
    display: role, feedId,
  });
  let timer = 0;
  const pump = () => {
    for (const m of core.pollSend()) if (transport.state === 'connected') transport.send(m.data);
    for (const ev of core.pollEvents()) {
      if (ev.type === 'text') bb.received.push({ from: ev.from, text: ev.text });
      else if (ev.type === 'doc') bb.received.push({ from: ev.from, doc: new TextDecoder().decode(ev.data), kind: ev.kind });
    }
    clearTimeout(timer);
    timer = setTimeout(() => { core.tick(nowUs()); pump(); }, Math.min(100, Math.max(0, (core.nextDeadline() - nowUs()) / 1000)));
  };
  transport.addEventListener('message', (ev) => {
    core.receive(ev.detail.feedId, ev.detail.data, nowUs(), wallUs());
    pump();
  });
  transport.addEventListener('participant-joined', (ev) => { core.peerJoined(ev.detail.feedId, nowUs()); pump(); });
  transport.addEventListener('participant-left', (ev) => { core.peerLeft(ev.detail.feedId, nowUs(), wallUs()); pump(); });
  transport.start();
  pump();
  bb.core = core;
  bb.transport = transport;
  bb.sendSecret = (text) => { core.sendText('rtt', true, text, nowUs()); pump(); };
  // A document in the call (a statement's JSON): cut into parts, each sealed like the text.
  bb.sendDocument = (text) => { core.sendDoc(1, new TextEncoder().encode(text), nowUs()); pump(); };
  bb.sendPlain = (text) => {
    const b = new TextEncoder().encode(text), m = new Uint8Array(b.length + 1);
    m[0] = 9;   // no tag of the call core: refused and counted by the receiver
    m.set(b, 1);
    transport.send(m);
  };
  bb.state = () => ({ sas: core.e2ee.sas(), peers: core.e2ee.peers(), failure: core.e2ee.officerFailure(),
    state: transport.state, counts: core.counts() });
};
document.getElementById('status').textContent = 'ready';
