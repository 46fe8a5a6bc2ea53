// Bundles the UI for embedding in the srclink binary (CMake runs this at build
// time): node web/build.mjs OUT_DIR writes OUT_DIR/index.html, app.js, app.css.
// Everything comes from web/src and web/node_modules; nothing is fetched.
import * as esbuild from 'esbuild';
import {copyFileSync, mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node web/build.mjs OUT_DIR');
  process.exit(2);
}
mkdirSync(out, {recursive: true});
await esbuild.build({
  entryPoints: {app: join(here, 'src/main.js')},
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  outdir: out,
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
