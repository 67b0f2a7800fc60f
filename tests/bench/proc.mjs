// CPU time of the processes a bench starts, from /proc: Chromium's process
// tree (the bench's children named chromium, and theirs) and Janus's.
import { readFileSync, readdirSync } from 'node:fs';

export const TICKS_PER_S = 100;

export function stat(pid) {
  try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); } catch { return null; }
}
const comm = (pid) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } };
export function cpuTicks(pids) {
  let sum = 0;
  for (const pid of pids) {
    const f = stat(pid);
    if (f) sum += Number(f[11]) + Number(f[12]); // utime + stime
  }
  return sum;
}
export function descendants(pid) {
  const parent = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
    const f = stat(p);
    if (f) parent.set(p, Number(f[1]));
  }
  const out = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parent) if (!out.has(p) && out.has(pp)) { out.add(p); grew = true; }
  }
  return [...out];
}
/** Chromium's process tree: our children named chromium, and theirs. */
export const chromiumPids = () => [...new Set(descendants(process.pid)
  .filter((pid) => stat(pid) && Number(stat(pid)[1]) === process.pid && comm(pid).startsWith('chrom'))
  .flatMap((pid) => descendants(pid)))];
export const janusPids = (sys) => descendants(sys.child.pid).filter((pid) => comm(pid) === 'janus');
