// The engine runs in this module Worker so codec work never blocks the page.
// Protocol (postMessage): {type:'init', wasm?, simd?} -> {type:'ready', versions, selftest}
// (wasm: the module's bytes, checked by the page; without them the module
// beside the engine is fetched, with SIMD kernels where the browser has
// SIMD, or without them if simd is false)
// or {type:'error', code, en, nl}; janus-* (signalling, below), call-*
// (media and E2EE, call-worker.js), wire-* (the data channels, channels.js;
// wire-port {port}: arrivals from the wire Worker, wire-worker.js),
// and the ports of the microphone and speaker worklets: call-mic-port
// {port} (frames {pcm, end}) and call-speaker-port {port} (asks with any
// message for the next Int16Array frame, which it is sent).
import { loadEngine, JanusSession } from './engine.js';
import { WorkerCall } from './call-worker.js';
import { ChannelHub } from './channels.js';
import { LoadMeter } from './load.js';
import { Msg, isCallMessage } from './messages.js';
import { micClock, readCamera, readMicrophone } from './worker-capture.js';

let engine = null;
// Everything this Worker does runs under the meter: its busy share is the
// engine's measure of a short CPU.
const meter = new LoadMeter();

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
    janusTimer = setTimeout(meter.wrap(() => {
      if (!janus) return;
      janus.tick(nowUs());
      janusPump();
    }), Math.max(0, (d - nowUs()) / 1000));
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
const toPage = (m, transfer) => self.postMessage(m, transfer || []);
// An arrival, from a channel here or from the wire Worker's port.
const arrived = meter.wrap((feedId, data, atMs) => {
  if (!call) return;
  try {
    call.receive(feedId, data, atMs);
  } catch (err) {
    toPage({ type: Msg.error, code: err.code ?? 0, en: err.en ?? String(err.message || err),
      nl: err.nl ?? 'Er ging iets mis in de video-engine.', where: err.where });
  }
});
const hub = new ChannelHub(toPage, arrived);
let wire = null;      // the wire Worker's port (arrivals)
let speaker = null;   // the speaker worklet's port (the newest call's)
let microphone = null;

// The call's output goes straight to where it is used when that is here:
// media messages onto the data channel. (With a speaker port the speaker
// asks for its frames, below; without one PCM goes to the page.)
function post(m, transfer) {
  if (m.type === Msg.send && hub.hasPublisher) {
    for (const d of m.msgs) hub.send(d);
  } else {
    toPage(m, transfer);
  }
}

// A microphone frame, from the worklet's port or the track's stream: its
// capture time from the audio clock (micClock), late ones dropped.
function microphoneFrame(clock, pcm, clockUs) {
  if (!call || !call.media) return;
  const captureUs = clock(clockUs, nowUs());
  if (captureUs === null) { call.micLate++; return; }
  call.audio(pcm, performance.timeOrigin + captureUs / 1000);
}

function attachMicrophone(port) {
  const clock = micClock();
  port.onmessage = meter.wrap((ev) => {
    const { pcm, end } = ev.data || {};
    if (pcm instanceof Int16Array && Number.isFinite(end)) microphoneFrame(clock, pcm, end * 1e6 / 48000);
  });
}

// The tracks' streams, while the page hands them over (see worker-capture.js).
let camera = null, mic = null;
function cameraStream(stream) {
  if (camera) camera.stop();
  camera = stream && readCamera(stream, async (frame, captureMs) => {
    if (!call) return;
    try {
      await call.video(frame, captureMs);
    } catch (err) {
      toPage({ type: Msg.error, code: err.code ?? 0, en: `camera frame: ${err.message || err}`,
        nl: 'Een camerabeeld kon niet worden verwerkt.' });
    }
  });
}
function micStream(stream) {
  if (mic) mic.stop();
  const clock = micClock();
  mic = stream && readMicrophone(stream, meter.wrap((pcm, clockUs) => microphoneFrame(clock, pcm, clockUs)),
    (rate) => { mic = null; toPage({ type: Msg.micRate, rate }); });
}

function wireMessage(msg) {
  switch (msg.type) {
    case 'wire-camera': cameraStream(msg.stream); break;
    case 'wire-camera-gate': if (camera) camera.on = !!msg.on; break;
    case 'wire-mic': micStream(msg.stream); break;
    case 'wire-mic-gate': if (mic) mic.on = !!msg.on; break;
    case 'wire-channel': hub.attach(msg); break;
    case 'wire-close': hub.close(msg.id); break;
    case 'wire-port':
      if (wire) wire.close();
      wire = msg.port;
      wire.onmessage = (ev) => { const a = ev.data || {}; arrived(a.feedId, a.data, a.atMs); };
      break;
    case Msg.micPort:
      if (microphone) microphone.close();
      microphone = msg.port;
      attachMicrophone(msg.port);
      break;
    case Msg.speakerPort:
      if (speaker) speaker.close();
      speaker = msg.port;
      // The speaker asks for each 20 ms frame as it needs it.
      speaker.onmessage = meter.wrap(() => {
        if (!call || !call.media) return;
        const pcm = call.audioFrame();
        if (pcm) speaker.postMessage(pcm, [pcm.buffer]);
      });
      if (call) call.speakerPulls = true;
      break;
    default: break;
  }
}

async function callMessage(msg) {
  if (msg.type === Msg.start) {
    if (call) call.stop();
    call = null;
    const next = new WorkerCall(engine, post, msg.config, meter);
    try {
      await next.start();
    } catch (err) {
      next.stop();
      throw err;
    }
    call = next;     // only a call that started takes media
    call.speakerPulls = !!speaker;
    return;
  }
  if (!call) {
    if (msg.frame && msg.frame.close) msg.frame.close();
    if (msg.type === Msg.video) post({ type: Msg.videoDone });
    return;
  }
  switch (msg.type) {
    case Msg.video: {
      // Not awaited: converting waits for the frame's pixels, and other
      // messages need not wait for that. The page sends the next frame
      // only after call-video-done.
      const done = () => post({ type: Msg.videoDone });
      call.video(msg.frame, msg.captureMs).then(done, (err) => {
        done();
        post({ type: Msg.error, code: err.code ?? 0, en: `camera frame: ${err.message || err}`,
          nl: 'Een camerabeeld kon niet worden verwerkt.' });
      });
      break;
    }
    case Msg.audio: call.audio(msg.pcm, msg.captureMs); break;
    case Msg.recv: call.receive(msg.feedId, msg.data, msg.atMs); break;
    case Msg.text: call.text(msg.text, msg.final, msg.kind); break;
    case Msg.peerJoined: call.peerJoined(msg.feedId); break;
    case Msg.peerLeft: call.peerLeft(msg.feedId); break;
    case Msg.renew: call.renewKeys(); break;
    case Msg.profile: call.profile(msg.profile); break;
    case Msg.doc: call.doc(msg); break;
    case Msg.file: call.file(msg); break;
    case Msg.rec: call.rec(msg); break;
    case Msg.plain: post({ type: Msg.plain, plain: call.sentPlain, wire: call.sentWire }); break;
    // Test hook: the browser's codecs fail now, as on a real WebCodecs error.
    case Msg.codecFail: if (call.vc) call.vc._fail(new Error('codec failure (test)')); break;
    case Msg.stop: call.stop(); call = null; break;
    default: break;
  }
}

let loading = null;
function ensureEngine(wasmBinary, simd) {
  loading = loading || loadEngine({ wasmBinary, simd }).then((e) => { engine = e; return e; });
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
  if (isCallMessage(msg.type)) {
    try {
      await ensureEngine();
      await callMessage(msg);
    } catch (err) {
      if (msg.frame && msg.frame.close) msg.frame.close();   // an open camera frame stalls the camera
      // startId: this start of a call could not begin at all (the page that
      // sent it ends that call and says why; a later call on this Worker is not touched).
      self.postMessage({ type: Msg.error, code: err.code ?? 0, en: err.en ?? String(err.message || err),
        nl: err.nl ?? 'Er ging iets mis in de video-engine.', where: err.where,
        startId: msg.type === Msg.start ? msg.id : undefined });
    }
    return;
  }
  if (msg.type !== 'init') return;
  try {
    await ensureEngine(msg.wasm instanceof ArrayBuffer ? new Uint8Array(msg.wasm) : undefined,
      msg.simd === false ? false : undefined);
    self.postMessage({ type: 'ready', versions: engine.versions(), selftest: selfTest(engine) });
  } catch (err) {
    self.postMessage({
      type: 'error', code: err.code ?? 0,
      en: err.en ?? String(err.message || err), nl: err.nl ?? 'De video-engine kon niet starten.',
    });
  }
}

// Messages are handled strictly in order, even while the engine loads;
// channels and ports at once, so none of their events is missed.
let chain = Promise.resolve();
self.onmessage = (ev) => {
  const msg = ev.data || {};
  if (typeof msg.type === 'string' && (msg.type.startsWith('wire-') || msg.type.endsWith('-port'))) {
    meter.run(() => wireMessage(msg));
    return;
  }
  chain = chain.then(() => meter.run(() => handle(msg)));
};
