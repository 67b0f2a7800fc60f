// A tiny test harness for the JavaScript suites, printing what the C harness
// prints: "ok name" / "FAIL name" per test and "N passed, N failed" last.
const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

/**
 * Runs the registered tests. With { exit: true } the process exits right
 * after the result line: node 20 can hang at exit for minutes after
 * instantiating a large WASM module (V8 background compile tasks; seen in 7
 * of 8 runs under load). Only for test files with nothing to clean up.
 */
export async function run({ exit = false } = {}) {
  const only = process.argv[2];
  let passed = 0, failed = 0;
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    try {
      await t.fn();
      console.log(`ok ${t.name}`);
      passed++;
    } catch (e) {
      console.log(`FAIL ${t.name}\n  ${String(e && e.stack || e).split('\n').join('\n  ')}`);
      failed++;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
  if (exit) process.exit(process.exitCode);
}

export function assert(cond, msg = 'assertion failed') {
  if (!cond) throw new Error(msg);
}

export function assertEq(a, b, msg = '') {
  if (a !== b) throw new Error(`${msg} expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

export async function assertThrows(fn, check, msg = 'expected an exception') {
  try { await fn(); } catch (e) { if (check) check(e); return e; }
  throw new Error(msg);
}
