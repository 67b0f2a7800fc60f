// Makes the bundles a page loads smaller, in place: comments and white space
// out, local names shortened (terser, from web/node_modules). Nothing else
// changes, so the code runs exactly as written. The police root pin and the
// revocation list floor keep their names: seal-bundle.mjs writes them in
// after this.
//   node minify.mjs FILE...
import { readFileSync, writeFileSync } from 'node:fs';
import { minify } from '../../web/node_modules/terser/main.js';

const files = process.argv.slice(2);
if (!files.length) { console.error('usage: minify.mjs FILE...'); process.exit(2); }
for (const file of files) {
  const code = readFileSync(file, 'utf8');
  let out;
  try {
    out = await minify(code, {
      module: true,
      compress: false,
      mangle: { reserved: ['POLICE_ROOT_SHA384', 'POLICE_CRL_FLOOR'] },
      format: { comments: false },
    });
  } catch (e) {
    console.error(`minify: ${file}: ${e.message} (line ${e.line}) (kon niet verkleind worden)`);
    process.exit(1);
  }
  writeFileSync(file, out.code);
}
