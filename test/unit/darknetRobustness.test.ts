// Broken darknet files: every problem is one located finding naming what is wrong, the reader
// never throws, and every figure that depends on a problem is withheld (never a wrong number),
// while the rest of the network is still analysed. Ends with seeded mutation fuzzing of the
// examples (the mutators of test/fuzz/corpus.ts plus darknet-specific ones).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, MAX_LAYERS, type Analysis, type Finding } from '../../engine';
import { rng, textMutators } from '../fuzz/corpus';
import { fuzzOne } from '../fuzz/run';
import { repoRoot } from '../oracle';

const NET = '[net]\nwidth=16\nheight=16\nchannels=3\n\n';
const at = (text: string, f: Finding) => text.slice(f.span.start, f.span.end);

/** Analyses as darknet; every finding must lie inside the text with a code and a message. */
function darknet(text: string): Analysis {
  const a = check(text, { format: 'darknet' });
  for (const f of a.findings) {
    assert.ok(f.code && f.message, JSON.stringify(f));
    assert.ok(f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= text.length, `${f.code} ${JSON.stringify(f.span)} outside ${text.length}`);
  }
  return a;
}

/** The findings of a file as [code, located text] pairs. */
function located(text: string): Array<[string, string]> {
  return darknet(text).findings.filter((f) => f.severity === 'error').map((f) => [f.code, at(text, f)]);
}

const shapes = (a: Analysis) => a.entries.slice(1).map((e) => (e.shape ? e.shape.join('×') : '-'));

describe('darknet robustness: sections and keys', () => {
  it('an unknown section is CL003 at its name (did-you-mean); what reads it is withheld, a route around it is not', () => {
    const text = `${NET}[convolutional]\nfilters=4\nsize=1\n\n[convolution]\nfilters=2\n\n[maxpool]\nsize=2\nstride=2\n\n[route]\nlayers=0\n`;
    const a = darknet(text);
    assert.deepEqual(located(text), [['CL003', 'convolution']]);
    assert.match(a.findings[0].message, /did you mean \[convolutional\]/);
    assert.deepEqual(shapes(a), ['4×16×16', '-', '4×16×16']);
    assert.equal(a.native, undefined, 'partial totals are withheld');
  });

  it('a darknet section ConvLens does not read is CL003 saying so', () => {
    const text = `${NET}[lstm]\noutput=4\n`;
    const a = darknet(text);
    assert.deepEqual(located(text), [['CL003', '[lstm]']]);
    assert.match(a.findings[0].message, /does not read darknet's \[lstm\]/);
  });

  it('an unknown key is CL004 at the key; a layer with one is withheld ([net] and [yolo] are not: no figure depends on it)', () => {
    const text = `${NET}mosaic_kind=1\n[convolutional]\nfilter=4\nsize=1\n\n[route]\nlayers=-1\n`;
    const a = darknet(text);
    assert.deepEqual(located(text), [['CL004', 'mosaic_kind'], ['CL004', 'filter']]);
    assert.deepEqual(a.input, [3, 16, 16]);
    assert.deepEqual(shapes(a), ['-', '-']);
    const yolo = darknet(`${NET}[convolutional]\nfilters=6\nsize=1\n\n[yolo]\nmask=0\nnum=1\nclasses=1\nrandum=1\n`);
    assert.deepEqual(yolo.outputs.map((o) => o.shape), [[6, 16, 16]]);
  });

  it('a key darknet reads but ConvLens does not model is CL004 unless it has darknet\'s default value', () => {
    const text = `${NET}[convolutional]\nfilters=4\nsize=3\ndilation=2\n\n[convolutional]\nfilters=4\nsize=3\ndilation=1\nantialiasing=0\n\n[upsample]\nscale=2\n\n[upsample]\nstride=-2\n`;
    const a = darknet(text);
    assert.deepEqual(located(text), [['CL004', 'dilation'], ['CL004', 'scale'], ['CL004', '-2']]);
    assert.deepEqual(shapes(a).slice(0, 2), ['-', '-']); // (the second reads the first)
    assert.deepEqual(shapes(darknet(`${NET}[convolutional]\nfilters=4\nsize=3\ndilation=1\n`)), ['4×14×14']);
  });

  it('training-only keys of every kind are accepted silently', () => {
    const a = darknet(`[net]\nwidth=32\nheight=32\nchannels=3\nbatch=64\nsubdivisions=8\nmomentum=0.949\ndecay=0.0005\nangle=0\nsaturation=1.5\nexposure=1.5\nhue=.1\nlearning_rate=0.0013\nburn_in=1000\nmax_batches=500500\npolicy=steps\nsteps=400000,450000\nscales=.1,.1\nmosaic=1\n\n[convolutional]\nfilters=18\nsize=1\nstopbackward=1\n\n[yolo]\nmask=0,1,2\nanchors=1,1,2,2,3,3\nclasses=1\nnum=3\njitter=.3\nignore_thresh=.7\ntruth_thresh=1\nrandom=1\nscale_x_y=1.05\niou_loss=ciou\nnms_kind=greedynms\nbeta_nms=0.6\nmax_delta=5\n`);
    assert.deepEqual(a.findings, []);
  });
});

describe('darknet robustness: values', () => {
  it('values that are not what darknet reads are CL011 at the value', () => {
    const text = `${NET}[convolutional]\nfilters=abc\nsize=1\n\n[convolutional]\nfilters=2\nsize=0\n\n[convolutional]\nfilters=3.5\nsize=1\n\n[maxpool]\nstride=-1\n\n[dropout]\nprobability=half\n`;
    const a = darknet(text);
    assert.deepEqual(located(text), [['CL011', 'abc'], ['CL011', '0'], ['CL011', '3.5'], ['CL011', '-1'], ['CL011', 'half']]);
    assert.match(a.findings[0].message, /atoi as 0/);
    assert.match(a.findings[2].message, /atoi as 3/);
    assert.ok(a.entries.slice(1).every((e) => !e.shape));
  });

  it('[net] without width, height or channels is CL002 at [net]; nothing is computed', () => {
    const text = '[net]\nheight=16\nchannels=3\n\n[convolutional]\nfilters=4\n';
    const a = darknet(text);
    assert.deepEqual(located(text), [['CL002', '[net]']]);
    assert.match(a.findings[0].message, /width=/);
    assert.deepEqual([a.input, a.layers.length, a.native], [undefined, 0, undefined]);
    assert.deepEqual(located('[net]\nwidth=99999999999\nheight=8\nchannels=3\n'), [['CL011', '99999999999']]);
  });

  it('a file that does not start with [net], options outside a section, lines without `=` or value: CL002, located', () => {
    assert.deepEqual(located('[convolutional]\nfilters=4\n'), [['CL002', '[convolutional]']]);
    assert.deepEqual(located('width=16\n[net]\nwidth=16\nheight=16\nchannels=3\n'), [['CL002', 'width=16']]);
    assert.deepEqual(located(`${NET}[convolutional]\nfilters 4\nsize=\n`), [['CL002', 'filters 4'], ['CL002', 'size=']]);
    assert.deepEqual(located(''), [['CL002', '']]);
    assert.deepEqual(located('# only a comment\n'), [['CL002', '#']]);
    assert.deepEqual(located(`${NET}[net]\nwidth=8\n`), [['CL002', '[net]']]);
    assert.deepEqual(located(`\uFEFF${NET}`), [['CL002', '\uFEFF']]);
  });
});

describe('darknet robustness: references and shapes', () => {
  it('a route or shortcut to a layer that does not exist (yet) is CL005 at the index', () => {
    const text = `${NET}[convolutional]\nfilters=4\nsize=1\n\n[route]\nlayers=1\n\n[route]\nlayers=-5, 0\n\n[shortcut]\nfrom=7\n\n[route]\n`;
    assert.deepEqual(located(text), [['CL005', '1'], ['CL005', '-5'], ['CL005', '7'], ['CL002', '[route]']]);
  });

  it('a route to a [yolo] layer is CL005: its output is not modelled as an input', () => {
    const text = `${NET}[convolutional]\nfilters=6\nsize=1\n\n[yolo]\nmask=0\nnum=1\nclasses=1\n\n[route]\nlayers=-1\n`;
    assert.deepEqual(located(text), [['CL005', '-1']]);
  });

  it('route groups that do not fit, shortcut maps of different sizes, a mask entry beyond num: located errors', () => {
    const text = `${NET}[convolutional]\nfilters=3\nsize=1\n\n[convolutional]\nfilters=5\nsize=1\nstride=2\n\n[shortcut]\nfrom=0\n\n[route]\nlayers=0\ngroups=2\n\n[route]\nlayers=0\ngroups=2\ngroup_id=2\n\n[yolo]\nmask=0,4\nnum=2\n`;
    const a = darknet(text);
    assert.deepEqual(located(text), [['CL103', '0'], ['CL102', '2'], ['CL011', '2'], ['CL011', '0,4']]);
    assert.match(a.findings.find((f) => f.code === 'CL103')!.message, /3×16×16.*5×8×8|5×8×8.*3×16×16/);
  });

  it("YOLOR's implicit layers: [implicit_add] + [shift_channels] read (a hint that darknet's BFLOPs do not apply, none shown); [alternate_channels] a located error", () => {
    const text = `${NET}[convolutional]\nfilters=4\nsize=1\n\n[implicit_add]\nfilters=4\n\n[route]\nlayers=-2\n\n[shift_channels]\nfrom=-2\n`;
    const a = darknet(text);
    assert.deepEqual(a.findings.map((f) => [f.code, f.severity, at(text, f)]), [['CL014', 'hint', '[implicit_add]']]);
    assert.equal(a.native, undefined);
    assert.deepEqual(a.entries.map((e) => e.shape), [[3, 16, 16], [4, 16, 16], [4, 1, 1], [4, 16, 16], [4, 16, 16]]);
    const bad = `${NET}[convolutional]\nfilters=4\nsize=1\n\n[implicit_cat]\nfilters=4\n\n[alternate_channels]\nfrom=-1\n`;
    const b = darknet(bad);
    assert.deepEqual(b.findings.filter((f) => f.severity === 'error').map((f) => at(bad, f)), ['[implicit_cat]', '[alternate_channels]']);
    assert.match(b.findings[0].message, /YOLOR.*ImplicitC.*withheld/);
  });

  it('a shift_channels constant of other channels than the map is a located CL103', () => {
    const text = `${NET}[convolutional]\nfilters=4\nsize=1\n\n[implicit_add]\nfilters=3\n\n[route]\nlayers=-2\n\n[shift_channels]\nfrom=-2\n`;
    assert.ok(darknet(text).findings.some((f) => f.code === 'CL103'));
  });

  it('a shortcut across channel counts is what AlexeyAB computes: the previous shape, the overlap added (no finding)', () => {
    const text = `${NET}[convolutional]\nfilters=3\nsize=1\n\n[convolutional]\nfilters=5\nsize=1\n\n[shortcut]\nfrom=0\n`;
    const a = darknet(text);
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(a.entries[a.entries.length - 1].shape, [5, 16, 16]);
  });

  it('shapes that do not fit are the engine\'s own located errors (here a 5×5 kernel on 4×4)', () => {
    const text = '[net]\nwidth=4\nheight=4\nchannels=1\n\n[convolutional]\nfilters=1\nsize=5\n';
    assert.deepEqual(located(text), [['CL101', '5']]);
  });
});

describe('darknet robustness: size, garbage and fuzzing', () => {
  it('a 10 MB file is one CL010 on its first line', () => {
    const big = `${NET}${'[convolutional]\nfilters=4\nsize=1\n\n'.repeat(350_000)}`;
    assert.ok(big.length > 10_000_000);
    const a = darknet(big);
    assert.deepEqual(a.findings.map((f) => [f.code, at(big, f)]), [['CL010', '[net]']]);
  });

  it(`more than ${MAX_LAYERS.toLocaleString('en-US')} engine layers stop the analysis with CL010 at the section that crosses the bound`, () => {
    const text = `${NET}${'[convolutional]\nfilters=1\nsize=1\nbatch_normalize=1\nactivation=leaky\n\n'.repeat(4000)}`;
    const a = darknet(text);
    const f = a.findings.find((x) => x.code === 'CL010')!;
    assert.equal(at(text, f), '[convolutional]');
    assert.equal(a.layers.length, MAX_LAYERS);
    assert.equal(a.native, undefined);
  });

  it('binary garbage gives located findings, no exception', () => {
    const r = rng(3);
    for (let k = 0; k < 10; k++) {
      const bytes = Array.from({ length: 2000 }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
      darknet(bytes);
      darknet(`${NET}${bytes}`);
      darknet(`${NET}[convolutional]\n${bytes}`);
    }
  });

  describe('seeded mutations of the examples', () => {
    const dir = join(repoRoot, 'examples', 'darknet');
    const examples = readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
    const KEYS = ['filters', 'size', 'stride', 'pad', 'padding', 'groups', 'layers', 'from', 'mask', 'num', 'classes', 'activation', 'batch_normalize', 'group_id', 'width', 'height', 'channels', 'dilation', 'output', 'coords', 'filter', 'toString', '__proto__'];
    const VALUES = ['0', '-1', '1', '2', '-100', '2147483648', '1e9', '3.5', 'abc', '', ',', '1,,2', '-1,-1,-1', 'leaky', 'mish', 'linear', 'nope', '#', '0x10', '99999999999999999999'];
    const SECTIONS = ['[net]', '[convolutional]', '[maxpool]', '[route]', '[shortcut]', '[upsample]', '[yolo]', '[region]', '[reorg]', '[connected]', '[avgpool]', '[softmax]', '[dropout]', '[cost]', '[lstm]', '[conv', '[]', '[toString]'];
    const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const darknetMutators: Record<string, (t: string, r: () => number) => string> = {
      value: (t, r) => t.replace(new RegExp(`^(${pick(r, KEYS)})\\s*=.*$`, 'm'), `$1=${pick(r, VALUES)}`),
      key: (t, r) => t.replace(new RegExp(`^${pick(r, KEYS)}(?=\\s*=)`, 'm'), pick(r, KEYS)),
      section: (t, r) => {
        const heads = [...t.matchAll(/^\[[^\]\n]*\]/gm)];
        const m = heads.length ? pick(r, heads) : undefined;
        return m ? t.slice(0, m.index!) + pick(r, SECTIONS) + t.slice(m.index! + m[0].length) : t;
      },
      insert: (t, r) => {
        const lines = t.split('\n');
        lines.splice(Math.floor(r() * lines.length), 0, pick(r, [...SECTIONS, ...KEYS.map((k) => `${k}=${pick(r, VALUES)}`)]));
        return lines.join('\n');
      },
    };
    const mutators = { ...textMutators, ...darknetMutators };
    const names = Object.keys(mutators);

    it('600 inputs: no exception, every finding located, every quick fix inside the text and re-analysable', function () {
      this.timeout(120_000);
      const r = rng(12);
      const failures: string[] = [];
      const codes = new Set<string>();
      for (let i = 0; i < 600; i++) {
        let text = examples[i % examples.length];
        for (let k = 1 + Math.floor(r() * 3); k > 0; k--) text = mutators[names[Math.floor(r() * names.length)]](text, r);
        const o = fuzzOne(text, { read: { format: 'darknet' } });
        o.codes.forEach((c) => codes.add(c));
        if (o.exception) failures.push(`#${i}: ${o.exception.split('\n')[0]}`);
        failures.push(...o.problems.map((p) => `#${i}: ${p.split('\n')[0]}`));
      }
      assert.deepEqual(failures.slice(0, 10), []);
      for (const c of ['CL002', 'CL003', 'CL004', 'CL005', 'CL011', 'CL110']) assert.ok(codes.has(c), `no input produced ${c}`);
    });
  });
});
