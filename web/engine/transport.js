// beeldbel transport: the page-side plumbing between Janus and the engine.
// It owns the WebSocket and the two RTCPeerConnections (publisher and
// subscriber) and moves bytes; every signalling decision is made by the C
// state machine (src/signal/janus.c) running in the engine Worker.
//
// Media rides WebRTC data channels (DESIGN.md): we publish one channel and,
// on the subscriber connection, open for every remote publisher a channel
// labelled with its feed id, unordered with no retransmissions, and send one
// message on it once it opens — that makes Janus relay that publisher's
// data on our channel with our settings instead of its own reliable one.
//
// With channelsInWorker, every data channel is transferred the moment it is
// created (browsers allow the transfer only then): the publisher channel to
// the engine Worker, which sends on it, and the receiving channels to
// `receiver` (the wire Worker, wire-worker.js; else the engine Worker too),
// which stamps arrivals (channels.js). No message waits for the page. The
// page keeps a stand-in with each channel's settings and state. Where the
// browser cannot transfer a channel it stays here.
//
// Events (EventTarget): joined {feedId}, participant-joined {feedId, display},
// participant-left {feedId}, message {feedId, data: Uint8Array} (channels
// on the page), activity {} (channels in the Worker: something moved),
// state {state: 'connecting'|'connected'|'reconnecting'|'left', reason?},
// unreachable {} (a WebSocket that never opened: nothing answers at the
// server's address), error {code, reason}.

const CHANNEL_OPTIONS = Object.freeze({ ordered: false, maxRetransmits: 0 });
const RECONNECT_DELAYS_MS = [250, 500, 750, 1000];   // then every second: a restarted Janus is back within 5 s
let channelIds = 0;   // unique per page: several transports may share one Worker

/** The page's view of a channel that lives in the engine Worker. */
class WorkerChannel {
  constructor(worker, ch) {
    this.worker = worker;
    this.id = `${Date.now().toString(36)}-${++channelIds}`;
    this.label = ch.label;
    this.ordered = ch.ordered;
    this.maxRetransmits = ch.maxRetransmits;
    this.readyState = ch.readyState;
    this.onopen = this.onclose = null;
    this.sent = this.received = this.dropped = 0;
  }

  close() {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.worker.postMessage({ type: 'wire-close', id: this.id });
  }
}

/** A peer connection; a browser that cannot make one (WebRTC absent or
 * switched off by a policy) cannot take part at all: the error says so. */
function newPeerConnection(config) {
  try {
    return new RTCPeerConnection(config);
  } catch (err) {
    throw Object.assign(new Error(`no peer connection: ${err && err.message || err}`), { fatal: 'webrtc_failed' });
  }
}

export class Transport extends EventTarget {
  /**
   * @param {Worker} worker the engine Worker (web/engine/worker.js)
   * @param {{janusUrl:string, room:number, token:string, pin?:string, display:string, feedId?:number,
   *          rtcConfig?:RTCConfiguration, nudge?:boolean, tracks?:MediaStream}} options
   *   tracks: also publish these audio/video tracks as ordinary WebRTC media
   *   (only for measuring Chromium's own pipeline against ours); remote
   *   tracks then arrive as 'track' events {feedId, track, streams}.
   *   channelsInWorker: hand the data channels to Workers (above); receiver:
   *   the Worker for the receiving channels (default: the engine Worker).
   */
  constructor(worker, options) {
    super();
    this.worker = worker;
    this.opt = { nudge: true, ...options };
    this.ws = null;
    this.pub = null;          // publisher RTCPeerConnection
    this.pubChannel = null;
    this.sub = null;          // subscriber RTCPeerConnection
    this.channels = new Map(); // feed id -> RTCDataChannel (subscriber side)
    this.fallback = new Map(); // feed id -> a channel Janus opened itself (see _subscribe)
    this.inWorker = new Map(); // id -> WorkerChannel
    this.feedId = 0;
    this.state = 'idle';
    this.attempt = 0;
    this.closing = false;
    this.stats = { sent: 0, received: 0, dropped: 0, reconnects: 0 };
    this._onWorker = (ev) => this._workerMessage(ev.data);
    worker.addEventListener('message', this._onWorker);
    this.receiver = options.channelsInWorker && options.receiver ? options.receiver : null;
    if (this.receiver) this.receiver.addEventListener('message', this._onWorker);
  }

  start() {
    const { room, token, pin = '', display, feedId = 0 } = this.opt;
    this.worker.postMessage({ type: 'janus-start', config: { room, token, pin, display, feedId } });
    this._setState('connecting');
    this._openSocket();
  }

  /** Sends one message (≤ 1200 bytes) to every other participant (channels on the page). */
  send(bytes) {
    if (!this.pubChannel || this.pubChannel.readyState !== 'open' || this.pubChannel instanceof WorkerChannel) {
      this.stats.dropped++;
      return false;
    }
    this.pubChannel.send(bytes);
    this.stats.sent++;
    return true;
  }

  /** Stops at once, without telling Janus (which times the session out). */
  close() {
    this.closing = true;
    this._shutdown('left');
  }

  /** Joins again where the call is now (it moved to another Janus server):
   * the same feed id, with that server's URL and the token and room for it. */
  moveTo({ janusUrl, token, room, pin }) {
    if (this.closing) return;
    Object.assign(this.opt, { janusUrl, token, room: room ?? this.opt.room, pin: pin ?? this.opt.pin });
    this._closePeers();
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      old.onclose = null;
      try { old.close(); } catch { /* already closed */ }
    }
    clearTimeout(this._retry);
    const { display, feedId = 0 } = this.opt;
    this.worker.postMessage({ type: 'janus-start', config: { room: this.opt.room, token, pin: this.opt.pin, display, feedId } });
    this.attempt = 0;
    this._setState('reconnecting', 'moved');
    this._openSocket();
  }

  leave() {
    this.closing = true;
    this.worker.postMessage({ type: 'janus-leave' });
    // If Janus does not answer, close anyway.
    this._leaveTimer = setTimeout(() => this._shutdown('left'), 3000);
  }

  // ---- WebSocket ---------------------------------------------------------

  _openSocket() {
    const ws = new WebSocket(this.opt.janusUrl, 'janus-protocol');
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.worker.postMessage({ type: 'janus-ws-open' });
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.worker.postMessage({ type: 'janus-recv', text: ev.data });
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.closing) return;
      // Nothing answers there now (the server is gone, not just the connection).
      if (!opened) this._emit('unreachable', {});
      this._reconnectSoon('websocket closed');
    };
  }

  _reconnectSoon(reason) {
    if (this.closing) return;
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      old.onclose = null;
      try { old.close(); } catch { /* already closed */ }
    }
    this._setState('reconnecting', reason);
    this.stats.reconnects++;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt++, RECONNECT_DELAYS_MS.length - 1)];
    clearTimeout(this._retry);
    this._retry = setTimeout(() => this._openSocket(), delay);
  }

  // ---- events from the C state machine --------------------------------------

  _workerMessage(msg) {
    if (msg.type === 'wire-state' || msg.type === 'wire-activity') { this._wire(msg); return; }
    if (msg.type === 'janus-send') {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(msg.text);
      return;
    }
    if (msg.type !== 'janus-event') return;
    const ev = msg.ev;
    switch (ev.type) {
      case 'joined':
        this.feedId = ev.feedId;
        this._emit('joined', { feedId: ev.feedId });
        break;
      case 'publish-offer-needed': this._publish().catch((e) => this._fail(e)); break;
      case 'publish-answer':
        this.pub.setRemoteDescription({ type: 'answer', sdp: ev.sdp }).catch((e) => this._fail(e));
        break;
      case 'subscribe-offer': this._subscribe(ev.sdp, ev.feeds).catch((e) => this._fail(e)); break;
      case 'subscription-changed': this._openChannels(ev.feeds); break;
      case 'participant-joined':
        // Our channel first, before Janus relays anything of this publisher.
        this._openChannels([ev.feedId]);
        this._emit('participant-joined', { feedId: ev.feedId, display: ev.display }); break;
      case 'participant-left':
        this._closeChannel(ev.feedId);
        this._emit('participant-left', { feedId: ev.feedId });
        break;
      case 'connection-problem': this._reconnectSoon('request timed out'); break;
      case 'reclaimed':   // Janus still had our session: the peer connections never stopped
        if (this.pubChannel && this.pubChannel.readyState === 'open') this._setState('connected');
        break;
      case 'session-lost':
        this._closePeers();
        this._setState('reconnecting', 'session lost');
        break;
      case 'error': this._emit('error', { code: ev.code, reason: ev.reason }); break;
      case 'left': this._shutdown('left'); break;
      default: break;
    }
  }

  async _publish() {
    if (this.pub) this.pub.close();
    const pc = newPeerConnection(this.opt.rtcConfig);
    this.pub = pc;
    this._trickle(pc, 'publisher');
    if (this.opt.tracks) for (const t of this.opt.tracks.getTracks()) pc.addTransceiver(t, { direction: 'sendonly' });
    const ch = this._adopt(pc.createDataChannel('beeldbel', CHANNEL_OPTIONS), 'pub', 0);
    ch.onopen = () => this._setState('connected');
    ch.onclose = () => { if (this.pubChannel === ch && !this.closing) this._setState('reconnecting', 'channel closed'); };
    this.pubChannel = ch;
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.worker.postMessage({ type: 'janus-publish', sdp: pc.localDescription.sdp });
  }

  async _subscribe(sdp, feeds) {
    if (!this.sub) {
      this.sub = newPeerConnection(this.opt.rtcConfig);
      this._trickle(this.sub, 'subscriber');
      // Janus opens its own channel (reliable and ordered, DESIGN.md) when
      // a publisher's data arrives before our channel for it is open, and
      // then keeps using it. We open ours as soon as a publisher is
      // announced, so this is rare; when it happens, that feed's data comes
      // on Janus's channel (a loss then delays what follows, but nothing is
      // lost). Counted, for the tests.
      this.sub.ondatachannel = (ev) => {
        this.stats.unexpectedChannels = (this.stats.unexpectedChannels || 0) + 1;
        const feed = Number(ev.channel.label);
        if (!this.channels.has(feed)) { ev.channel.close(); return; }
        const ch = this._adopt(ev.channel, 'sub', feed, false);
        if (!(ch instanceof WorkerChannel)) this._listen(ch, feed);
        this.fallback.set(feed, ch);
      };
      this.sub.ontrack = (ev) => this._emit('track', { track: ev.track, streams: ev.streams, mid: ev.transceiver && ev.transceiver.mid });
    }
    await this.sub.setRemoteDescription({ type: 'offer', sdp });
    this._openChannels(feeds);
    const answer = await this.sub.createAnswer();
    await this.sub.setLocalDescription(answer);
    this.worker.postMessage({ type: 'janus-answer', sdp: this.sub.localDescription.sdp });
  }

  // One channel per remote feed, opened by us so that Janus uses our
  // (unordered, no retransmission) settings; also without renegotiation,
  // since every feed's data shares the one m=application line.
  _openChannels(feeds) {
    if (!this.sub) return;
    for (const feed of feeds) {
      if (this.channels.has(feed)) continue;
      const ch = this._adopt(this.sub.createDataChannel(String(feed), CHANNEL_OPTIONS), 'sub', feed, this.opt.nudge);
      if (!(ch instanceof WorkerChannel)) {
        ch.onopen = () => { if (this.opt.nudge) ch.send(new Uint8Array([0])); };
        this._listen(ch, feed);
      }
      this.channels.set(feed, ch);
    }
  }

  // Hands a channel just created (or just announced) to the Worker, which
  // must happen in this very task; returns what stands for it here.
  _adopt(ch, kind, feedId, nudge = false) {
    ch.binaryType = 'arraybuffer';
    if (!this.opt.channelsInWorker) return ch;
    const to = kind === 'sub' && this.receiver ? this.receiver : this.worker;
    const w = new WorkerChannel(to, ch);
    try {
      to.postMessage({ type: 'wire-channel', id: w.id, kind, feedId, nudge, ch }, [ch]);
    } catch {
      return ch;   // not transferable in this browser: it stays on the page
    }
    this.inWorker.set(w.id, w);
    return w;
  }

  _wire(msg) {
    if (msg.type === 'wire-activity') {
      let arrived = 0;
      for (const [id, sent, received, dropped] of msg.counts) {
        const w = this.inWorker.get(id);
        if (!w) continue;
        this.stats.sent += sent - w.sent;
        this.stats.received += received - w.received;
        this.stats.dropped += dropped - w.dropped;
        arrived += received - w.received;
        Object.assign(w, { sent, received, dropped });
      }
      if (arrived) this._emit('activity', { received: arrived });
      return;
    }
    const w = this.inWorker.get(msg.id);
    if (!w) return;
    if (msg.state === 'open' && w.readyState !== 'closed') {
      w.readyState = 'open';
      if (w.onopen) w.onopen();
    } else if (msg.state === 'closed') {
      this.inWorker.delete(msg.id);
      const was = w.readyState;
      w.readyState = 'closed';
      if (was !== 'closed' && w.onclose) w.onclose();
    }
  }

  _listen(ch, feed) {
    ch.binaryType = 'arraybuffer';
    ch.onmessage = (m) => {
      this.stats.received++;
      this._emit('message', { feedId: feed, data: new Uint8Array(m.data) });
    };
  }

  _trickle(pc, which) {
    pc.onicecandidate = (ev) => {
      const c = ev.candidate;
      this.worker.postMessage({
        type: 'janus-trickle', pc: which,
        candidate: c ? c.candidate : '', mid: c ? c.sdpMid : '', mline: c ? c.sdpMLineIndex : 0,
      });
    };
  }

  _closeChannel(feed) {
    for (const map of [this.channels, this.fallback]) {
      const ch = map.get(feed);
      if (ch) ch.close();
      map.delete(feed);
    }
  }

  _closePeers() {
    if (this.pubChannel instanceof WorkerChannel) this.pubChannel.close();
    for (const feed of [...this.channels.keys()]) this._closeChannel(feed);
    if (this.pub) this.pub.close();
    if (this.sub) this.sub.close();
    this.pub = this.sub = this.pubChannel = null;
  }

  _shutdown(state) {
    clearTimeout(this._leaveTimer);
    clearTimeout(this._retry);
    this.closing = true;
    this._closePeers();
    if (this.ws) { this.ws.onclose = null; this.ws.close(); this.ws = null; }
    this.worker.postMessage({ type: 'janus-stop' });
    this.worker.removeEventListener('message', this._onWorker);
    if (this.receiver) this.receiver.removeEventListener('message', this._onWorker);
    this._setState(state);
  }

  _fail(err) {
    this._emit('error', { code: 0, reason: String(err && err.message || err), ...(err?.fatal && { fatal: err.fatal }) });
  }

  // Said again when only the reason changed: a session lost while reconnecting (Janus restarted)
  // is news to the call, which then knows the 'left's just before it were Janus going away.
  _setState(state, reason) {
    if (this.state === state && this.reason === reason) return;
    this.state = state;
    this.reason = reason;
    this._emit('state', { state, reason });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
