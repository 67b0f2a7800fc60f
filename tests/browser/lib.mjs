// Shared set-up for browser tests: the static server on a free loopback
// port, and Debian's Chromium driven by playwright-core (never a downloaded
// browser). Screenshots go to build/test-output/screenshots/.
import { spawn, execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const buildDir = resolve(root, process.env.BB_BUILD ?? 'build');
export const distDir = resolve(root, process.env.BB_DIST ?? 'dist');
export const shotDir = join(buildDir, 'test-output', 'screenshots');
const require = createRequire(join(root, 'tests', 'package.json'));
export const { chromium } = require('playwright-core');
export const axeSource = require('node:fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  // Janus offers 127.0.0.1 in loopback mode (DESIGN.md); WebRTC ignores it otherwise.
  '--allow-loopback-in-peer-connection',
];

// Every child process a test starts is stopped when the test process ends,
// also when it is killed by a time limit: no server is left behind.
const children = new Set();
export function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
process.on('exit', () => { for (const c of children) c.kill('SIGTERM'); });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(128 + (sig === 'SIGTERM' ? 15 : 2)));

/** Starts src/system/serve.mjs on 127.0.0.1 and a free port. */
export function startServer(dist = distDir, env = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [join(root, 'src', 'system', 'serve.mjs'), dist, '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BB_HTTP_HOST: '127.0.0.1', ...env },
    }));
    const timer = setTimeout(() => { child.kill(); reject(new Error('server did not start')); }, 10000);
    child.stdout.on('data', (d) => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}`, stop: () => child.kill('SIGTERM') });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

/**
 * Serves a copy of dist plus the test pages (tests/browser/pages) under
 * /test/, with the real static server: a page Playwright fulfils itself
 * counts as public, and Chromium's local-network checks then refuse its
 * WebSocket to 127.0.0.1.
 */
export function startTestSite(name, env = {}) {
  const site = join(buildDir, 'test-output', `${name}-site`);
  rmSync(site, { recursive: true, force: true });
  cpSync(distDir, site, { recursive: true });
  cpSync(join(root, 'tests', 'browser', 'pages'), join(site, 'test'), { recursive: true });
  return startServer(site, env);
}

/**
 * startTestSite, with the bundle sealed to a police root of its own (a demo
 * CA made for the site, as run.sh does for the running system). Also
 * resolves rootPem, the pinned root's path.
 */
export async function startSealedSite(name, env = {}) {
  const server = await startTestSite(name, env);
  const site = join(buildDir, 'test-output', `${name}-site`), ca = join(buildDir, 'test-output', `${name}-ca`);
  rmSync(ca, { recursive: true, force: true });
  execFileSync(join(buildDir, 'bin', 'beeldbel-ca'), ['init', ca], { stdio: 'ignore' });
  const floor = execFileSync(join(buildDir, 'bin', 'beeldbel-ca'), ['crl-time', ca], { encoding: 'utf8' }).trim();
  execFileSync(process.execPath, [join(root, 'src', 'scripts', 'seal-bundle.mjs'), site, join(ca, 'root.pem'), floor], { stdio: 'ignore' });
  cpSync(join(ca, 'crl.pem'), join(site, 'police', 'crl.pem'));
  return { ...server, rootPem: join(ca, 'root.pem'), site };
}

/**
 * The tests' TLS CA (made once per build): every system a test starts
 * (run.sh) issues its site certificate under it, Chromium accepts what it
 * signed and nothing else, and tests/run.sh gives it to Node
 * (NODE_EXTRA_CA_CERTS) for the tests' own requests.
 */
export const testCaDir = join(buildDir, 'test-output', 'tls-ca');
export function ensureTestCa() {
  execFileSync('bash', [join(root, 'src', 'system', 'demo-ca.sh'), testCaDir, 'beeldbel test CA'], { stdio: 'ignore' });
  return testCaDir;
}
/** Gives a run directory the tests' CA, for run.sh to issue its site certificate with. */
export function seedTestCa(runDir) {
  mkdirSync(join(runDir, 'tls'), { recursive: true });
  for (const f of ['ca.pem', 'ca.key']) cpSync(join(ensureTestCa(), f), join(runDir, 'tls', f));
}

export async function launch({ args = [] } = {}) {
  mkdirSync(shotDir, { recursive: true });
  // Certificates that chain to the tests' CA are taken as valid (its key's
  // SHA-256, as Chromium's SPKI pin list wants it); any other is not.
  const spki = new X509Certificate(readFileSync(join(ensureTestCa(), 'ca.pem'))).publicKey
    .export({ type: 'spki', format: 'der' });
  const pin = createHash('sha256').update(spki).digest('base64');
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${pin}`, ...args] });
}
