// How the darknet reader follows darknet's parser (parser.c, option_list.c): lookup and
// whitespace rules, defaults, pad vs padding, route/shortcut indexes, what each section expands
// to, the spans findings and hovers point at, CL110 and the quick fixes for darknet files.
import * as assert from 'node:assert/strict';
import { check, quickFixes, type Analysis } from '../../engine';
import { FIX_PROVIDERS } from '../../engine/fixes';
import { applyEdits } from '../../engine/fixes/edit';

const NET = '[net]\nwidth=16\nheight=16\nchannels=3\n\n';
const cfg = (body: string, net = NET) => net + body;
const darknet = (text: string): Analysis => check(text, { format: 'darknet' });
const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);
const section = (a: Analysis, i: number) => a.entries[i + 1];
const kinds = (a: Analysis, i: number) => section(a, i).layers.map((k) => a.layers[k].kind);
const noProblems = (a: Analysis) => assert.deepEqual(a.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.code} ${f.message}`), []);

describe('darknet: reading options as darknet does', () => {
  it('deletes every space and tab in a line (`size = 3`, `layers = -1, 0`, `[ route ]`)', () => {
    const a = darknet(cfg('[convolutional]\nfilters = 1 6\nsize = 3\npad=1\n\n[ route ]\nlayers = -1, 0\n'));
    noProblems(a);
    assert.deepEqual(section(a, 0).shape, [16, 16, 16]);
    assert.deepEqual(section(a, 1).shape, [32, 16, 16]);
  });

  it('reads the first of a repeated key and says the other has no effect (CL014 hint)', () => {
    const text = cfg('[convolutional]\nfilters=8\nsize=3\nfilters=4\n');
    const a = darknet(text);
    assert.equal(section(a, 0).shape![0], 8);
    const hint = a.findings.find((f) => f.code === 'CL014')!;
    assert.equal(hint.severity, 'hint');
    assert.equal(at(text, hint.span), 'filters=4');
    assert.equal(at(text, hint.related![0].span), 'filters=8');
  });

  it('skips # and ; comment lines; a numeric value may end in an inline comment (atoi stops there)', () => {
    const a = darknet(cfg('# a comment\n; another\n[convolutional]\nfilters=4 # four\nsize=1\n'));
    noProblems(a);
    assert.deepEqual(section(a, 0).shape, [4, 16, 16]);
  });

  it('an inline comment after a string or list value is an error: darknet keeps it in the value', () => {
    const text = cfg('[convolutional]\nfilters=4\nsize=1\nactivation=leaky # slope .1\n\n[route]\nlayers=-1 # back\n');
    const a = darknet(text);
    const errs = a.findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errs.map((f) => [f.code, at(text, f.span)]), [['CL011', 'leaky # slope .1'], ['CL011', '-1 # back']]);
  });
});

describe('darknet: [convolutional]', () => {
  it('defaults as parse_convolutional: filters 1, size 1, stride 1, no padding, activation logistic', () => {
    const a = darknet(cfg('[convolutional]\n'));
    assert.deepEqual(section(a, 0).shape, [1, 16, 16]);
    assert.deepEqual(kinds(a, 0), ['conv', 'sigmoid']);
  });

  it('pad=1 pads size/2 and wins over padding= (a hint says padding= is ignored); without pad, padding= is used', () => {
    const both = cfg('[convolutional]\nfilters=2\nsize=5\npad=1\npadding=0\nactivation=linear\n');
    const a = darknet(both);
    assert.deepEqual(section(a, 0).shape, [2, 16, 16]);
    const hint = a.findings.find((f) => f.code === 'CL014')!;
    assert.equal(at(both, hint.span), '0');
    assert.match(hint.message, /pad=1 makes it pad size\/2 = 2/);
    assert.deepEqual(section(darknet(cfg('[convolutional]\nfilters=2\nsize=5\npadding=1\n')), 0).shape, [2, 14, 14]);
    // pad=1 with size 1 pads 1/2 = 0: a 1×1 keeps its size either way.
    assert.deepEqual(a.layers[0].args.padding, [[2, 2], [2, 2]]);
  });

  it('batch_normalize=1: a convolution without bias, then batchnorm (darknet\'s biases are its shift); leaky has slope 0.1', () => {
    const a = darknet(cfg('[convolutional]\nfilters=4\nsize=3\npad=1\nbatch_normalize=1\nactivation=leaky\n'));
    assert.deepEqual(kinds(a, 0), ['conv', 'batchnorm', 'leaky_relu']);
    assert.equal(a.layers[0].args.bias, false);
    assert.equal(a.layers[2].args.slope, 0.1);
    // 4·3·3·3 weights + 4 scales + 4 biases; rolling mean and variance are buffers.
    assert.equal(section(a, 0).params, 116);
    assert.equal(section(a, 0).buffers, 8);
    assert.ok(section(a, 0).isBlock);
  });

  it('stride_x / stride_y replace stride on their axis', () => {
    const a = darknet(cfg('[convolutional]\nfilters=1\nsize=1\nstride=2\nstride_x=1\n'));
    assert.deepEqual(section(a, 0).shape, [1, 8, 16]);
  });

  it('points the engine arguments at the darknet keys that set them, and a defaulted one at the header', () => {
    const text = cfg('[convolutional]\nfilters=4\nsize=3\npad=1\n');
    const args = darknet(text).layers[0].origin.args;
    assert.equal(at(text, args.out.key) + '=' + at(text, args.out.value), 'filters=4');
    assert.equal(at(text, args.kernel.value), '3');
    assert.equal(at(text, args.padding.key), 'pad');
    assert.equal(at(text, args.stride.value), '[convolutional]');
  });

  it('an unknown activation is located (did-you-mean); shapes and counts still show', () => {
    const text = cfg('[convolutional]\nfilters=4\nsize=1\nactivation=leakyy\n');
    const a = darknet(text);
    const f = a.findings.find((x) => x.code === 'CL011')!;
    assert.equal(at(text, f.span), 'leakyy');
    assert.match(f.message, /Did you mean `leaky`\?$/);
    assert.deepEqual(section(a, 0).shape, [4, 16, 16]);
  });
});

describe('darknet: [maxpool], [upsample], [avgpool], [connected], [softmax]', () => {
  it('maxpool: padding defaults to size − 1, split ⌊p/2⌋ before and the rest after; stride 1 keeps the size', () => {
    const a = darknet(cfg('[maxpool]\nsize=2\nstride=1\n\n[maxpool]\nsize=2\nstride=2\n\n[maxpool]\nsize=3\nstride=2\n'));
    noProblems(a);
    assert.deepEqual(a.layers[0].args.padding, [[0, 1], [0, 1]]);
    assert.deepEqual(section(a, 0).shape, [3, 16, 16]);
    assert.deepEqual(section(a, 1).shape, [3, 8, 8]);
    // (8 + 2 − 3)/2 + 1 = 4
    assert.deepEqual(a.layers[2].args.padding, [[1, 1], [1, 1]]);
    assert.deepEqual(section(a, 2).shape, [3, 4, 4]);
  });

  it('maxpool: size defaults to stride', () => {
    assert.deepEqual(darknet(cfg('[maxpool]\nstride=4\n')).layers[0].args.kernel, [4, 4]);
  });

  it('upsample: stride defaults to 2 (nearest); [avgpool] leaves C×1×1; [connected] flattens; [softmax] over the channels', () => {
    const a = darknet(cfg('[upsample]\n\n[avgpool]\n\n[connected]\noutput=10\nactivation=linear\n\n[softmax]\n'));
    noProblems(a);
    assert.deepEqual([0, 1, 2, 3].map((i) => section(a, i).shape), [[3, 32, 32], [3, 1, 1], [10], [10]]);
    assert.deepEqual(kinds(a, 2), ['flatten', 'linear']);
    // 3·10 weights + 10 biases
    assert.equal(section(a, 2).params, 40);
  });
});

describe('darknet: [route] and [shortcut] by index', () => {
  const text = cfg('[convolutional]\nfilters=4\nsize=1\n\n[convolutional]\nfilters=4\nsize=1\n\n[shortcut]\nfrom=-2\nactivation=leaky\n\n[route]\nlayers = 1, -3\n');

  it('indexes count the sections after [net] from 0; negative ones count back from the section itself', () => {
    const a = darknet(text);
    noProblems(a);
    assert.deepEqual(kinds(a, 2), ['add', 'leaky_relu']);
    assert.deepEqual(a.layers[section(a, 2).layers[0]].from, ['1.logistic', '0.logistic']);
    assert.deepEqual(section(a, 3).shape, [8, 16, 16]);
    assert.deepEqual(a.layers[section(a, 3).layers[0]].from, ['1.logistic', '0.logistic']);
  });

  it('each index is a reference to the section it names (go to definition), defined at its header', () => {
    const a = darknet(text);
    assert.deepEqual(a.references.map((r) => [at(text, r.span), r.name, at(text, r.target!)]), [
      ['-2', '0 conv', '[convolutional]'],
      ['1', '1 conv', '[convolutional]'],
      ['-3', '0 conv', '[convolutional]'],
    ]);
    assert.deepEqual(a.definitions.map((d) => d.name), ['0 conv', '1 conv', '2 shortcut', '3 route']);
  });

  it('a route with groups takes part group_id of each input, then concatenates', () => {
    const a = darknet(cfg('[convolutional]\nfilters=4\nsize=1\n\n[convolutional]\nfilters=6\nsize=1\n\n[route]\nlayers=-1,-2\ngroups=2\ngroup_id=1\n'));
    assert.deepEqual(kinds(a, 2), ['slice', 'slice', 'concat']);
    assert.deepEqual(a.layers[section(a, 2).layers[0]].args, { start: 3, end: 6, period: 6 });
    assert.deepEqual(section(a, 2).shape, [5, 16, 16]);
  });
});

describe('darknet: entries, hover spans and outputs', () => {
  it('one entry per section: name as darknet prints it, span from the header to the last option, kind key = header', () => {
    const text = cfg('[convolutional]\nfilters=4\nsize=1\n\n# next\n[maxpool]\nsize=2\nstride=2\n');
    const a = darknet(text);
    assert.deepEqual(a.entries.map((e) => e.name), ['net', '0 conv', '1 max']);
    assert.equal(at(text, section(a, 0).span), '[convolutional]\nfilters=4\nsize=1');
    assert.equal(at(text, section(a, 1).kindKey), '[maxpool]');
    assert.equal(at(text, a.entries[0].span), '[net]\nwidth=16\nheight=16\nchannels=3');
    assert.deepEqual(a.entries.map((e) => e.instances), [1, 1, 1]);
  });

  it('[yolo] and [region] are the outputs: their inputs, with no engine layer of their own', () => {
    const a = darknet(cfg('[convolutional]\nfilters=18\nsize=1\nactivation=linear\n\n[yolo]\nmask=0,1\nnum=2\nclasses=4\n'));
    noProblems(a);
    assert.deepEqual(a.outputs.map((o) => [o.name, o.shape]), [['0.conv', [18, 16, 16]]]);
    assert.deepEqual(section(a, 1).layers, []);
    assert.deepEqual(section(a, 1).shape, [18, 16, 16]);
  });

  it('the image size given replaces [net] width and height', () => {
    const a = check(cfg('[convolutional]\nfilters=1\nsize=1\n'), { format: 'darknet', imageSize: 32 });
    assert.deepEqual(a.input, [3, 32, 32]);
    assert.equal(a.findings[0].code, 'CL014');
  });
});

describe('darknet: CL110 detection-channels and the quick fixes', () => {
  const fixed = (text: string, code: string) => {
    const a = darknet(text);
    const f = a.findings.find((x) => x.code === code)!;
    assert.ok(f, `no ${code} in ${JSON.stringify(a.findings)}`);
    const fixes = quickFixes(text, a, f);
    assert.equal(fixes.filter((x) => x.isPreferred).length, 1);
    const after = applyEdits(text, fixes[0].edits);
    assert.deepEqual(darknet(after).findings.filter((x) => x.code === code), [], after);
    return { a, f, fixes, after };
  };

  it('[yolo]: filters = (classes + 5) · entries in mask, at the filters= line; fixed to that', () => {
    const text = cfg('[convolutional]\nfilters=255\nsize=1\nactivation=linear\n\n[yolo]\nmask=0,1,2\nanchors=1,1, 2,2, 3,3\nclasses=2\nnum=3\n');
    const { a, f, fixes, after } = fixed(text, 'CL110');
    assert.equal(f.severity, 'error');
    assert.equal(at(text, f.span), '255');
    assert.equal(at(text, f.related![0].span), '[yolo]');
    assert.match(f.message, /\(2 \+ 5\)·3 = 21 channels/);
    assert.equal(fixes[0].title, 'Set filters to 21 ((classes + 5)·anchors in mask = (2 + 5)·3)');
    assert.ok(after.includes('filters=21\n'));
    assert.deepEqual(a.outputs.map((o) => o.shape), [[255, 16, 16]]);
  });

  it('[yolo] without mask uses num; [region] wants (classes + coords + 1) · num', () => {
    assert.match(darknet(cfg('[convolutional]\nfilters=3\nsize=1\n\n[yolo]\nnum=2\nclasses=1\n')).findings[0].message, /\(1 \+ 5\)·2 = 12/);
    fixed(cfg('[convolutional]\nfilters=3\nsize=1\n\n[region]\nclasses=3\ncoords=4\nnum=5\n'), 'CL110');
  });

  it('a convolution without filters= (darknet: 1) gets the line added', () => {
    const { after } = fixed(cfg('[convolutional]\nsize=1\nactivation=linear\n\n[yolo]\nmask=0\nnum=1\nclasses=1\n'), 'CL110');
    assert.ok(after.includes('[convolutional]\nfilters=6\nsize=1'));
  });

  it('fixes typos: an unknown section (CL003), key (CL004) and activation (CL011)', () => {
    assert.ok(fixed(cfg('[convolutionl]\nfilters=1\n'), 'CL003').after.includes('[convolutional]'));
    assert.ok(fixed(cfg('[convolutional]\nfilter=1\n'), 'CL004').after.includes('filters=1'));
    assert.ok(fixed(cfg('[convolutional]\nactivation=mis\n'), 'CL011').after.includes('activation=mish'));
  });

  it('every darknet fix provider has a case here; YAML fixes are not offered on darknet files', () => {
    const darknetCodes = [...FIX_PROVIDERS].filter(([, ps]) => ps.some((p) => p.formats === 'any' || p.formats.includes('darknet'))).map(([code]) => code);
    assert.deepEqual(darknetCodes.sort(), ['CL003', 'CL004', 'CL005', 'CL011', 'CL110']);
    // CL106 has a YAML fix (padding: …); a darknet maxpool with too much padding gets none.
    const text = cfg('[maxpool]\nsize=2\nstride=1\npadding=4\n');
    const a = darknet(text);
    const f = a.findings.find((x) => x.code === 'CL106')!;
    assert.equal(at(text, f.span), '4');
    assert.deepEqual(quickFixes(text, a, f), []);
  });
});
