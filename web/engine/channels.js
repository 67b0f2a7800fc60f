// The media data channels, in a Worker. The page transfers each channel the
// moment it creates it (web/engine/transport.js; browsers allow the transfer
// only then): the publisher channel to the engine Worker, so a message goes
// out the moment the engine has it, and the receiving channels to the wire
// Worker (wire-worker.js), so an arrival is stamped the moment its event
// runs. Neither waits behind the page's own work, which the rate control
// would otherwise read as a network queue.
//
// From the page: wire-channel {id, kind: 'pub'|'sub', feedId, nudge, ch},
// wire-close {id}. To the page: wire-state {id, state: 'open'|'closed'},
// wire-activity {counts: [[id, sent, received, dropped]]} at most every
// ACTIVITY_MS while anything moves (its stall detector and its stats).

const ACTIVITY_MS = 100;

export class ChannelHub {
  /**
   * @param {(msg:object) => void} post to the page
   * @param {(feedId:number, data:Uint8Array, atMs:number) => void} deliver an
   *   arrival, atMs when its event ran (epoch ms)
   */
  constructor(post, deliver) {
    this.post = post;
    this.deliver = deliver;
    this.channels = new Map();   // id -> { ch, kind, feedId, sent, received, dropped, dirty }
    this.pub = null;             // the newest publisher channel's entry
    this.reportTimer = 0;
  }

  /** True once the page handed over a publisher channel: sends go here. */
  get hasPublisher() { return this.pub !== null; }

  attach({ id, kind, feedId, nudge, ch }) {
    const e = { id, ch, kind, feedId, sent: 0, received: 0, dropped: 0, dirty: false };
    this.channels.set(id, e);
    if (kind === 'pub') this.pub = e;
    ch.binaryType = 'arraybuffer';
    const opened = () => {
      // Our own channel for a remote feed: one message makes Janus relay
      // that feed's data on it, with its settings.
      if (kind === 'sub' && nudge) try { ch.send(new Uint8Array([0])); } catch { /* closed meanwhile */ }
      this.post({ type: 'wire-state', id, state: 'open' });
    };
    ch.onopen = opened;
    ch.onclose = () => {
      this.channels.delete(id);
      if (this.pub === e) this.pub = null;
      this.post({ type: 'wire-state', id, state: 'closed' });
    };
    if (kind === 'sub') {
      ch.onmessage = (m) => {
        const atMs = performance.timeOrigin + performance.now();
        e.received++;
        this._touch(e);
        this.deliver(feedId, new Uint8Array(m.data), atMs);
      };
    }
    if (ch.readyState === 'open') opened();
  }

  close(id) {
    const e = this.channels.get(id);
    if (!e) return;
    this.channels.delete(id);
    if (this.pub === e) this.pub = null;
    e.ch.close();
  }

  /** Sends one message on the publisher channel; false when it is not open. */
  send(bytes) {
    const e = this.pub;
    if (!e) return false;
    if (e.ch.readyState !== 'open') { e.dropped++; this._touch(e); return false; }
    try { e.ch.send(bytes); } catch { e.dropped++; this._touch(e); return false; }   // closing, or its buffer full
    e.sent++;
    this._touch(e);
    return true;
  }

  _touch(e) {
    e.dirty = true;
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = 0;
      const counts = [];
      for (const c of this.channels.values()) {
        if (c.dirty) counts.push([c.id, c.sent, c.received, c.dropped]);
        c.dirty = false;
      }
      if (counts.length) this.post({ type: 'wire-activity', counts });
    }, ACTIVITY_MS);
  }
}
