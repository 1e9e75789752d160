// The built preview page (dist/webview) served over HTTP as the benchmarks open it: `/` is the
// page's HTML (the extension's own renderHtml, bundled here), other paths the webview's scripts,
// and `files` extra paths (a model file) with their contents.
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, normalize } from 'node:path';

export const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

/** Serves the page; resolves to its base URL and a close(). `tmp`: a folder for the bundled HTML renderer. */
export async function servePage({ root, distDir, tmp, files = {} }) {
  await esbuild.build({ entryPoints: [join(root, 'client/src/previewHtml.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: join(tmp, 'html.cjs'), logLevel: 'warning' });
  const { renderHtml, makeNonce } = createRequire(import.meta.url)(join(tmp, 'html.cjs'));
  let base = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderHtml({ cspSource: base, nonce: makeNonce(), scriptUri: `${base}/main.js`, workerUri: `${base}/worker.js` }));
      return;
    }
    if (Object.hasOwn(files, url.pathname)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(files[url.pathname]());
      return;
    }
    const file = normalize(join(distDir, url.pathname));
    if (!file.startsWith(distDir) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  return { base, close: () => server.close() };
}
