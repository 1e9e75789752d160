// Bundles every shell of ConvLens into dist/ with esbuild.
//   node scripts/build.mjs            one production build
//   node scripts/build.mjs --watch    rebuild on change
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

/** Node bundles (CommonJS) and browser bundles (IIFE), one per shell. */
const targets = [
  { entry: 'client/src/extension.ts', out: 'dist/client.js', platform: 'node', external: ['vscode'] },
  { entry: 'server/src/server.ts', out: 'dist/server.js', platform: 'node' },
  // The server's analysis worker (a worker thread it starts from dist/analysisWorker.js).
  { entry: 'server/src/analysis/analysisWorker.ts', out: 'dist/analysisWorker.js', platform: 'node' },
  { entry: 'cli/src/cli.ts', out: 'dist/cli.js', platform: 'node', banner: '#!/usr/bin/env node' },
  { entry: 'webview/src/main.ts', out: 'dist/webview/main.js', platform: 'browser' },
  { entry: 'webview/src/worker.ts', out: 'dist/webview/worker.js', platform: 'browser' },
];

const contexts = [];
for (const t of targets) {
  if (!existsSync(join(root, t.entry))) {
    console.warn(`build: skipping ${t.entry} (not written yet)`);
    continue;
  }
  mkdirSync(dirname(join(root, t.out)), { recursive: true });
  const options = {
    absWorkingDir: root,
    entryPoints: [t.entry],
    outfile: t.out,
    bundle: true,
    platform: t.platform,
    format: t.platform === 'node' ? 'cjs' : 'iife',
    target: t.platform === 'node' ? 'node20' : 'chrome120',
    external: t.external ?? [],
    sourcemap: true,
    minify: !watch,
    logLevel: 'warning',
    banner: t.banner ? { js: t.banner } : undefined,
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    await esbuild.build(options);
    if (t.banner) chmodSync(join(root, t.out), 0o755);
  }
}
if (watch) console.log(`build: watching ${contexts.length} bundles`);
