// Pins the police root into a built widget bundle: copies root.pem to
// DIST/police/, writes its SHA-384 into DIST/beeldbel.js (the widget then
// trusts no other root), and brings DIST/beeldbel.js.sri and the demo
// pages' integrity attribute up to date. Run once per deployment with the
// police's root (run.sh does it at start-up with the demo CA's root); the
// SRI value the host page needs changes with it. CRL_FLOOR (Unix seconds,
// `beeldbel-ca crl-time`) is the thisUpdate of the revocation list current
// now: the sealed widget refuses any older list.
//   node seal-bundle.mjs DIST ROOT_PEM [CRL_FLOOR]
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const [dist, rootPem, floorArg = '0'] = process.argv.slice(2);
if (!dist || !rootPem || !/^\d{1,12}$/.test(floorArg)) {
  console.error('usage: seal-bundle.mjs DIST ROOT_PEM [CRL_FLOOR]');
  process.exit(2);
}
const fail = (en, nl) => { console.error(`seal-bundle: ${en} (${nl})`); process.exit(1); };
const sha384 = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
// Written beside and renamed: a page loading meanwhile sees the old file or the new one.
const put = (file, data) => { writeFileSync(`${file}.tmp`, data); renameSync(`${file}.tmp`, file); };

const root = readFileSync(rootPem);
if (!root.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) fail(`${rootPem} is not a PEM certificate`, 'geen PEM-certificaat');
const bundleFile = join(dist, 'beeldbel.js');
const bundle = readFileSync(bundleFile, 'utf8');
// As written in engine-files.js, or as minify.mjs prints it.
const PIN = /const POLICE_ROOT_SHA384 ?= ?(?:'[^']*'|"[^"]*");/g;
if ((bundle.match(PIN) || []).length !== 1) fail(`${bundleFile} has no single police root pin`, 'geen plek voor de politie-root');
const FLOOR = /const POLICE_CRL_FLOOR ?= ?\d+;/g;
if ((bundle.match(FLOOR) || []).length !== 1) fail(`${bundleFile} has no single revocation list floor`, 'geen plek voor de ondergrens van de intrekkingslijst');
const sealed = bundle.replace(PIN, `const POLICE_ROOT_SHA384 = '${sha384(root)}';`)
  .replace(FLOOR, `const POLICE_CRL_FLOOR = ${Number(floorArg)};`);
const oldSri = readFileSync(join(dist, 'beeldbel.js.sri'), 'utf8').trim();
const sri = sha384(Buffer.from(sealed));

mkdirSync(join(dist, 'police'), { recursive: true });
put(join(dist, 'police', 'root.pem'), root);
put(bundleFile, sealed);
put(join(dist, 'beeldbel.js.sri'), `${sri}\n`);
for (const f of readdirSync(join(dist, 'demo')).filter((n) => n.endsWith('.html'))) {
  const page = readFileSync(join(dist, 'demo', f), 'utf8');
  if (page.includes(oldSri)) put(join(dist, 'demo', f), page.split(oldSri).join(sri));
}
console.log(sri);
