// Protocol tests: the built language server (dist/server.js --stdio) driven over real LSP.
// Run after `npx tsc -p . && node scripts/build.mjs`:
//   npx mocha --timeout 30000 'out/test/protocol/**/*.test.js'
import * as assert from 'assert';
import type { CodeAction, CodeLens, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, Hover, InlayHint, Location, MarkupContent, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyWorkspaceEdit, example, LspClient, positionAt, positionOf, type Doc } from './client';

const labelOf = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const hoverText = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');
const items = (r: CompletionItem[] | CompletionList | null) => (Array.isArray(r) ? r : r?.items ?? []);
const wholeRange = (text: string) => ({ start: { line: 0, character: 0 }, end: positionAt(text, text.length) });

/** The hint shown at the end of the line holding `needle` (nth occurrence). */
function hintOnLine(hints: InlayHint[], text: string, needle: string, nth = 0): string | undefined {
  const line = positionOf(text, needle, 0, nth).line;
  const h = hints.find((x) => x.position.line === line);
  return h ? labelOf(h) : undefined;
}

describe('language server over stdio', function () {
  let lsp: LspClient;
  let n = 0;
  const inline = (name = 'doc') => `file:///tmp/convlens-protocol/${name}-${++n}.cnn.yaml`;

  before(async () => {
    lsp = new LspClient();
    const init = await lsp.initialize();
    const caps = init.capabilities;
    assert.ok(caps.inlayHintProvider && caps.hoverProvider && caps.completionProvider && caps.definitionProvider && caps.referencesProvider);
    assert.ok(caps.renameProvider && caps.documentSymbolProvider && caps.codeActionProvider && caps.codeLensProvider);
  });

  after(async function () {
    this.timeout(10_000);
    if (lsp.stderr.length) console.log(lsp.stderr.join('').slice(-4000));
    await lsp.shutdown();
    assert.strictEqual(lsp.exited?.code, 0, `server exited with ${JSON.stringify(lsp.exited)}; stderr:\n${lsp.stderr.join('')}`);
  });

  describe('resnet18.cnn.yaml', () => {
    const { uri, text } = example('resnet18.cnn.yaml');
    before(async () => {
      await lsp.open(uri, text);
    });

    it('publishes diagnostics for version 1 (no errors or warnings: the example is clean)', async () => {
      const d = await lsp.diagnostics(uri, 1);
      assert.strictEqual(d.version, 1);
      assert.deepStrictEqual(d.diagnostics.filter((x) => x.severity! <= 2).map((x) => `${x.code} ${x.message}`), []);
    });

    it('inlay hints show shapes, fields and parameters; a repeated block shows the whole entry', async () => {
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) });
      const layers = text.indexOf('\nlayers:');
      const conv1 = hintOnLine(hints, text, 'name: conv1', 2); // the top-level conv1 (two block convs come first)
      assert.ok(positionOf(text, 'name: conv1', 0, 2).line > positionAt(text, layers).line);
      assert.strictEqual(conv1, '→ 64×112×112 · rf 7×7 /2 · 9.4K params');
      assert.strictEqual(hintOnLine(hints, text, 'name: maxpool'), '→ 64×56×56 · rf 11×11 /4');
      // layer1 = basic × 2: its hint sits on the entry's last line (`repeat: 2`).
      const layer1 = hints.find((h) => h.position.line === positionOf(text, 'repeat: 2').line);
      assert.ok(layer1, 'no hint on layer1');
      assert.strictEqual(labelOf(layer1), '→ 64×56×56 (×2) · rf 43×43 /4 · 148K params');
      assert.match(hintOnLine(hints, text, 'name: layer2') ?? '', /^→ 128×28×28 · rf 99×99 \/8 · 526K params$/);
      assert.strictEqual(hintOnLine(hints, text, 'name: fc'), '→ 1000 · rf global · 513K params');
      const tooltip = (layer1.tooltip as MarkupContent).value;
      assert.match(tooltip, /parameters: 147,968/);
      assert.match(tooltip, /64×56×56 → 64×56×56/);
    });

    it('inlay hints are limited to the requested range', async () => {
      const line = positionOf(text, 'name: maxpool').line;
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 20 } } });
      assert.deepStrictEqual(hints.map(labelOf), ['→ 64×56×56 · rf 11×11 /4']);
    });

    it('hover on a layer fills in the size formula per axis, the parameter formula and the field recurrence', async () => {
      const h = await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'maxpool: {kernel', 2) });
      const md = hoverText(h);
      assert.match(md, /64×112×112 → \*\*64×56×56\*\*/);
      assert.ok(md.includes('H, W: ⌊(112 + 1 + 1 − 3)/2⌋ + 1 = 56'), md);
      assert.ok(md.includes('r = 7 + (3 − 1)·2 = 11, j = 2·2 = 4, start = −3 − 1·2 = −5'), md);
      const conv = hoverText(await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'conv: {out: 64, kernel: 7', 1) }));
      assert.ok(conv.includes('params = 64·3·7·7 = 9,408'), conv);
      assert.ok(conv.includes('MACs = 112·112·64·3·7·7 = 118,013,952'), conv);
    });

    it('hover on a block name shows its parameters and its uses', async () => {
      const md = hoverText(await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, '  basic:', 3) }));
      assert.match(md, /\*\*block basic\*\* · used 5 times/);
      assert.match(md, /\| `out` \| `64` \|/);
      assert.match(md, /`layer1`.*64×56×56/);
    });

    it('hover on a block use summarises the whole instance', async () => {
      const md = hoverText(await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'stage: {out: 256', 1) }));
      assert.match(md, /\*\*layer3\*\* · block `stage`/);
      assert.ok(md.includes('128×28×28 → 256×14×14'), md);
      assert.ok(md.includes('params = 2,099,712'), md);
    });

    it('go to definition on a name in from: jumps to its name: in the same block', async () => {
      const at = positionOf(text, 'from: [downsample, bn2]', 'from: [downsample, '.length + 1);
      const loc = await lsp.request<Location>('textDocument/definition', { textDocument: { uri }, position: at });
      const basicDown = text.indexOf('  basic_down:');
      const def = text.indexOf('name: bn2', basicDown) + 'name: '.length;
      assert.deepStrictEqual(loc.range.start, positionAt(text, def));
      assert.deepStrictEqual(loc.range.end, positionAt(text, def + 3));
    });

    it('go to definition on a block used as a kind jumps to the block', async () => {
      const loc = await lsp.request<Location>('textDocument/definition', { textDocument: { uri }, position: positionOf(text, '- stage:', 3) });
      assert.deepStrictEqual(loc.range.start, positionOf(text, 'stage:'));
    });

    it('find references of a block lists every use', async () => {
      const refs = await lsp.request<Location[]>('textDocument/references', { textDocument: { uri }, position: positionOf(text, 'stage:', 1), context: { includeDeclaration: true } });
      assert.strictEqual(refs.length, 4); // the definition + layer2..layer4
    });

    it('document symbols outline the blocks and the layers with shapes', async () => {
      const symbols = await lsp.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepStrictEqual(symbols.map((s) => s.name), ['blocks', 'layers']);
      const layers = symbols[1].children!;
      assert.deepStrictEqual(layers.map((s) => s.name), ['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'flatten9', 'fc']);
      assert.strictEqual(layers[4].detail, 'basic ×2 → 64×56×56');
      assert.strictEqual(layers[7].detail, 'stage → 512×7×7');
      assert.deepStrictEqual(symbols[0].children!.map((s) => s.name), ['basic', 'downsample', 'basic_down', 'stage']);
      assert.ok(symbols[0].children![0].children!.some((c) => c.name === 'conv2'));
    });

    it('CodeLens on layers: shows the totals and a preview command', async () => {
      const lenses = await lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.strictEqual(lenses.length, 2);
      assert.strictEqual(lenses[0].range.start.line, positionOf(text, '\nlayers:', 1).line);
      assert.strictEqual(lenses[0].command?.title, 'Σ 11.7M params · 1.8G MACs · → 1000 · rf global');
      assert.strictEqual(lenses[1].command?.command, 'convlens.previewFeatureMaps');
    });

    it('convlens/summary answers the totals for the status bar', async () => {
      const s = await lsp.request<any>('convlens/summary', { uri });
      assert.strictEqual(s.params, 11_689_512);
      assert.strictEqual(s.macs, 1_814_073_344);
      assert.deepStrictEqual(s.outputs, [{ name: 'fc', shape: '1000' }]);
    });
  });

  describe('editing', () => {
    const small = ['name: small', 'input: [3, 56, 56]', 'layers:', '  - conv: {out: 8, kernel: 3, stride: 2, padding: 1}', '    name: c1', '  - relu', '  - conv: {out: 16, kernel: 3}', '    from: c1', ''].join('\n');

    it('hover shows the lecture formula for a strided conv: ⌊(56 + 1 + 1 − 3)/2⌋ + 1 = 28', async () => {
      const uri = inline('small');
      await lsp.open(uri, small);
      const md = hoverText(await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(small, 'conv:', 1) }));
      assert.ok(md.includes('⌊(56 + 1 + 1 − 3)/2⌋ + 1 = 28'), md);
      assert.ok(md.includes('params = 8·3·3·3 + 8 = 224'), md);
      assert.ok(md.includes('r = 1 + (3 − 1)·1 = 3, j = 1·2 = 2, start = 0 − 1·1 = −1'), md);
    });

    it('hover on an argument name explains it', async () => {
      const uri = inline('small');
      await lsp.open(uri, small);
      const md = hoverText(await lsp.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(small, 'padding', 2) }));
      assert.match(md, /\*\*padding\*\* \(conv\)/);
      assert.match(md, /resolved: `\[\[1,1\],\[1,1\]\]`/);
    });

    it('completion offers layer kinds with snippets of their required arguments', async () => {
      const uri = inline('complete');
      const text = small + '  - co';
      await lsp.open(uri, text);
      const list = items(await lsp.request('textDocument/completion', { textDocument: { uri }, position: positionAt(text, text.length) }));
      const conv = list.find((i) => i.label === 'conv');
      assert.ok(conv, `no conv in ${list.map((i) => i.label).join(', ')}`);
      assert.strictEqual(conv.insertText, 'conv: {out: ${1:64}, kernel: ${2:3}}');
      assert.match(conv.detail ?? '', /^conv\(out, kernel, stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, weights\?\)$/);
      assert.ok(list.some((i) => i.label === 'maxpool') && list.some((i) => i.label === 'add'));
    });

    it("completion offers conv's argument names, without those already written", async () => {
      const uri = inline('complete');
      const text = small + '  - conv: {out: 4, ';
      await lsp.open(uri, text);
      const labels = items(await lsp.request('textDocument/completion', { textDocument: { uri }, position: positionAt(text, text.length) })).map((i) => i.label);
      for (const a of ['kernel', 'stride', 'padding', 'dilation', 'groups', 'bias']) assert.ok(labels.includes(a), `${a} missing from ${labels.join(', ')}`);
      assert.ok(!labels.includes('out'));
    });

    it('completion offers padding modes and names in from:', async () => {
      const uri = inline('complete');
      const text = small + '  - conv: {out: 4, kernel: 3, padding: ';
      await lsp.open(uri, text);
      const modes = items(await lsp.request('textDocument/completion', { textDocument: { uri }, position: positionAt(text, text.length) })).map((i) => i.label);
      assert.deepStrictEqual(modes, ['valid', 'same', 'causal']);
      const text2 = small + '  - add:\n    from: [';
      const uri2 = inline('complete');
      await lsp.open(uri2, text2);
      const names = items(await lsp.request('textDocument/completion', { textDocument: { uri: uri2 }, position: positionAt(text2, text2.length) })).map((i) => i.label);
      assert.deepStrictEqual(names, ['input', 'c1']);
    });

    it('completion offers a block\'s parameters and the $ parameters in scope', async () => {
      const { text: resnet } = example('resnet18.cnn.yaml');
      // Typing in a parsed document: the flow map is unfinished, so the text does not parse.
      const uri = inline('blockparams');
      const doc = await lsp.open(uri, resnet);
      const text = resnet.replace('  - stage: {out: 512, stride: 2, n: 2}', '  - stage: {out: 512, ');
      await lsp.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
      await lsp.change(doc, text);
      const at = positionOf(text, '  - stage: {out: 512, ', '  - stage: {out: 512, '.length);
      const labels = items(await lsp.request('textDocument/completion', { textDocument: { uri }, position: at })).map((i) => i.label);
      assert.deepStrictEqual(labels.sort(), ['n', 'stride']);
      const text2 = resnet.replace('params: {out: 128, stride: 2, n: 2}\n    layers:\n      - basic_down: {out: $out', 'params: {out: 128, stride: 2, n: 2}\n    layers:\n      - basic_down: {out: $');
      const uri2 = inline('dollar');
      const doc2 = await lsp.open(uri2, resnet);
      await lsp.request('textDocument/hover', { textDocument: { uri: uri2 }, position: { line: 0, character: 0 } });
      await lsp.change(doc2, text2);
      const at2 = positionOf(text2, 'basic_down: {out: $', 'basic_down: {out: $'.length);
      const params = items(await lsp.request('textDocument/completion', { textDocument: { uri: uri2 }, position: at2 })).map((i) => i.label);
      assert.deepStrictEqual(params, ['out', 'stride', 'n', 'in']);
    });

    it('diagnostics carry related information (the operands of a mismatched add)', async () => {
      const uri = inline('related');
      const text = ['input: [3, 32, 32]', 'layers:', '  - conv: {out: 8, kernel: 3}', '    name: a', '  - conv: {out: 8, kernel: 3, padding: 1}', '    from: input', '    name: b', '  - add:', '    from: [a, b]', ''].join('\n');
      await lsp.open(uri, text);
      const d = (await lsp.diagnostics(uri, 1)).diagnostics.find((x) => x.code === 'CL103');
      assert.ok(d, 'no CL103');
      assert.deepStrictEqual(d.relatedInformation?.map((r) => r.message).sort(), ['a: [8, 30, 30]', 'b: [8, 32, 32]']);
      assert.ok(d.relatedInformation!.every((r) => r.location.uri === uri));
      assert.strictEqual(d.relatedInformation!.find((r) => r.message.startsWith('a:'))!.location.range.start.line, 2);
    });

    it('rename of a layer name changes its definition and every from:', async () => {
      const uri = inline('rename');
      const doc = await lsp.open(uri, small);
      const prep = await lsp.request<any>('textDocument/prepareRename', { textDocument: { uri }, position: positionOf(small, 'from: c1', 7) });
      assert.strictEqual(prep.placeholder, 'c1');
      const edit = await lsp.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: positionOf(small, 'from: c1', 7), newName: 'stem' });
      assert.strictEqual(edit.changes![uri].length, 2);
      const renamed = applyWorkspaceEdit(small, uri, edit);
      assert.ok(renamed.includes('name: stem') && renamed.includes('from: stem') && !renamed.includes('c1'));
      await lsp.change(doc, renamed);
      const d = await lsp.diagnostics(uri, doc.version);
      assert.deepStrictEqual(d.diagnostics, []);
      const refs = await lsp.request<Location[]>('textDocument/references', { textDocument: { uri }, position: positionOf(renamed, 'name: stem', 7), context: { includeDeclaration: false } });
      assert.deepStrictEqual(refs.map((r) => r.range.start), [positionOf(renamed, 'from: stem', 6)]);
    });

    it('rename refuses an invalid name', async () => {
      const uri = inline('rename');
      await lsp.open(uri, small);
      await assert.rejects(lsp.request('textDocument/rename', { textDocument: { uri }, position: positionOf(small, 'from: c1', 7), newName: 'a b' }), /not a valid layer name/);
    });

    it('a quick fix for a kind typo (convv → conv) applies and the diagnostic goes away', async () => {
      const uri = inline('typo');
      const text = small.replace('  - relu', '  - convv: {out: 8, kernel: 3}');
      const doc = await lsp.open(uri, text);
      const d = await lsp.diagnostics(uri, 1);
      const typo = d.diagnostics.find((x) => x.code === 'CL003');
      assert.ok(typo, `no CL003 in ${JSON.stringify(d.diagnostics)}`);
      assert.match(typo.message, /did you mean 'conv'/);
      assert.match(typo.codeDescription!.href, /^file:\/\/.*\/docs\/rules\/CL003\.md$/);
      const actions = await lsp.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: typo.range, context: { diagnostics: [typo], only: ['quickfix'] } });
      const fix = actions.find((a) => a.edit && a.isPreferred);
      assert.ok(fix, `no preferred fix among ${actions.map((a) => a.title).join(' | ')}`);
      assert.match(fix.title, /conv/);
      assert.ok(actions.some((a) => a.command?.command === 'convlens.showDocumentation' && a.command.arguments?.[0] === 'CL003'));
      const fixed = applyWorkspaceEdit(doc.text, uri, fix.edit!);
      assert.ok(fixed.includes('  - conv: {out: 8, kernel: 3}\n  - conv: {out: 16'));
      await lsp.change(doc, fixed);
      const after = await lsp.diagnostics(uri, doc.version);
      assert.strictEqual(after.version, doc.version);
      assert.deepStrictEqual(after.diagnostics.map((x) => x.code), []);
    });

    it('"Fix all padding problems in file" fixes the padding findings, round after round', async function () {
      const uri = inline('padding');
      const text = ['input: [3, 32, 32]', 'layers:', '  - maxpool: {kernel: 2, padding: 2}', '  - conv: {out: 4, kernel: 3, stride: 1, padding: 1}', '  - avgpool: {kernel: 3, padding: 3}', ''].join('\n');
      const doc = await lsp.open(uri, text);
      const isPadding = (x: Diagnostic) => String(x.code) === 'CL106';
      let d = await lsp.diagnostics(uri, 1);
      const first = d.diagnostics.find(isPadding);
      assert.ok(first, JSON.stringify(d.diagnostics));
      const quick = await lsp.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: first.range, context: { diagnostics: [first], only: ['quickfix'] } });
      if (!quick.some((a) => a.edit)) this.skip(); // no padding fix registered by the rules engine yet
      // An error stops the analysis of what follows, so fixing one can reveal the next: repeat.
      for (let round = 0; round < 5 && d.diagnostics.some(isPadding); round++) {
        const actions = await lsp.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: wholeRange(doc.text), context: { diagnostics: [], only: ['source'] } });
        const all = actions.find((a) => a.kind === 'source.fixPadding.convlens');
        assert.ok(all, `no padding source action among ${actions.map((a) => `${a.kind}: ${a.title}`).join(' | ')}`);
        assert.match(all.title, /^Fix all padding problems in file/);
        await lsp.change(doc, applyWorkspaceEdit(doc.text, uri, all.edit!));
        d = await lsp.diagnostics(uri, doc.version);
      }
      assert.deepStrictEqual(d.diagnostics.filter(isPadding), []);
      assert.ok(doc.text.includes('maxpool: {kernel: 2, padding: 1}'), doc.text);
      assert.ok(doc.text.includes('avgpool: {kernel: 3, padding: 1}'), doc.text);
    });

    it('a burst of changes is debounced and every answer is for the latest version', async () => {
      const uri = inline('burst');
      const doc = await lsp.open(uri, small);
      await lsp.diagnostics(uri, 1);
      let publishes = 0;
      const count = (p: { uri: string }) => {
        if (p.uri === uri) publishes++;
      };
      lsp.onPublish.add(count);
      for (let i = 1; i <= 20; i++) await lsp.change(doc, small.replace('out: 16', `out: ${16 + i}`).replace('[3, 56, 56]', `[3, ${56 + i}, 56]`));
      // Asked at once, before any debounced analysis: the hints are for version 21 already.
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(doc.text) });
      assert.strictEqual(hintOnLine(hints, doc.text, 'from: c1'), '→ 36×36×26 · rf 7×7 /2 · 2.6K params');
      const d = await lsp.diagnostics(uri, doc.version);
      assert.strictEqual(d.version, 21);
      lsp.onPublish.delete(count);
      assert.ok(publishes <= 3, `${publishes} diagnostics pushes for 20 changes`);
      // Then an error in the latest version only.
      await lsp.change(doc, doc.text.replace('kernel: 3}', 'kernel: 300}'));
      const bad = await lsp.diagnostics(uri, doc.version);
      assert.deepStrictEqual(bad.diagnostics.map((x) => x.code), ['CL101']);
    });

    it('incremental edits are applied exactly', async () => {
      const uri = inline('incremental');
      const doc = await lsp.open(uri, small);
      const at = positionOf(small, 'out: 16', 5);
      await lsp.edit(doc, [{ range: { start: at, end: { line: at.line, character: at.character + 2 } }, newText: '32' }]);
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(doc.text) });
      assert.strictEqual(hintOnLine(hints, doc.text, 'from: c1'), '→ 32×26×26 · rf 7×7 /2 · 2.3K params');
    });

    it('settings from didChangeConfiguration switch inlay hint parts and rule severities', async () => {
      const uri = inline('settings');
      const text = small.replace('  - relu', '  - convv');
      const doc = await lsp.open(uri, text);
      assert.strictEqual((await lsp.diagnostics(uri, 1)).diagnostics[0].severity, 1);
      lsp.forget(uri);
      await lsp.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { convlens: { inlayHints: { macs: { enabled: true }, receptiveField: { enabled: false } }, rules: { 'unknown-kind': 'warning' } } },
      });
      const d = await lsp.diagnostics(uri, doc.version);
      assert.strictEqual(d.diagnostics.find((x) => x.code === 'CL003')?.severity, 2);
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: inline('x') }, range: wholeRange(text) });
      assert.deepStrictEqual(hints, []); // an unknown document: no hints, no crash
      const uri2 = inline('settings');
      await lsp.open(uri2, small);
      const h2 = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uri2 }, range: wholeRange(small) });
      assert.strictEqual(hintOnLine(h2, small, 'name: c1'), '→ 8×28×28 · 224 params · 169K MACs');
      await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: { convlens: {} } });
      const h3 = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uri2 }, range: wholeRange(small) });
      assert.strictEqual(hintOnLine(h3, small, 'name: c1'), '→ 8×28×28 · rf 3×3 /2 · 224 params');
    });
  });

  describe('robustness', () => {
    function randomText(seed: number, length: number): string {
      let x = seed;
      let s = '';
      for (let i = 0; i < length; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        const c = x % 97;
        s += c < 5 ? '\n' : c < 10 ? ' ' : c < 12 ? ':' : c < 13 ? '-' : c < 14 ? '{' : c < 15 ? '[' : String.fromCharCode(x % 0xd7ff || 1);
      }
      return s;
    }
    const garbage = [
      randomText(1, 400),
      randomText(2, 2000),
      'layers:\n  - conv: {out: 8, ker',
      'input: [3, 32, 32]\nlayers:\n  - conv: {out: $width, kernel: 3}\n  - basic: {out: 4}\n    repeat: 1000000000\n',
      'input: [3, 32\nlayers: [',
      '\t\tinput: 3\n\u0000\u0001layers: x',
      'input: [3, 32, 32]\nblocks:\n  a:\n    layers:\n      - a\nlayers:\n  - a\n',
    ];

    it('garbage and half-typed documents get diagnostics, every request answers, the server stays alive', async () => {
      for (const [i, text] of garbage.entries()) {
        const uri = inline(`garbage${i}`);
        await lsp.open(uri, text);
        const d = await lsp.diagnostics(uri, 1);
        assert.ok(d.diagnostics.length > 0, `no diagnostics for garbage #${i}: ${JSON.stringify(text.slice(0, 80))}`);
        const end = positionAt(text, text.length);
        const mid = positionAt(text, text.length >> 1);
        await lsp.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end } });
        await lsp.request('textDocument/hover', { textDocument: { uri }, position: mid });
        await lsp.request('textDocument/completion', { textDocument: { uri }, position: end });
        await lsp.request('textDocument/documentSymbol', { textDocument: { uri } });
        await lsp.request('textDocument/codeLens', { textDocument: { uri } });
        await lsp.request('textDocument/definition', { textDocument: { uri }, position: mid });
        await lsp.request('textDocument/codeAction', { textDocument: { uri }, range: { start: mid, end: mid }, context: { diagnostics: d.diagnostics } });
        await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      }
      assert.strictEqual(lsp.exited, undefined);
      const { uri } = example('tiny-vgg.cnn.yaml');
      const text = example('tiny-vgg.cnn.yaml').text;
      await lsp.open(uri, text);
      const hints = await lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) });
      assert.strictEqual(hintOnLine(hints, text, 'repeat: 2'), '→ 10×13×13 (×2) · rf 16×16 /4 · 3K params');
    });

    it('closing a document clears its diagnostics', async () => {
      const uri = inline('close');
      await lsp.open(uri, 'layers: 3\n');
      assert.ok((await lsp.diagnostics(uri, 1)).diagnostics.length > 0);
      lsp.forget(uri);
      await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      assert.deepStrictEqual((await lsp.diagnostics(uri)).diagnostics, []);
    });
  });
});

describe('language server lifecycle', () => {
  it('starts, answers initialize and exits with 0 on shutdown/exit', async () => {
    const lsp = new LspClient();
    const init = await lsp.initialize();
    assert.strictEqual(init.serverInfo.name, 'convlens');
    await lsp.shutdown();
    assert.strictEqual(lsp.exited?.code, 0);
  });
});

export type { Doc };
