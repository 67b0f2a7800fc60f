// The engine runs in this module Worker so codec work never blocks the page.
// Protocol (postMessage): {type:'init'} -> {type:'ready', versions, selftest}
// or {type:'error', code, en, nl}; janus-* (signalling, below) and call-*
// (media and E2EE, call-worker.js).
import { loadEngine, JanusSession } from './engine.js';
import { WorkerCall } from './call-worker.js';

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

// ---- the call (media engine + E2EE), see call-worker.js ----
let call = null;
const post = (m, transfer) => self.postMessage(m, transfer || []);

async function callMessage(msg) {
  if (msg.type === 'call-start') {
    if (call) call.stop();
    call = null;
    const next = new WorkerCall(engine, post, msg.config);
    try {
      await next.start();
    } catch (err) {
      next.stop();
      throw err;
    }
    call = next;     // only a call that started takes media
    return;
  }
  if (!call) return;
  switch (msg.type) {
    case 'call-video':
      try { call.video(msg.frame ?? msg.i420, msg.captureMs); } finally { post({ type: 'call-video-done' }); }
      break;
    case 'call-audio': call.audio(msg.pcm, msg.captureMs); break;
    case 'call-recv': call.receive(msg.feedId, msg.data, msg.atMs); break;
    case 'call-text': call.text(msg.text, msg.final, msg.kind); break;
    case 'call-peer-joined': call.peerJoined(msg.feedId); break;
    case 'call-peer-left': call.peerLeft(msg.feedId); break;
    case 'call-profile': call.profile(msg.profile); break;
    case 'call-plain': post({ type: 'call-plain', plain: call.sentPlain, wire: call.sentWire }); break;
    // Test hook: the browser's codecs fail now, as on a real WebCodecs error.
    case 'call-codec-fail': if (call.vc) call.vc._fail(new Error('codec failure (test)')); break;
    case 'call-stop': call.stop(); call = null; break;
    default: break;
  }
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
  if (typeof msg.type === 'string' && msg.type.startsWith('call-')) {
    try {
      await ensureEngine();
      await callMessage(msg);
    } catch (err) {
      self.postMessage({ type: 'call-error', code: err.code ?? 0, en: err.en ?? String(err.message || err),
        nl: err.nl ?? 'Er ging iets mis in de video-engine.', where: err.where });
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
