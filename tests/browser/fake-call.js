// A fake call session for the widget's browser tests: the interface of
// web/ui/call-session.js, driven by the test instead of by Janus and the
// engine. Injected with page.addInitScript (test pages only), so it is a
// page global here on purpose: window.BbFakeCall.
(() => {
  class BbFakeCall extends EventTarget {
    constructor(opts) {
      super();
      this.opts = opts;
      this.state = 'connecting';
      this.tiles = [];
      this.identity = null;
      this.quality = 'good';
      this.log = [];              // every method call, for assertions
      this.sent = [];             // [{text, final, at}]
    }
    _emit(type, detail = {}) { this.dispatchEvent(new CustomEvent(type, { detail })); }
    setState(s) { this.state = s; this._emit('state', { state: s }); }
    tile(id, name, role, colour) {
      const c = document.createElement('canvas');
      c.width = 320; c.height = 180;
      const g = c.getContext('2d');
      g.fillStyle = colour; g.fillRect(0, 0, 320, 180);
      g.fillStyle = '#fff'; g.font = '24px sans-serif'; g.fillText(name, 16, 100);
      this.tiles = [...this.tiles, { id, name, role, canvas: c, playing: true }];
      this._emit('tiles');
      this._emit('frame', { feedId: id });
    }
    connect() {
      this.tile('officer-1', 'Wijkagent Jansen', 'officer', '#35546f');
      this.identity = { verified: true, name: 'J. Jansen', team: 'Basisteam Groningen-Noord', sas: '4821 7390', people: 2 };
      this._emit('identity');
      this.setState('connected');
    }
    setQuality(q) { this.quality = q; this._emit('quality'); }
    remote(text, final, name = 'Wijkagent Jansen') { this._emit('rtt', { from: 'officer-1', name, text, final }); }
    caption(text) { this._emit('caption', { from: 'stt-1', name: 'Schrijftolk', text, final: false }); }
    setMicrophone(on) { this.log.push(['setMicrophone', on]); }
    setCamera(on) { this.log.push(['setCamera', on]); }
    async switchCamera() { this.log.push(['switchCamera']); return null; }
    sendText(text, final) { this.sent.push({ text, final, at: performance.now() }); }
    pinTile(id) { this.log.push(['pinTile', id]); }
    shareFile(file, opts) { this.log.push(['shareFile', file?.name, !!opts?.keepMetadata]); }
    cancelFile(owner, id) { this.log.push(['cancelFile', owner, id]); }
    /** A file event as the engine would give it (call-session.js: 'file'). */
    file(detail) { this._emit('file', detail); }
    hangUp() { this.log.push(['hangUp']); if (this.state !== 'ended') this.setState('ended'); }
  }
  window.BbFakeCall = BbFakeCall;
})();
