// The engine runs in this module Worker so codec work never blocks the page.
// Protocol (postMessage): {type:'init'} -> {type:'ready', versions, selftest}
// or {type:'error', code, en, nl}. Later issues add media messages here.
import { loadEngine, JanusSession } from './engine.js';

let engine = null;

// A short check that all four libraries work inside this browser: one VP8
// frame, one 20 ms Opus frame, one AES-GCM message, one control message.
function selfTest(e) {
  const t0 = performance.now();
  const w = 320, h = 180, frame = new Uint8Array(w * h * 3 / 2);
  for (let i = 0; i < w * h; i++) frame[i] = 16 + ((i % w) * 200 / w) | 0;
  frame.fill(128, w * h);
  const venc = e.createVideoEncoder({ width: w, height: h }), vdec = e.createVideoDecoder();
  const decoded = vdec.decode(venc.encode(frame, 0).data);
  venc.free(); vdec.free();

  const aenc = e.createAudioEncoder(), adec = e.createAudioDecoder();
  const pcm = new Int16Array(960).map((_, i) => Math.round(6000 * Math.sin(i / 10)));
  const samples = adec.decode(aenc.encode(pcm)).length;
  aenc.free(); adec.free();

  const key = crypto.getRandomValues(new Uint8Array(16)), nonce = crypto.getRandomValues(new Uint8Array(12));
  const msg = new TextEncoder().encode('beeldbel');
  const opened = new TextDecoder().decode(e.open(key, nonce, msg, e.seal(key, nonce, msg, msg)));

  const ctl = e.parseControl(new TextEncoder().encode(e.writeControl({ type: 'hello', seq: 1, from: 'widget' })));
  return {
    vp8: decoded.width === w && decoded.height === h,
    opus: samples === 960,
    aesgcm: opened === 'beeldbel',
    json: ctl.type === 'hello',
    ms: Math.round(performance.now() - t0),
  };
}

// ---- Janus signalling (the C state machine; the page owns sockets/PCs) ----
let janus = null;
let janusTimer = 0;
const nowUs = () => performance.now() * 1000;

function janusPump() {
  for (let text; (text = janus.pollSend()) !== null;) self.postMessage({ type: 'janus-send', text });
  for (let ev; (ev = janus.pollEvent()) !== null;) self.postMessage({ type: 'janus-event', ev });
  clearTimeout(janusTimer);
  const d = janus.nextDeadline();
  if (d >= 0) {
    janusTimer = setTimeout(() => {
      if (!janus) return;
      janus.tick(nowUs());
      janusPump();
    }, Math.max(0, (d - nowUs()) / 1000));
  }
}

function janusMessage(msg) {
  const t = nowUs();
  switch (msg.type) {
    case 'janus-start':
      if (janus) janus.free();
      janus = new JanusSession(engine, msg.config);
      return;
    case 'janus-ws-open': janus.wsOpen(t); break;
    case 'janus-recv': janus.recv(msg.text, t); break;
    case 'janus-publish': janus.publish(msg.sdp, t); break;
    case 'janus-answer': janus.subscribeAnswer(msg.sdp, t); break;
    case 'janus-trickle': janus.trickle(msg.pc, msg.candidate, msg.mid, msg.mline, t); break;
    case 'janus-leave': janus.leave(t); break;
    case 'janus-stop':
      clearTimeout(janusTimer);
      janus.free();
      janus = null;
      return;
    default: return;
  }
  janusPump();
}

let loading = null;
function ensureEngine() {
  loading = loading || loadEngine().then((e) => { engine = e; return e; });
  return loading;
}

async function handle(msg) {
  if (typeof msg.type === 'string' && msg.type.startsWith('janus-')) {
    try {
      await ensureEngine();
      janusMessage(msg);
    } catch (err) {
      self.postMessage({ type: 'janus-event', ev: { type: 'error', code: err.code ?? 0, reason: err.en ?? String(err.message || err) } });
    }
    return;
  }
  if (msg.type !== 'init') return;
  try {
    await ensureEngine();
    self.postMessage({ type: 'ready', versions: engine.versions(), selftest: selfTest(engine) });
  } catch (err) {
    self.postMessage({
      type: 'error', code: err.code ?? 0,
      en: err.en ?? String(err.message || err), nl: err.nl ?? 'De video-engine kon niet starten.',
    });
  }
}

// Messages are handled strictly in order, even while the engine loads.
let chain = Promise.resolve();
self.onmessage = (ev) => {
  const msg = ev.data || {};
  chain = chain.then(() => handle(msg));
};
