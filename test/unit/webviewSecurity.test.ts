// The preview webview's security guarantees, checked on the code that enforces them: the CSP
// (nonce-only scripts, no eval, no remote loads), the HTML (no inline handlers), message
// validation at both trust boundaries, and the built bundles (no eval / new Function).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { contentSecurityPolicy, makeNonce, renderHtml } from '../../client/src/previewHtml';
import { isSafeFileName, parseHostMessage, parseInputShape, parsePageMessage, toSafeFileName } from '../../protocol/preview';
import { repoRoot } from '../oracle';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

describe('webview security', () => {
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  const nonce = makeNonce();
  const csp = directives(contentSecurityPolicy({ cspSource, nonce }));

  it('nonces are long and random', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.ok(a.length >= 32 && /^[A-Za-z0-9]+$/.test(a));
    assert.notEqual(a, b);
  });

  it("CSP: default-src 'none'; scripts only with the nonce; no eval, no inline, no remote hosts", () => {
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    const script = csp.get('script-src')!;
    assert.ok(script.includes(`'nonce-${nonce}'`));
    for (const v of script) assert.ok(v === `'nonce-${nonce}'` || v === "'wasm-unsafe-eval'", `script-src allows ${v}`);
    for (const [name, values] of csp) {
      for (const v of values) {
        assert.ok(!["'unsafe-eval'", "'unsafe-inline'", '*', 'http:', 'https:'].includes(v), `${name} allows ${v}`);
        if (/^https?:\/\//.test(v)) assert.equal(v, cspSource, `${name} names a remote origin ${v}`);
      }
    }
    assert.deepEqual(csp.get('frame-src'), ["'none'"]);
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    assert.deepEqual(csp.get('form-action'), ["'none'"]);
  });

  it('the page HTML: every script and style carries the nonce, no inline event handlers', () => {
    const html = renderHtml({ cspSource, nonce, scriptUri: `${cspSource}/dist/webview/main.js`, workerUri: `${cspSource}/dist/webview/worker.js` });
    const tags = [...html.matchAll(/<(script|style)\b[^>]*>/g)].map((m) => m[0]);
    assert.ok(tags.some((t) => t.startsWith('<script')), 'a script tag');
    for (const t of tags) assert.ok(t.includes(`nonce="${nonce}"`), `${t} without the nonce`);
    assert.ok(!/\son[a-z]+\s*=/i.test(html), 'inline event handler attribute');
    assert.ok(!/javascript:/i.test(html));
  });

  it('text from the document cannot break out of the HTML attributes it is written into', () => {
    const evil = '"><script>alert(1)</script>';
    const html = renderHtml({ cspSource, nonce, scriptUri: 'x', workerUri: evil, title: evil });
    assert.ok(!html.includes('<script>alert(1)'));
  });

  it('page → host messages: only the known shapes pass, anything else is null (never throws)', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'reveal', layer: 'layer1.0.conv1' }), { type: 'reveal', layer: 'layer1.0.conv1' });
    assert.deepEqual(parsePageMessage({ type: 'pickImage', path: '/etc/passwd' }), { type: 'pickImage' });
    for (const bad of [null, 1, 'ready', [], { type: 'reveal' }, { type: 'reveal', layer: '' }, { type: 'reveal', layer: 'x'.repeat(5000) }, { type: 'readFile', path: '/etc/passwd' }, { type: 'openExternal', url: 'https://example.com' }]) {
      assert.equal(parsePageMessage(bad), null, JSON.stringify(bad));
    }
    fc.assert(
      fc.property(fc.anything(), (m) => {
        const r = parsePageMessage(m);
        return r === null || ['ready', 'reveal', 'pickImage', 'savePng', 'saveNpy'].includes(r.type);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('page → host exports: a PNG or .npy files with their magic bytes, under plain file names only', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const npy = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    assert.deepEqual(parsePageMessage({ type: 'savePng', file: { name: 'net-conv1.png', bytes: png } }), { type: 'savePng', file: { name: 'net-conv1.png', bytes: png } });
    assert.deepEqual(parsePageMessage({ type: 'savePng', file: { name: 'a.png', bytes: Array.from(png) } }), { type: 'savePng', file: { name: 'a.png', bytes: png } });
    for (const name of ['../a.png', '/etc/a.png', 'a/b.png', 'a\\b.png', '.hidden.png', '.png', 'a.png.exe', 'a b.png', 'x'.repeat(300) + '.png', 7, undefined]) {
      assert.equal(parsePageMessage({ type: 'savePng', file: { name, bytes: png } }), null, String(name));
    }
    assert.equal(parsePageMessage({ type: 'savePng', file: { name: 'a.png', bytes: npy } }), null, 'not a PNG');
    assert.equal(parsePageMessage({ type: 'savePng', file: { name: 'a.png', bytes: 'iVBOR' } }), null);
    const ok = { type: 'saveNpy', folder: 'net-outputs', files: [{ name: 'input.npy', bytes: npy }, { name: 'conv1.npy', bytes: npy }] };
    assert.deepEqual(parsePageMessage(ok), ok);
    assert.equal(parsePageMessage({ ...ok, folder: '../up' }), null);
    assert.equal(parsePageMessage({ ...ok, folder: '' }), null);
    assert.equal(parsePageMessage({ ...ok, files: [] }), null);
    assert.equal(parsePageMessage({ ...ok, files: [ok.files[0], ok.files[0]] }), null, 'the same name twice');
    assert.equal(parsePageMessage({ ...ok, files: [{ name: 'x.png', bytes: npy }] }), null);
    assert.equal(parsePageMessage({ ...ok, files: [{ name: 'x.npy', bytes: png }] }), null);
    assert.equal(parsePageMessage({ ...ok, files: 'input.npy' }), null);
    // What the page names its files is always acceptable to the host.
    fc.assert(fc.property(fc.string(), (s) => isSafeFileName(toSafeFileName(s, '.npy'), '.npy') && isSafeFileName(toSafeFileName(s, ''), '')), { numRuns: 2000, seed: 5 });
    assert.equal(toSafeFileName('layer1.0/conv 1', '.npy'), 'layer1.0_conv_1.npy');
    assert.equal(toSafeFileName('..', '.png'), '_..png');
  });

  it('host → page and page → host messages about weights files', () => {
    const bytes = new Uint8Array([0x50, 0x4b, 3, 4]);
    assert.deepEqual(parseHostMessage({ type: 'weights', file: { name: 'best.pt', origin: 'picked', bytes } }), { type: 'weights', file: { name: 'best.pt', origin: 'picked', bytes } });
    assert.deepEqual(parseHostMessage({ type: 'weights', file: null }), { type: 'weights', file: null });
    assert.equal(parseHostMessage({ type: 'weights', file: { name: 'best.pt', origin: 'picked', bytes: [80, 75] } }), null);
    assert.equal(parseHostMessage({ type: 'weights', file: { name: 'best.pt', origin: 'network', bytes } }), null);
    assert.equal(parseHostMessage({ type: 'weights', file: { name: '', origin: 'picked', bytes } }), null);
    assert.equal(parseHostMessage({ type: 'weights' }), null);
    assert.deepEqual(parseHostMessage({ type: 'weights', file: null, problem: 'x.pt does not exist' }), { type: 'weights', file: null, problem: 'x.pt does not exist' });
    assert.equal(parseHostMessage({ type: 'weights', file: null, problem: 7 }), null);
    assert.deepEqual(parsePageMessage({ type: 'pickWeights', path: '/etc/passwd' }), { type: 'pickWeights' });
    assert.deepEqual(parsePageMessage({ type: 'randomWeights' }), { type: 'randomWeights' });
  });

  it('host → page model files (the ONNX view) and page → host input shapes', () => {
    const bytes = new Uint8Array([8, 6, 18, 1]);
    const data = new Uint8Array([0, 0, 128, 63]);
    const model = { name: 'm.onnx', bytes, externalData: { 'm.onnx.data': data }, inputShape: [1, 3, 64, 64] };
    assert.deepEqual(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model }), { type: 'model', uri: 'file:///w/m.onnx', model });
    assert.deepEqual(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model: { ...model, inputShape: undefined } }), { type: 'model', uri: 'file:///w/m.onnx', model: { name: 'm.onnx', bytes, externalData: { 'm.onnx.data': data } } });
    assert.equal(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model: { ...model, bytes: [8, 6] } }), null, 'bytes only as a byte array');
    assert.equal(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model: { ...model, externalData: { x: [1, 2] } } }), null);
    assert.equal(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model: { ...model, inputShape: [1, 0, 3] } }), null);
    assert.equal(parseHostMessage({ type: 'model', uri: 7, model }), null);
    assert.equal(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx' }), null);
    assert.deepEqual(parsePageMessage({ type: 'inputShape', shape: [3, 224, 224] }), { type: 'inputShape', shape: [3, 224, 224] });
    for (const shape of [[], [3, -1], [3, 2.5], '3x224x224', [1, 2, 3, 4, 5, 6, 7], [1e6]]) assert.equal(parsePageMessage({ type: 'inputShape', shape }), null, JSON.stringify(shape));
    assert.deepEqual(parseInputShape(' 1x3x224×224 '), [1, 3, 224, 224]);
    assert.deepEqual(parseInputShape('3, 32, 32'), [3, 32, 32]);
    for (const t of ['', '3x', 'x', '3xx3', 'a', '3x0', '-1x3']) assert.equal(parseInputShape(t), null, t);
  });

  it('host → page messages: images must be PNG or JPEG bytes', () => {
    assert.equal(parseHostMessage({ type: 'image', name: 'x.svg', mime: 'image/svg+xml', bytes: new Uint8Array(4) }), null);
    assert.equal(parseHostMessage({ type: 'image', name: 'x.png', mime: 'image/png', bytes: [256] }), null);
    assert.ok(parseHostMessage({ type: 'image', name: 'x.png', mime: 'image/png', bytes: new Uint8Array([137, 80]) }));
    fc.assert(fc.property(fc.anything(), (m) => parseHostMessage(m) === null || typeof parseHostMessage(m)!.type === 'string'), { numRuns: 2000, seed: 11 });
  });

  it('the built page and worker bundles contain no eval or new Function', function () {
    const files = ['dist/webview/main.js', 'dist/webview/worker.js'].map((f) => join(repoRoot, f));
    if (!files.every(existsSync)) this.skip(); // built by `node scripts/build.mjs` (npm test builds first)
    for (const f of files) {
      const js = readFileSync(f, 'utf8');
      assert.ok(!/\beval\s*\(/.test(js), `${f} calls eval`);
      assert.ok(!/new\s+Function\s*\(/.test(js), `${f} uses new Function`);
    }
  });
});
