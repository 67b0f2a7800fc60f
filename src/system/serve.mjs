// Static file server for dist/, with the headers a strict host would send:
// nosniff, no referrer, and a Content-Security-Policy of each site's own.
// Two sites, each on its own origin (port), so nothing the public can load
// shares an origin — cookies, storage, scripts — with the police's console:
//   BB_SITE=public   (default) the widget bundle and the demo page, with the
//                    exact CSP the widget needs (README, "Embedding"); the
//                    citizens' API, never the officers'
//   BB_SITE=console  the officer's console and what it loads (the engine,
//                    the shared call UI, the police root); the officers' API only
// Loopback only by default (BB_HTTP_HOST to listen elsewhere); HTTPS with
// BB_TLS_CERT and BB_TLS_KEY (PEM files; the certificate file may hold the chain).
//   node serve.mjs DIST [PORT]   (PORT 0 = any free port; printed on start)
import { createServer, request as httpRequest } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { resolve, join, extname, sep } from 'node:path';

const root = resolve(process.argv[2] ?? 'dist');
const port = Number(process.argv[3] ?? process.env.BB_HTTP_PORT ?? 8470);
const host = process.env.BB_HTTP_HOST ?? '127.0.0.1';
// Janus's WebSocket URL, or several separated by spaces (BB_SCALE=demo).
const janusWs = process.env.BB_JANUS_WS_URL ?? 'ws://127.0.0.1:8188';
const SITE = process.env.BB_SITE ?? 'public';
const TLS = process.env.BB_TLS_CERT && process.env.BB_TLS_KEY
  ? { cert: readFileSync(process.env.BB_TLS_CERT), key: readFileSync(process.env.BB_TLS_KEY), minVersion: 'TLSv1.2' }
  : null;
if (SITE !== 'public' && SITE !== 'console') {
  console.error(`serve: BB_SITE must be public or console (moet public of console zijn), not ${SITE}`);
  process.exit(2);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.sri': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

const PUBLIC_CSP = [
  "default-src 'none'",
  // blob:: the widget runs its Workers and its audio worklet from bytes it
  // checked against its own hashes (web/widget/engine-files.js).
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  `connect-src 'self' ${janusWs}`,
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
// The console loads every script and Worker by URL from its own origin.
const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",  // photos shared in a call, shown from their checked bytes
  "media-src 'self'",
  `connect-src 'self' ${janusWs}`,
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const CSP = SITE === 'console' ? CONSOLE_CSP : PUBLIC_CSP;

// What each site serves: the console's pages only on its origin, and the
// officers' API only there; the public site never has either.
const OFFICER_API = '/api/v1/officer/';
const CONSOLE_FILES = ['/console/', '/engine/', '/ui/', '/police/'];
const HOME = SITE === 'console' ? '/console/' : '/demo/';
function serves(path) {
  return SITE === 'console' ? CONSOLE_FILES.some((p) => path.startsWith(p)) : !path.startsWith('/console/');
}
function proxies(url) {
  if (!url.startsWith('/api/')) return false;
  return SITE === 'console' ? url.startsWith(OFFICER_API) : !url.startsWith(OFFICER_API);
}

// Contact service proxy
// /api/ goes to the contact service on 127.0.0.1 (BB_CONTACT_PORT), so the
// widget and the console call it same-origin. This proxy appends the
// address it saw to X-Forwarded-For; the service, told how many proxies it
// trusts (BB_CONTACT_PROXY_HOPS=1 for this one alone), reads the client
// from the right, where nobody but a trusted proxy writes.
// Several instances of the service (BB_CONTACT_PORTS, comma separated, all
// on one database) take turns; one that refuses connections is passed over
// for DOWN_MS, and a request without a body it refused goes to the next.
const contactPorts = (process.env.BB_CONTACT_PORTS ?? process.env.BB_CONTACT_PORT ?? '8471')
  .split(',').map(Number);
const DOWN_MS = 5000;
const downUntil = new Map();
let turn = 0;
function nextPort(except) {
  const now = Date.now();
  for (let i = 0; i < contactPorts.length; i++) {
    const port = contactPorts[turn++ % contactPorts.length];
    if (port !== except && (downUntil.get(port) ?? 0) <= now) return port;
  }
  return contactPorts.find((p) => p !== except) ?? contactPorts[0];
}
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te',
  'trailer', 'transfer-encoding', 'upgrade', 'host', 'x-forwarded-for']);
// The service takes no body over 16 KiB: larger ones stop here, before a
// byte of them is read or passed on.
const MAX_BODY = 16384;
const TOO_LARGE = { error: { code: 'too_large', message: {
  nl: 'Het verzoek is te groot.', en: 'The request is too large.' } } };
const NOT_HERE = { error: { code: 'not_found', message: { nl: 'Niet gevonden.', en: 'Not found.' } } };
const UNAVAILABLE = { error: { code: 'unavailable', message: {
  nl: 'De dienst is even niet bereikbaar. Probeer het later opnieuw.',
  en: 'The service is not reachable right now. Please try again later.' } } };

function sendJson(res, status, body, extra = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff', ...extra });
  res.end(JSON.stringify(body));
}

// A body refused on its declared length is answered at once; what the
// client still sends is then read and dropped, for at most a second and
// 1 MiB, before the connection closes: closing over unread data resets the
// connection, and a client still sending would lose the answer with it.
const LINGER_MS = 1000, LINGER_BYTES = 1 << 20;
function refuseTooLarge(req, res) {
  let dropped = 0;
  const close = () => req.socket.destroy();
  const timer = setTimeout(close, LINGER_MS);
  req.on('data', (chunk) => { dropped += chunk.length; if (dropped > LINGER_BYTES) close(); });
  req.on('end', () => { clearTimeout(timer); close(); });
  req.socket.on('close', () => clearTimeout(timer));
  sendJson(res, 413, TOO_LARGE);
}

// Larger bodies, officers only, as the service takes them (it checks them
// again, and asks for the officer's session before it reads one): a signed
// statement's PDF (256 KiB, BB_STATEMENT_PDF_MAX), a part of a recording
// (8 MiB, BB_EVIDENCE_PART_MAX) and its manifest (16 MiB, BB_EVIDENCE_MANIFEST_MAX).
const LARGE = [
  [/^\/api\/v1\/officer\/requests\/\d{1,15}\/statement$/, 256 * 1024],
  [/^\/api\/v1\/officer\/recordings\/\d{1,15}\/file$/, 8 << 20],
  [/^\/api\/v1\/officer\/recordings\/\d{1,15}\/manifest(\?last=1)?$/, 16 << 20],
];

function proxyContact(req, res) {
  const declared = req.headers['content-length'];
  const max = LARGE.find(([path]) => path.test(req.url))?.[1] ?? MAX_BODY;
  if (declared !== undefined && !(/^\d{1,9}$/.test(declared) && Number(declared) <= max)) {
    return refuseTooLarge(req, res);
  }
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
  const seen = req.socket.remoteAddress ?? '';
  const before = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = before ? `${before}, ${seen}` : seen;
  const bodiless = (declared === undefined || declared === '0') && !req.headers['transfer-encoding'];
  let refused = false;
  const forward = (port, again) => {
    const up = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (ur) => {
      const h = {};
      for (const [k, v] of Object.entries(ur.headers)) if (!HOP_BY_HOP.has(k)) h[k] = v;
      res.writeHead(ur.statusCode, h);
      ur.pipe(res);
    });
    up.on('error', (e) => {
      if (refused) return;
      if (e.code === 'ECONNREFUSED') {
        downUntil.set(port, Date.now() + DOWN_MS);
        if (again && bodiless && contactPorts.length > 1) return forward(nextPort(port), false).end();
      }
      if (res.headersSent) return res.destroy();
      sendJson(res, 503, UNAVAILABLE, { 'Retry-After': '30' });
    });
    return up;
  };
  const up = forward(nextPort(), true);
  // An undeclared (chunked) body is counted as it comes.
  let received = 0;
  req.on('data', (chunk) => {
    received += chunk.length;
    if (received > max && !refused) {
      refused = true;
      req.unpipe(up);
      up.destroy();
      if (!res.headersSent) refuseTooLarge(req, res);
    }
  });
  req.pipe(up);
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function handle(req, res) {
  if (proxies(req.url)) return proxyContact(req, res);
  if (req.url.startsWith('/api/')) return sendJson(res, 404, NOT_HERE);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed / Methode niet toegestaan\n');
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return send(res, 400, 'Bad request / Ongeldig verzoek\n');
  }
  if (path === '/') {
    res.writeHead(302, { Location: HOME });
    return res.end();
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = resolve(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'Forbidden / Verboden\n');
  // What this site serves is decided on the path as resolved (/./console/ is /console/).
  if (!serves(`/${file.slice(root.length + 1).split(sep).join('/')}`)) return send(res, 404, 'Not found / Niet gevonden\n');
  let st;
  try { st = statSync(file); } catch { st = null; }
  if (!st || !st.isFile()) return send(res, 404, 'Not found / Niet gevonden\n');
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': st.size,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=()',
    'Cache-Control': 'no-cache',
    ...(TLS && { 'Strict-Transport-Security': 'max-age=31536000' }),
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}
const server = TLS ? createTlsServer(TLS, handle) : createServer(handle);

// Connection limits: slow or idle clients cannot hold the server.
server.maxConnections = 1000;
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.keepAliveTimeout = 5_000;
server.maxHeadersCount = 64;
server.maxRequestsPerSocket = 1000;
const PER_ADDRESS = 64;
const open = new Map();
server.on('connection', (socket) => {
  const a = socket.remoteAddress ?? '';
  const n = (open.get(a) ?? 0) + 1;
  if (n > PER_ADDRESS) return socket.destroy();
  open.set(a, n);
  socket.on('close', () => {
    const left = open.get(a) - 1;
    if (left > 0) open.set(a, left); else open.delete(a);
  });
});

server.listen(port, host, () => {
  const a = server.address();
  console.log(`serve: ${TLS ? 'https' : 'http'}://${host}:${a.port}/ (${SITE}, ${root})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
