// The engine's resolution step: blocks, `$` expressions, repeat, names and `from`, bounds, and
// the located errors a half-typed file gets. Figures are worked out by hand in each test.
import * as assert from 'node:assert/strict';
import { check, type Analysis } from '../../engine';

const net = (layers: string, extra = '', input = '[3, 32, 32]') => `input: ${input}\n${extra}layers:\n${layers}`;
const codes = (a: Analysis) => a.findings.map((f) => f.code);
const shapeOf = (a: Analysis, name: string) => a.layers.find((l) => l.name === name)?.shape;
const at = (text: string, a: Analysis, code: string) => {
  const f = a.findings.find((x) => x.code === code);
  assert.ok(f, `expected ${code}, got ${JSON.stringify(a.findings.map((x) => [x.code, x.message]))}`);
  return text.slice(f.span.start, f.span.end);
};

describe('engine: resolution', () => {
  it('expressions use params, in, // and ** with Python semantics', () => {
    const text = net('  - conv: {out: "$max(8, in * 4)", kernel: 3}\n  - conv: {out: $(w // 3 + 2 ** 3), kernel: 1}\n  - conv: {out: "${round(2.5) + (-7 % 3)}", kernel: 1}\n', 'params: {w: 10}\n');
    const a = check(text);
    assert.deepEqual(codes(a).filter((c) => c < 'CL200'), []);
    assert.equal(a.layers[0].shape![0], 12); // max(8, 3·4)
    assert.equal(a.layers[1].shape![0], 11); // 10 // 3 + 8
    assert.equal(a.layers[2].shape![0], 4); // round(2.5) = 2 (half to even) + (−7 % 3 = 2)
  });

  it('a non-integer channel count from an expression is a located error', () => {
    const text = net('  - conv: {out: $in / 2, kernel: 3}\n');
    const a = check(text);
    assert.equal(at(text, a, 'CL011'), '$in / 2');
  });

  it('blocks take arguments, defaults and nest; names are dotted per instance', () => {
    const text = net(
      '  - stage: {width: 16}\n    name: s\n    repeat: 2\n',
      'blocks:\n  unit:\n    params: {out: 8}\n    layers:\n      - conv: {out: $out, kernel: 3, padding: 1}\n        name: c\n  stage:\n    params: {width: 4}\n    layers:\n      - unit: {out: $width}\n        name: u\n      - unit\n',
    );
    const a = check(text);
    assert.deepEqual(a.layers.map((l) => l.name), ['s.0.u.c', 's.0.unit1.c', 's.1.u.c', 's.1.unit1.c']);
    assert.deepEqual(a.layers.map((l) => l.shape![0]), [16, 8, 16, 8]);
    const entry = a.entries.find((e) => e.name === 's')!;
    assert.equal(entry.instances, 2);
    assert.deepEqual(entry.shape, [8, 32, 32]);
  });

  it('from: names, input, relative integers, repeat instances and forward references', () => {
    const text = net(
      '  - conv: {out: 4, kernel: 1}\n    name: a\n    repeat: 3\n  - add:\n    from: [a.0, -1]\n  - concat:\n    from: [input, b]\n  - relu\n    \n',
    ).replace('  - relu\n', '  - relu:\n    name: b\n    from: a.1\n');
    const a = check(text);
    assert.deepEqual(codes(a).filter((c) => c < 'CL200'), []);
    assert.deepEqual(a.layers.find((l) => l.kind === 'add')!.from, ['a.0', 'a.2']);
    assert.deepEqual(shapeOf(a, 'concat2'), [7, 32, 32]);
  });

  it('upsample like another layer', () => {
    const text = net('  - conv: {out: 8, kernel: 3, padding: 1}\n    name: enc\n  - maxpool: {kernel: 2}\n  - upsample: {like: enc}\n  - concat:\n    from: [enc, -1]\n');
    const a = check(text);
    assert.deepEqual(codes(a).filter((c) => c < 'CL200'), []);
    assert.deepEqual(shapeOf(a, 'upsample2'), [8, 32, 32]);
    assert.deepEqual(shapeOf(a, 'concat3'), [16, 32, 32]);
  });

  it('unknown kind, argument and name get did-you-mean, located on the word', () => {
    const text = net('  - convv: {out: 4, kernel: 3}\n  - conv: {out: 4, kernal: 3}\n  - relu:\n    from: inptu\n');
    const a = check(text);
    assert.equal(at(text, a, 'CL003'), 'convv');
    assert.match(a.findings.find((f) => f.code === 'CL003')!.message, /did you mean 'conv'/);
    assert.equal(at(text, a, 'CL004'), 'kernal');
    assert.match(a.findings.find((f) => f.code === 'CL004')!.message, /did you mean 'kernel'/);
    assert.equal(at(text, a, 'CL005'), 'inptu');
  });

  it('duplicate names point at the first one', () => {
    const text = net('  - relu:\n    name: x\n  - relu:\n    name: x\n');
    const a = check(text);
    const f = a.findings.find((x) => x.code === 'CL006')!;
    assert.equal(text.slice(f.span.start, f.span.end), 'x');
    assert.equal(f.related!.length, 1);
    assert.ok(f.related![0].span.start < f.span.start);
  });

  it('cycles through from are reported, not followed', () => {
    const text = net('  - relu:\n    name: a\n    from: b\n  - relu:\n    name: b\n    from: a\n');
    assert.ok(codes(check(text)).includes('CL007'));
  });

  it('a block that uses itself (directly or through another) is refused', () => {
    const text = net('  - p\n', 'blocks:\n  p:\n    layers:\n      - q\n  q:\n    layers:\n      - p\n');
    const a = check(text);
    assert.ok(codes(a).includes('CL008'));
    assert.equal(a.layers.length, 0);
  });

  it('bounds: huge repeat, giant integers, alias bombs', () => {
    assert.ok(codes(check(net('  - relu:\n    repeat: 1000000000\n'))).includes('CL010'));
    assert.ok(codes(check(net('  - conv: {out: 123456789012345678901, kernel: 1}\n'))).includes('CL010'));
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(', ')}]`);
    const a = check(bomb.join('\n') + '\n');
    assert.ok(codes(a).includes('CL010'), JSON.stringify(codes(a)));
  });

  it('repeat expansion beyond 10,000 layers stops with one error', () => {
    const text = net('  - big:\n    repeat: 400\n', 'blocks:\n  big:\n    layers:\n      - relu:\n        repeat: 300\n', '[1, 4]');
    const a = check(text);
    assert.deepEqual(codes(a).filter((c) => c === 'CL010').length, 1);
    assert.equal(a.layers.length, 10_000);
  });

  it('a document over 1,000,000 characters is one located bounds error', () => {
    const text = net('  - relu\n'.repeat(120_000), '', '[1, 4]');
    const a = check(text);
    assert.deepEqual(codes(a), ['CL010']);
    assert.equal(a.findings[0].span.start, 0);
    assert.match(a.findings[0].message, /up to 1,000,000 characters/);
  });

  it('YAML syntax errors are located', () => {
    const text = 'input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3\n';
    const a = check(text);
    assert.equal(a.findings[0].code, 'CL001');
    assert.ok(a.findings[0].span.start >= text.indexOf('{'));
  });

  it('input must be channels + 1..3 spatial sizes', () => {
    for (const bad of ['[3]', '[3, 0]', '[1, 2, 3, 4, 5]', 'three', '[3, 2.5]']) {
      assert.ok(codes(check(net('  - relu\n', '', bad))).includes('CL002'), bad);
    }
  });

  it('outputs lists named outputs with shapes', () => {
    const a = check(net('  - conv: {out: 4, kernel: 3}\n    name: a\n  - global_avgpool:\n    name: g\n', '', '[3, 8, 8]') + 'outputs: [a, g]\n');
    assert.deepEqual(a.outputs, [{ name: 'a', shape: [4, 6, 6], index: 0 }, { name: 'g', shape: [4], index: 1 }]);
  });
});
