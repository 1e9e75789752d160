// Real model files over LSP: an Ultralytics YOLO YAML in the plain `yaml` language gets the same
// features as a *.cnn.yaml (hints per row, hover, CodeLens with Ultralytics' own totals, the
// outline, navigation on `from`, diagnostics with fixes, the scale chooser); other YAML is left
// alone.
import * as assert from 'assert';
import type { CodeAction, CodeLens, DocumentSymbol, Hover, InlayHint, Location, MarkupContent } from 'vscode-languageserver-protocol';
import { example, LspClient, positionAt, positionOf } from './client';
import type { Summary } from '../../protocol/summary';

const labelOf = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const wholeRange = (text: string) => ({ start: { line: 0, character: 0 }, end: positionAt(text, text.length) });

describe('real model files over LSP', function () {
  let lsp: LspClient;
  before(async () => {
    lsp = new LspClient();
    await lsp.initialize();
  });
  after(async function () {
    this.timeout(10_000);
    await lsp.shutdown();
    assert.strictEqual(lsp.exited?.code, 0, lsp.stderr.join(''));
  });

  describe('an Ultralytics YOLOv8n model in the yaml language', () => {
    const { uri, text } = example('ultralytics/yolov8n.yaml');
    before(() => lsp.open(uri, text, 'yaml'));

    it('is analysed: no errors, warnings or notes', async () => {
      const d = await lsp.diagnostics(uri, 1);
      assert.deepStrictEqual(d.diagnostics.map((x) => `${x.code} ${x.message}`), []);
    });
    it('every row has an inlay hint: output shape, parameters, then repeats after the depth gain or the field, as fits 43 characters', async () => {
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) });
      assert.strictEqual(hints.length, 23);
      const on = (needle: string) => labelOf(hints.find((h) => h.position.line === positionOf(text, needle).line)!);
      assert.strictEqual(on('# 4'), '→ 64×80×80 · 49.7K params · n 6→2');
      assert.strictEqual(on('# 22'), '→ 144×80×80, 40×40, 20×20 · 898K params');
      assert.strictEqual(on('# 0: stem'), '→ 16×320×320 · 464 params · rf 3×3 /2');
    });
    it('hover on a module name shows its definition, figures and the layers it expands into', async () => {
      const h = await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'C2f, [128, True]', 1) });
      const md = (h.contents as MarkupContent).value;
      assert.ok(md.includes('C2f(c1, c2, n=1, shortcut=False, g=1, e=0.5)'), md);
      assert.ok(md.includes('repeats: 3 written → **1**'), md);
      assert.ok(md.includes('`model.2.m.0.cv1.conv`'), md);
    });
    it('CodeLens over backbone: shows ConvLens totals, Ultralytics’ own (3,157,200 parameters · 8.9 GFLOPs) and the scale', async () => {
      const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      const titles = lenses.map((l) => l.command?.title ?? '');
      assert.ok(titles.some((t) => t.startsWith('Σ 3.2M params')), titles.join(' | '));
      assert.ok(titles.includes('Ultralytics: 3,157,200 parameters · 8.9 GFLOPs'), titles.join(' | '));
      assert.ok(titles.includes('scale n (from the file name)'), titles.join(' | '));
      assert.strictEqual(lenses[0].range.start.line, positionOf(text, 'backbone:').line);
    });
    it('the outline groups the rows under backbone and head, each module a collapsible entry of its layers', async () => {
      const symbols = await lsp.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepStrictEqual(symbols.map((s) => [s.name, s.children?.length]), [['backbone', 10], ['head', 13]]);
      const c2f = symbols[0].children![2];
      assert.strictEqual(c2f.name, 'model.2');
      assert.ok(c2f.children!.some((c) => c.name === 'model.2.m.0.cv2.conv'));
    });
    it('go to definition on a `from` index jumps to that row', async () => {
      const at = positionOf(text, '[[-1, 6], 1, Concat', 6);
      const loc = await lsp.request<Location>('textDocument/definition', { textDocument: { uri }, position: at });
      assert.strictEqual(loc.range.start.line, positionOf(text, '[-1, 6, C2f, [512, True]]').line);
    });
    it('the status bar summary carries the native totals and the scale', async () => {
      const s = await lsp.request<Summary>('convlens/summary', { uri });
      assert.deepStrictEqual(s.native?.figures.map((f) => `${f.text} ${f.label}`), ['3,157,200 parameters', '3,157,184 gradients', '8.9 GFLOPs']);
      assert.deepStrictEqual(s.scale, { name: 'n', choices: ['n', 's', 'm', 'l', 'x'], from: 'file name' });
    });
    it('completion offers the modules where a row names its module, nothing elsewhere; no rename', async () => {
      const items = await lsp.request<Array<{ label: string; detail?: string }>>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, 'Conv, [64', 2) });
      assert.ok(items.some((i) => i.label === 'C2f' && i.detail?.startsWith('C2f(c1, c2, n=1')), JSON.stringify(items.slice(0, 3)));
      assert.deepStrictEqual(await lsp.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '[64, 3, 2]', 2) }), []);
      const r = await lsp.request('textDocument/prepareRename', { textDocument: { uri }, position: positionOf(text, '[-1, 6]', 5) });
      assert.strictEqual(r, null);
    });
  });

  it('a model named without its scale: a CL013 note, and the scale chooser re-analyses it', async () => {
    const { text } = example('ultralytics/yolov8n.yaml');
    const uri = 'file:///tmp/convlens-protocol/models/yolov8.yaml';
    await lsp.open(uri, text, 'yaml');
    const d = await lsp.diagnostics(uri, 1);
    assert.deepStrictEqual(d.diagnostics.map((x) => x.code), ['CL013']);
    assert.strictEqual((await lsp.request<Summary>('convlens/summary', { uri })).params, 3_157_200);
    lsp.forget(uri);
    await lsp.connection.sendNotification('convlens/setScale', { uri, scale: 's' });
    await lsp.diagnostics(uri);
    const s = await lsp.request<Summary>('convlens/summary', { uri });
    assert.strictEqual(s.params, 11_166_560);
    assert.deepStrictEqual(s.scale, { name: 's', choices: ['n', 's', 'm', 'l', 'x'], from: 'setting' });
  });

  it('an unknown module: a located CL003 whose quick fix names the module', async () => {
    const { text: base } = example('ultralytics/yolo11n.yaml');
    const text = base.replace('[-1, 2, C2PSA, [1024]]', '[-1, 2, C2PSa, [1024]]');
    const uri = 'file:///tmp/convlens-protocol/models/yolo11n.yaml';
    await lsp.open(uri, text, 'yaml');
    const d = (await lsp.diagnostics(uri, 1)).diagnostics.filter((x) => x.code === 'CL003');
    assert.strictEqual(d.length, 1);
    assert.strictEqual(d[0].range.start.line, positionOf(text, 'C2PSa').line);
    const actions = await lsp.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d[0].range, context: { diagnostics: d } });
    const fix = actions.find((a) => a.title === "Change module to 'C2PSA'");
    assert.ok(fix?.isPreferred, actions.map((a) => a.title).join(' | '));
  });

  describe('a Darknet yolov3-tiny.cfg', () => {
    const { uri, text } = example('darknet/yolov3-tiny.cfg');
    before(() => lsp.open(uri, text, 'darknet-cfg'));
    it('is analysed without findings; each section has a hint; the two [yolo] inputs are 255×13×13 and 255×26×26', async () => {
      const d = await lsp.diagnostics(uri, 1);
      assert.deepStrictEqual(d.diagnostics.map((x) => `${x.code} ${x.message}`), []);
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) });
      const labels = hints.map(labelOf);
      assert.ok(labels.filter((l) => l.startsWith('→ 255×13×13')).length >= 1, labels.join('\n'));
      assert.ok(labels.some((l) => l.startsWith('→ 255×26×26')), labels.join('\n'));
      assert.ok(hints.length >= 20, `${hints.length} hints`);
    });
    it('the CodeLens over [net] shows darknet’s own BFLOPs beside ConvLens’s totals', async () => {
      const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      const titles = lenses.map((l) => l.command?.title ?? '');
      assert.ok(titles.some((t) => t.startsWith('darknet: 5.56 BFLOPs · 5.571 Total BFLOPS')), titles.join(' | '));
      assert.strictEqual(lenses[0].range.start.line, positionOf(text, '[net]').line);
    });
    it('a .cfg opened as properties (VS Code’s language for .cfg) is recognised by its [net] section', async () => {
      const other = 'file:///tmp/convlens-protocol/cfg/tiny.cfg';
      await lsp.open(other, text, 'properties');
      const s = await lsp.request<Summary>('convlens/summary', { uri: other });
      assert.strictEqual(s.native?.tool, 'darknet');
      const plain = 'file:///tmp/convlens-protocol/cfg/setup.cfg';
      await lsp.open(plain, '[metadata]\nname = thing\n', 'properties');
      assert.strictEqual(await lsp.request('convlens/summary', { uri: plain }), null);
    });
  });

  it('other YAML files are left alone: no diagnostics, no hints, no CodeLens', async () => {
    const text = 'name: build\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n';
    const uri = 'file:///tmp/convlens-protocol/ci.yaml';
    await lsp.open(uri, text, 'yaml');
    const d = await lsp.diagnostics(uri, 1);
    assert.deepStrictEqual(d.diagnostics, []);
    assert.deepStrictEqual(await lsp.request('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) }), []);
    assert.deepStrictEqual(await lsp.request('textDocument/codeLens', { textDocument: { uri } }), []);
    assert.strictEqual(await lsp.request('convlens/summary', { uri }), null);
  });
});
