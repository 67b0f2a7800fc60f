// How busy the engine Worker is: the share of wall-clock time it spends in
// its event handlers and timers (codec, crypto and engine work). The engine
// uses it to tell a short CPU from a short network.

export class LoadMeter {
  constructor(now = () => performance.now()) {
    this.now = now;
    this.busyMs = 0;
    this.depth = 0;
    this.since = now();
    this.last = 0;
  }

  /** Runs fn, counting its time as busy (nested calls count once). */
  run(fn) {
    if (this.depth++) {
      try { return fn(); } finally { this.depth--; }
    }
    const t0 = this.now();
    try {
      return fn();
    } finally {
      this.depth--;
      this.busyMs += this.now() - t0;
    }
  }

  /** fn, wrapped to be counted: for event handlers and timers. */
  wrap(fn) { return (...a) => this.run(() => fn(...a)); }

  /** Busy percent since the last sample (0..100), and starts a new window. */
  sample() {
    const t = this.now(), span = t - this.since;
    if (span <= 0) return this.last;
    this.last = Math.min(100, 100 * this.busyMs / span);
    this.busyMs = 0;
    this.since = t;
    return this.last;
  }
}
