// make bench: how many calls one Janus core relays with our data-channel
// media before anyone's delivery falls under 99 %. Calls of two synthetic
// participants (tests/browser/pages/scale-page.js: our signalling and
// channels, each playing what the media engine sends at the default profile,
// `bench --media-trace`) run through Janus (run.sh, loopback). On a machine
// of two cores the browser making the load gives out long before a whole core
// of Janus would, so Janus gets a share of one core instead (a CPU cgroup's
// quota, 20 ms periods) and the bench looks for the smallest share at which
// BB_SCALE_CALLS calls (2) still all get >= 99 %: a core relays
// calls / share.
//   scale.janus_calls_per_core   BB_SCALE_CALLS / that share
//   scale.janus_core_share_pct   the share
//   scale.janus_cpu_ms_per_call  what Janus used a second per call, unlimited
// Without a writable CPU cgroup only the last line is measured.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { launch, startTestSite } from '../browser/lib.mjs';
import { startSystem, janusToken, createRoom } from '../browser/system-lib.mjs';
import { TICKS_PER_S, cpuTicks, janusPids } from './proc.mjs';

const BENCH = process.env.BB_BENCH_BIN ?? `${process.env.BB_BUILD ?? 'build'}/native-opt/bench`;
const CALLS = Number(process.env.BB_SCALE_CALLS ?? 2);
const WINDOW_S = Number(process.env.BB_SCALE_WINDOW_S ?? 6);
const PERIOD_US = 20000;
const CALLS_PER_PAGE = 4;
const TRACE_S = 10;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const traceText = execFileSync(BENCH, ['--media-trace', String(TRACE_S)], { encoding: 'utf8', maxBuffer: 64 << 20 });
const trace = traceText.trim().split('\n').map((l) => l.split(' ').map(Number));
const traceKbps = trace.reduce((a, [, n]) => a + n, 0) * 8 / TRACE_S / 1000;

const sys = await startSystem('scale-bench');
const browser = await launch();
const web = await startTestSite('scale-bench', { BB_JANUS_WS_URL: sys.wsUrl });
const token = janusToken(sys.secrets.BB_JANUS_TOKEN_SECRET, ['janus.plugin.videoroom'], 3600);
const pages = [];
let calls = 0;

/** One more call: a room and its two participants, on the newest page (a new one every CALLS_PER_PAGE). */
async function addCall() {
  if (calls % CALLS_PER_PAGE === 0) {
    const context = await browser.newContext();   // each page its own window: background tabs are throttled
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`  [page] ${e}`));
    await page.goto(`${web.url}/test/scale.html`);
    await page.evaluate(([t, ms]) => window.bb.setTrace(t, ms), [trace, TRACE_S * 1000]);
    pages.push(page);
  }
  const room = 9100 + calls;
  await createRoom(browser, sys, room);
  const page = pages[pages.length - 1];
  for (const k of [0, 1]) {
    await page.evaluate((c) => window.bb.join(c), { janus: sys.wsUrl, room, token, number: calls * 2 + k + 1 });
  }
  calls++;
}

/** Every page's counts, read one after another (both sides of a call are on one page). */
async function counts() {
  const all = {};
  for (const p of pages) Object.assign(all, await p.evaluate(() => window.bb.counts()));
  return all;
}

/** The worst delivery from one participant to another between two readings. */
function worstDelivery(a, b) {
  let worst = 1;
  for (const [n, r] of Object.entries(b)) {
    const other = String(Number(n) % 2 ? Number(n) + 1 : Number(n) - 1);
    const sent = b[other].sent - (a[other]?.sent ?? 0);
    const got = (r.got[other] ?? 0) - (a[n]?.got[other] ?? 0);
    if (sent > 0) worst = Math.min(worst, got / sent);
  }
  return worst;
}

/** A CPU cgroup of Janus's own, whose quota limits it (cgroup v1 or v2), or null. */
function janusCgroup() {
  for (const [dir, set] of [
    ['/sys/fs/cgroup/cpu', (d, q) => { writeFileSync(`${d}/cpu.cfs_period_us`, String(PERIOD_US)); writeFileSync(`${d}/cpu.cfs_quota_us`, String(q)); }],
    ['/sys/fs/cgroup/unified', (d, q) => writeFileSync(`${d}/cpu.max`, `${q} ${PERIOD_US}`)],
    ['/sys/fs/cgroup', (d, q) => writeFileSync(`${d}/cpu.max`, `${q} ${PERIOD_US}`)],
  ]) {
    const d = `${dir}/beeldbel-scale-${process.pid}`;
    try {
      mkdirSync(d);
      set(d, PERIOD_US);
      for (const pid of janusPids(sys)) writeFileSync(`${d}/cgroup.procs`, String(pid));
      return {
        limit: (share) => set(d, Math.max(1000, Math.round(share * PERIOD_US))),
        remove: () => { try { rmdirSync(d); } catch { /* Janus still in it: gone with it */ } },
      };
    } catch {
      try { rmdirSync(d); } catch { /* not made */ }
    }
  }
  return null;
}

/** The worst delivery over a window, and Janus's share of a core in it. */
async function measure() {
  await sleep(2000);
  const jpids = janusPids(sys);
  const c0 = await counts(), j0 = cpuTicks(jpids);
  await sleep(WINDOW_S * 1000);
  const c1 = await counts(), j1 = cpuTicks(jpids);
  return { worst: worstDelivery(c0, c1), janusCore: (j1 - j0) / TICKS_PER_S / WINDOW_S };
}
const show = (what, r) => console.log(`  ${what}: worst delivery ${(r.worst * 100).toFixed(2)} %, Janus used ${(r.janusCore * 100).toFixed(1)} % of a core`);

let group = null;
try {
  console.log(`  one participant sends ${traceKbps.toFixed(0)} kbps (${(trace.length / TRACE_S).toFixed(0)} messages/s)`);
  while (calls < CALLS) await addCall();
  for (const page of pages) {
    await page.waitForFunction(() => window.bb.hearing().every((n) => n === 1), null, { timeout: 60000, polling: 200 });
    await page.evaluate(() => window.bb.play());
  }
  const free = await measure();
  show(`${CALLS} calls, Janus unlimited`, free);
  if (free.worst < 0.99) throw new Error(`${CALLS} calls do not get 99 % even with Janus unlimited: the machine is too busy`);
  console.log(`bench scale.janus_cpu_ms_per_call ${(free.janusCore * 1000 / CALLS).toFixed(2)} cpu_ms/s`);
  group = janusCgroup();
  if (!group) console.log('  no CPU cgroup to limit Janus with: calls per core not measured');
  else {
    // The smallest share that still holds, between one that fails and one that holds.
    let fails = 0.02, holds = Math.min(1, Math.max(0.1, free.janusCore * 2));
    group.limit(holds);
    const first = await measure();
    show(`Janus limited to ${(holds * 100).toFixed(0)} %`, first);
    if (first.worst < 0.99) throw new Error('Janus limited to twice what it used does not hold 99 %');
    while (holds - fails > 0.005 && holds / fails > 1.05) {
      const share = (holds + fails) / 2;
      group.limit(share);
      const r = await measure();
      show(`Janus limited to ${(share * 100).toFixed(1)} %`, r);
      if (r.worst >= 0.99) holds = share; else fails = share;
    }
    console.log(`bench scale.janus_core_share_pct ${(holds * 100).toFixed(1)} % (for ${CALLS} calls)`);
    console.log(`bench scale.janus_calls_per_core ${(CALLS / holds).toFixed(1)} calls`);
  }
} finally {
  group?.limit(1);
  await browser.close().catch(() => {});
  await web.stop?.();
  await sys.stop();
  group?.remove();
}
