// The receiving ends of the media data channels, in a Worker that does
// nothing else: an arrival is stamped the moment its event runs, not when
// the engine Worker, busy encoding a frame, gets to it (that wait would read
// as a network queue to the rate control). Arrivals go on to the engine
// Worker over a MessagePort as {feedId, data, atMs} (atMs: epoch ms).
//
// From the page: wire-port {port} (to the engine Worker), wire-channel and
// wire-close (channels.js); to the page: wire-state and wire-activity.
import { ChannelHub } from './channels.js';

let engine = null;
const hub = new ChannelHub((m) => self.postMessage(m), (feedId, data, atMs) => {
  if (engine) engine.postMessage({ feedId, data, atMs }, [data.buffer]);
});

self.onmessage = (ev) => {
  const m = ev.data || {};
  switch (m.type) {
    case 'wire-port':
      if (engine) engine.close();
      engine = m.port;
      break;
    case 'wire-channel': hub.attach(m); break;
    case 'wire-close': hub.close(m.id); break;
    default: break;
  }
};
