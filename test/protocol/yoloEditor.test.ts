// YOLO and Darknet files as their users read them, over real LSP (the built server): hints that
// VS Code does not cut at its defaults on every row of the public model files, totals that say
// when they are partial and why, Darknet hovers in darknet's terms, Ultralytics hovers headed with
// the row's resolved call and all its inputs, and a scale lens that offers only what applies.
import * as assert from 'assert';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CodeLens, Command, Hover, InlayHint, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, positionAt, positionOf, repoRoot } from './client';
import type { Summary } from '../../protocol/summary';

/** VS Code's default `editor.inlayHints.maximumLength`: label characters of all hints of a line. */
const VSCODE_MAX = 43;
const realworld = path.resolve(repoRoot, '..', 'shared', 'realworld');
const modelFiles = [realworld, path.join(realworld, 'set2')]
  .filter(existsSync)
  .flatMap((dir) => readdirSync(dir).filter((f) => /\.(ya?ml|cfg)$/.test(f)).map((f) => path.join(dir, f)));

const labelOf = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const tooltipOf = (h: InlayHint) => (typeof h.tooltip === 'string' ? h.tooltip : (h.tooltip?.value ?? ''));
const wholeRange = (text: string) => ({ start: { line: 0, character: 0 }, end: positionAt(text, text.length) });
const mdOf = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');

describe('YOLO and Darknet files in the editor', function () {
  let lsp: LspClient;
  let n = 0;
  const open = async (name: string, text: string, language: string) => {
    const uri = `file:///tmp/convlens-yolo-editor/${n++}/${name}`;
    await lsp.open(uri, text, language);
    return uri;
  };
  const hover = async (uri: string, text: string, needle: string, delta = 1) => mdOf(await lsp.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, delta) }));
  const lenses = async (uri: string) => (await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } })).map((l) => l.command as Command & { tooltip?: string });

  before(async () => {
    lsp = new LspClient();
    await lsp.initialize();
  });
  after(async function () {
    this.timeout(10_000);
    await lsp.shutdown();
    assert.strictEqual(lsp.exited?.code, 0, lsp.stderr.join(''));
  });

  describe('hints fit VS Code’s 43 characters per line, parameters never lost', () => {
    it('the public model files are there to read', () => {
      assert.ok(modelFiles.length >= 20, `${modelFiles.length} files under ${realworld}`);
    });
    for (const file of modelFiles) {
      const name = path.basename(file);
      it(`${path.relative(realworld, file)}: every line's hints total ≤ 43 characters, and every row with parameters shows them`, async () => {
        const text = readFileSync(file, 'utf8');
        const uri = await open(name, text, name.endsWith('.cfg') ? 'darknet-cfg' : 'yaml');
        const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) });
        assert.ok(hints.length > 0, 'no hints');
        const perLine = new Map<number, number>();
        for (const h of hints) perLine.set(h.position.line, (perLine.get(h.position.line) ?? 0) + labelOf(h).length);
        for (const [line, length] of perLine) assert.ok(length <= VSCODE_MAX, `line ${line + 1}: ${length} characters: ${hints.filter((h) => h.position.line === line).map(labelOf).join(' | ')}`);
        for (const h of hints) {
          const params = /- parameters: ([\d,]+)/.exec(tooltipOf(h))?.[1];
          if (params && params !== '0') assert.ok(labelOf(h).includes(' params'), `line ${h.position.line + 1} has ${params} parameters but its hint reads "${labelOf(h)}"`);
        }
      });
    }
    it('yolov8n.yaml: the ten rows that used to lose their parameter count show it, and what is left out is in the tooltip', async () => {
      const text = readFileSync(path.join(realworld, 'yolov8n.yaml'), 'utf8');
      const uri = await open('yolov8n.yaml', text, 'yaml');
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) });
      const on = (needle: string) => hints.find((h) => h.position.line === positionOf(text, needle).line)!;
      assert.strictEqual(labelOf(on('[-1, 3, C2f, [128, True]]')), '→ 32×160×160 · 7.4K params · n 3→1');
      assert.strictEqual(labelOf(on('[-1, 1, Conv, [128, 3, 2]]')), '→ 32×160×160 · 4.7K params · rf 7×7 /4');
      assert.strictEqual(labelOf(on('Detect, [nc]')), '→ 144×80×80, 40×40, 20×20 · 898K params');
      const tip = tooltipOf(on('[-1, 3, C2f, [128, True]]'));
      assert.ok(tip.includes('receptive field: 23×23 /4') && tip.includes('repeats: 3 written, 1 after the depth multiple'), tip);
      assert.strictEqual(hints.filter((h) => labelOf(h).includes(' params')).length, 17);
    });
  });

  describe('partial totals say so, and why', () => {
    const base = readFileSync(path.join(realworld, 'yolov8n.yaml'), 'utf8');
    // A module ConvLens does not model (made up, so that it stays unmodelled).
    const text = base.replace('[-1, 3, C2f, [128, True]]', '[-1, 3, FooBlock, [128, True]]');
    let uri: string;
    before(async () => {
      uri = await open('yolov8n.yaml', text, 'yaml');
      await lsp.diagnostics(uri, 1);
    });
    const line = () => positionOf(text, 'FooBlock').line + 1;
    it('the CodeLens totals read “partial (1 error, line N)”, and their tooltip names the module', async () => {
      const [totals] = await lenses(uri);
      assert.strictEqual(totals.title, `Σ 5.1K params · 162M MACs · partial (1 error, line ${line()})`);
      assert.ok(totals.tooltip?.includes("module 'FooBlock'") && totals.tooltip.includes('Partial totals'), totals.tooltip);
      assert.ok(!(await lenses(uri)).some((l) => l.title.startsWith('Ultralytics:')), 'Ultralytics’ totals are withheld');
    });
    it('the status bar’s summary carries why', async () => {
      const s = await lsp.request<Summary>('convlens/summary', { uri });
      assert.deepStrictEqual({ ...s.partial, message: undefined }, { errors: 1, code: 'CL003', line: line(), message: undefined });
      assert.ok(s.partial!.message.includes('FooBlock'));
    });
    it('the hover on backbone: gives the totals and why they are partial', async () => {
      const md = await hover(uri, text, 'backbone:');
      assert.ok(md.includes('partial (1 error') && md.includes('FooBlock') && md.includes('count only the 6 layers'), md);
    });
    it('a complete file has no partial mark', async () => {
      const whole = await open('yolov8n.yaml', base, 'yaml');
      const [totals] = await lenses(whole);
      assert.ok(!totals.title.includes('partial'), totals.title);
      assert.strictEqual((await lsp.request<Summary>('convlens/summary', { uri: whole })).partial, undefined);
      assert.ok(!(await hover(whole, base, 'backbone:')).includes('Partial'));
    });
    it('a Darknet section ConvLens does not read makes the [net] totals partial too', async () => {
      const cfg = readFileSync(path.join(realworld, 'yolov3-tiny.cfg'), 'utf8').replace('[upsample]', '[fooscale]');
      const d = await open('yolov3-tiny.cfg', cfg, 'darknet-cfg');
      const [totals] = await lenses(d);
      assert.match(totals.title, /· partial \(\d+ errors?, (first )?line \d+\)$/);
      assert.ok((await hover(d, cfg, '[net]')).includes('Partial totals'));
    });
  });

  describe('Darknet hovers explain darknet', () => {
    const text = readFileSync(path.join(realworld, 'yolov3-tiny.cfg'), 'utf8');
    let uri: string;
    before(async () => {
      uri = await open('yolov3-tiny.cfg', text, 'darknet-cfg');
    });
    it('[yolo]: what it reads from its input and the boxes it outputs, no “no result”', async () => {
      const md = await hover(uri, text, '[yolo]');
      assert.ok(md.includes('3 anchors × (80 classes + 5) = 3·85 = 255 channels'), md);
      assert.ok(md.includes('13·13·3 = 507 candidate boxes'), md);
      assert.ok(md.includes('81×82, 135×169, 344×319'), md);
      assert.ok(!md.includes('no result'), md);
    });
    it('[net]: the input and the totals, no “no result”', async () => {
      const md = await hover(uri, text, '[net]');
      assert.ok(md.includes('input **3×416×416**') && md.includes('darknet: 5.56 BFLOPs'), md);
      assert.ok(!md.includes('no result'), md);
    });
    it('[maxpool]: darknet’s padding rule, not the *.cnn.yaml padding modes', async () => {
      const md = await hover(uri, text, '[maxpool]');
      assert.ok(md.includes('size − 1 in total by default') && md.includes('Here: padding 1 (size − 1, darknet\'s default): 0 before, 1 after'), md);
      assert.ok(!/valid|causal/.test(md), md);
    });
    it('size= in a [maxpool] and pad= in a [convolutional] are darknet keys', async () => {
      const size = await hover(uri, text, 'size=2', 0);
      assert.ok(size.startsWith('**size=2** · `[maxpool]`') && size.includes('Window size'), size);
      assert.ok(!size.includes('kernel (maxpool)'), size);
      const pad = await hover(uri, text, 'pad=1', 0);
      assert.ok(pad.includes('pad size/2 on each side') && pad.includes('Here: 1 before and 1 after on each axis (kernel 3)'), pad);
    });
    it('layers= of a [route] names the layer it reads', async () => {
      const md = await hover(uri, text, 'layers = -4', 0);
      assert.ok(md.includes('`-4` → 13 conv'), md);
    });
  });

  describe('Ultralytics hovers are headed with this row', () => {
    it('a C2f row: its call at this scale, not the generic signature', async () => {
      const text = readFileSync(path.join(realworld, 'yolov8n.yaml'), 'utf8');
      const uri = await open('yolov8n.yaml', text, 'yaml');
      const md = await hover(uri, text, 'C2f, [128, True]', 1);
      assert.ok(md.split('\n')[0].includes('`C2f(c1=32, c2=32, n=1, shortcut=True)`'), md.split('\n')[0]);
    });
    it('a v8 Detect: its own call and all three inputs', async () => {
      const text = readFileSync(path.join(realworld, 'yolov8n.yaml'), 'utf8');
      const uri = await open('yolov8n.yaml', text, 'yaml');
      const first = (await hover(uri, text, 'Detect, [nc]', 1)).split('\n')[0];
      assert.strictEqual(first, '**model.22** · `Detect(nc=80, ch=[64, 128, 256])` · 64×80×80 + 128×40×40 + 256×20×20 → **144×80×80, 144×40×40, 144×20×20**');
    });
    it('a yolov5 Detect: the anchor form of the call', async () => {
      const text = readFileSync(path.join(realworld, 'set2', 'yolov5s.yaml'), 'utf8');
      const uri = await open('yolov5s.yaml', text, 'yaml');
      const md = await hover(uri, text, 'Detect, [nc, anchors]', 1);
      assert.match(md.split('\n')[0], /`Detect\(nc=80, anchors=\[\[10, 13, 16, 30, 33, 23\], …\], ch=\[128, 256, 512\]\)` · 128×80×80 \+ 256×40×40 \+ 512×20×20/);
      assert.ok(md.includes('Signature: `Detect(nc, anchors, ch)`'), md);
    });
  });

  describe('the scale lens offers what applies', () => {
    const text = readFileSync(path.join(realworld, 'yolov8n.yaml'), 'utf8');
    it('a file named after its scale: a label without a chooser (the name wins in Ultralytics)', async () => {
      const uri = await open('yolov8n.yaml', text, 'yaml');
      const scale = (await lenses(uri)).find((l) => l.title.startsWith('scale'))!;
      assert.strictEqual(scale.title, 'scale n (from the file name)');
      assert.strictEqual(scale.command, '');
      assert.ok(scale.tooltip?.includes('whatever scale is asked for'), scale.tooltip);
    });
    it('a file named without one: the chooser', async () => {
      const uri = await open('yolov8.yaml', text, 'yaml');
      const scale = (await lenses(uri)).find((l) => l.title.startsWith('scale'))!;
      assert.strictEqual(scale.title, 'scale n ▾');
      assert.strictEqual(scale.command, 'convlens.chooseScale');
    });
  });
});
