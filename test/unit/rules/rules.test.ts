// One minimal failing and one minimal passing network per lint rule; expected figures come from
// hand arithmetic written next to each case (FORMAT.md's formulas).
import { strict as assert } from 'node:assert';
import { allCodes, check, RULES } from '../../../engine';
import type { Analysis, Finding } from '../../../engine';

const net = (input: string, ...layers: string[]) => `input: ${input}\nlayers:\n${layers.map((l) => `  - ${l}\n`).join('')}`;
const of = (a: Analysis, code: string): Finding[] => a.findings.filter((f) => f.code === code);

interface Case {
  code: string;
  fail: string;
  pass: string;
  /** Pieces the failing message must contain (hand arithmetic). */
  says?: Array<string | RegExp>;
}

const CASES: Case[] = [
  {
    code: 'CL201',
    // (8 + 0 − 3)/2 + 1 = 3.5 → 3 windows read 0..6: column 7 of 8 is lost.
    fail: net('[1, 8, 8]', 'conv: {out: 1, kernel: 3, stride: 2}'),
    // (9 + 0 − 3)/2 + 1 = 4 exactly: windows tile.
    pass: net('[1, 9, 9]', 'conv: {out: 1, kernel: 3, stride: 2}'),
    says: ['(W + P − K)/S + 1 = (8 + 0 − 3)/2 + 1 = 3.5 → 3', 'the last row and the last column of 8 never reach the output'],
  },
  {
    code: 'CL201',
    // 1-D, stride 2 > kernel 1 on 9: reads 0, 2, 4, 6, 8; 1, 3, 5, 7 skipped (4 positions).
    fail: net('[1, 9]', 'conv: {out: 1, kernel: 1, stride: 2}'),
    // the same 1×1/2 conv beside a 3×3/2 path that reads the odd positions (ResNet's shortcut).
    pass: `input: [1, 9]\nlayers:\n  - conv: {out: 1, kernel: 3, stride: 2, padding: 1}\n    name: main\n  - conv: {out: 1, kernel: 1, stride: 2}\n    from: input\n    name: shortcut\n  - add:\n    from: [main, shortcut]\n`,
    says: ['stride 2 > kernel 1: 4 positions of 9 skipped between windows (1, 3, 5, 7)'],
  },
  {
    code: 'CL202',
    // kernel 4 'same' at stride 1: total padding 3 = 1 before + 2 after.
    fail: net('[1, 8, 8]', 'conv: {out: 1, kernel: 4, padding: same}'),
    pass: net('[1, 8, 8]', 'conv: {out: 1, kernel: 3, padding: same}'),
    says: ['total padding K − 1 = 3 split 1 before and 2 after'],
  },
  {
    code: 'CL203',
    // padding 3 with K = 3 on 8: 8 + 6 − 3 + 1 = 12 outputs; output 0 reads −3..−1 and output 11 reads 8..10.
    fail: net('[1, 8]', 'conv: {out: 1, kernel: 3, padding: 3}'),
    pass: net('[1, 8]', 'conv: {out: 1, kernel: 3, padding: 2}'),
    says: ['padding 3 ≥ K = 3, so 2 of 12 outputs see only padding'],
  },
  {
    code: 'CL204',
    // W 5, k 2, s 2, p 1, ceil: ⌈(5 + 2 − 2)/2⌉ + 1 = 4, window 3 starts at 3·2 − 1 = 5 = W: dropped → 3.
    fail: net('[1, 5]', 'maxpool: {kernel: 2, stride: 2, padding: 1, ceil_mode: true}'),
    // W 6: ⌈(6 + 2 − 2)/2⌉ + 1 = 4, window 3 starts at 5 < 6 + 1: kept.
    pass: net('[1, 6]', 'maxpool: {kernel: 2, stride: 2, padding: 1, ceil_mode: true}'),
    says: ['⌈(5 + 2 − 2)/2 + 1 = 3.5⌉ = 4', 'PyTorch drops it: 3'],
  },
  {
    code: 'CL205',
    // (7 − 2)/2 + 1 = 3.5: floor 3, ceil 4.
    fail: net('[1, 7]', 'maxpool: {kernel: 2}'),
    pass: net('[1, 8]', 'maxpool: {kernel: 2}'),
    says: ['(7 + 0 − 2)/2 + 1 = 3.5 → floor 3, ceil 4'],
  },
  {
    code: 'CL206',
    // stride 2, kernel 1 on 8: out (8 − 1)·2 + 1 = 15; odd outputs (7 of them) get no tap.
    fail: net('[1, 8]', 'conv_transpose: {out: 1, kernel: 1, stride: 2}'),
    pass: net('[1, 8]', 'conv_transpose: {out: 1, kernel: 2, stride: 2}'),
    says: ['7 of 15 outputs'],
  },
  {
    code: 'CL301',
    // three 3×3 convs at dilation 2: field 1 + 3·2·2 = 13 wide with the odd offsets 1, 3, …, 11 dead.
    fail: net('[1, 32]', 'conv: {out: 1, kernel: 3, dilation: 2}', 'conv: {out: 1, kernel: 3, dilation: 2}', 'conv: {out: 1, kernel: 3, dilation: 2}'),
    // hybrid rates 1, 2, 3: field 1 + 2·(1 + 2 + 3) = 13 with no holes.
    pass: net('[1, 32]', 'conv: {out: 1, kernel: 3, dilation: 1}', 'conv: {out: 1, kernel: 3, dilation: 2}', 'conv: {out: 1, kernel: 3, dilation: 3}'),
    says: ['offsets 1, 3, 5, 7, 9, 11 of its 13-wide field', 'co-prime'],
  },
  {
    code: 'CL302',
    // Both paths turn 16 into 8, but a 1×1/2 conv steps 2 input pixels per output (field [2o, 2o])
    // while a 9-tap stride-1 conv steps 1 (field [o, o + 8]): output o mixes different places.
    fail: `input: [1, 16]\nlayers:\n  - conv: {out: 1, kernel: 1, stride: 2}\n    name: a\n  - conv: {out: 1, kernel: 9}\n    from: input\n    name: b\n  - add:\n    from: [a, b]\n`,
    // ResNet's pair: 1×1/2 and 3×3/2 p1 both step 2 and are centred on 2o.
    pass: `input: [1, 16]\nlayers:\n  - conv: {out: 1, kernel: 1, stride: 2}\n    name: a\n  - conv: {out: 1, kernel: 3, stride: 2, padding: 1}\n    from: input\n    name: b\n  - add:\n    from: [a, b]\n`,
    says: ['a steps 2 input pixels per position but b steps 1'],
  },
  {
    code: 'CL303',
    // one 3×3 conv on 8×8 then flatten: field 3 < 8.
    fail: net('[1, 8, 8]', 'conv: {out: 1, kernel: 3, padding: 1}', 'flatten', 'linear: {out: 2}'),
    // 3×3 conv on 3×3: output 0's field [0, 2] covers the input.
    pass: net('[1, 3, 3]', 'conv: {out: 1, kernel: 3, padding: 1}', 'flatten', 'linear: {out: 2}'),
    says: ['receptive field of 3×3 on a 8×8 input'],
  },
  {
    code: 'CL401',
    // linear on [4, 8, 8] acts on the last axis: 8 → 3, rows 4·8 = 32; flatten would give 256.
    fail: net('[4, 8, 8]', 'linear: {out: 3}'),
    pass: net('[4, 8, 8]', 'flatten', 'linear: {out: 3}'),
    says: ['applied to 32 rows', 'giving [4, 8, 3]', '256 features'],
  },
  {
    code: 'CL401',
    // A transpose put the channels last on purpose (ConvNeXt's MLP): the linear after a layer norm is meant.
    fail: net('[4, 8, 8]', 'layernorm', 'linear: {out: 3}'),
    pass: net('[4, 8, 8]', 'transpose: {perm: [1, 2, 0]}', 'layernorm: {axis: -1}', 'linear: {out: 16}', 'gelu', 'linear: {out: 4}'),
    says: ['applied to 32 rows'],
  },
];

describe('rules: one failing and one passing network per rule', () => {
  for (const c of CASES) {
    it(`${c.code} fires on the failing network`, () => {
      const hits = of(check(c.fail), c.code);
      assert.equal(hits.length, 1, `expected one ${c.code}, got ${JSON.stringify(check(c.fail).findings.map((f) => [f.code, f.message]), null, 1)}`);
      for (const s of c.says ?? []) {
        if (typeof s === 'string') assert.ok(hits[0].message.includes(s), `message «${hits[0].message}» should contain «${s}»`);
        else assert.match(hits[0].message, s);
      }
    });
    it(`${c.code} stays quiet on the passing network`, () => {
      const a = check(c.pass);
      assert.deepEqual(of(a, c.code).map((f) => f.message), []);
      assert.deepEqual(a.findings.filter((f) => f.severity === 'error').map((f) => f.message), []);
    });
  }

  it('CL304 (off by default) reports when enabled: every output already sees the whole input', () => {
    // 4 → 3×3 p1 → field 3 covers [−1, 1]…; after two more 3×3 p1 the field is 7 ≥ 4 + 2 at every output.
    const text = net('[1, 4]', 'conv: {out: 1, kernel: 3, padding: 1}', 'conv: {out: 1, kernel: 3, padding: 1}', 'conv: {out: 1, kernel: 3, padding: 1}', 'conv: {out: 1, kernel: 3, padding: 1}', 'conv: {out: 1, kernel: 3, padding: 1}');
    assert.deepEqual(of(check(text), 'CL304'), []);
    const hits = of(check(text, { rules: { 'unproductive-layers': 'info' } }), 'CL304');
    assert.equal(hits.length, 1);
    // field after n layers: 2n + 1; output 0 sees [−n, n] and output 3 sees [3 − n, 3 + n]: both ⊇ [0, 3] from n = 3.
    assert.match(hits[0].message, /^From conv2 on/);
    assert.match(hits[0].message, /the 2 later conv\/pool layer\(s\)/);
  });

  it('every rule code has a case here', () => {
    const tested = new Set([...CASES.map((c) => c.code), 'CL304']);
    assert.deepEqual(RULES.map((r) => r.code).filter((c) => !tested.has(c)), []);
  });
});

describe('rules: severities come from the registry and settings', () => {
  const text = net('[1, 8, 8]', 'conv: {out: 1, kernel: 3, stride: 2}');

  it('the default severity is the registry one', () => {
    const rule = allCodes().find((c) => c.code === 'CL201')!;
    assert.equal(rule.id, 'coverage');
    assert.equal(of(check(text), 'CL201')[0].severity, rule.severity);
  });

  it("'off' by id or by code removes the finding; another severity replaces it", () => {
    assert.deepEqual(of(check(text, { rules: { coverage: 'off' } }), 'CL201'), []);
    assert.deepEqual(of(check(text, { rules: { CL201: 'off' } }), 'CL201'), []);
    assert.equal(of(check(text, { rules: { coverage: 'error' } }), 'CL201')[0].severity, 'error');
  });

  it('engine codes honour settings too', () => {
    const bad = net('[1, 2, 2]', 'conv: {out: 1, kernel: 3}');
    assert.equal(of(check(bad), 'CL101')[0].severity, 'error');
    assert.equal(of(check(bad, { rules: { 'output-size': 'warning' } }), 'CL101')[0].severity, 'warning');
    assert.deepEqual(of(check(bad, { rules: { 'output-size': 'off' } }), 'CL101'), []);
  });

  it('codes and ids are unique', () => {
    const codes = allCodes();
    assert.equal(new Set(codes.map((c) => c.code)).size, codes.length);
    assert.equal(new Set(codes.map((c) => c.id)).size, codes.length);
  });
});

describe('rules: related locations', () => {
  it('add with different shapes names both producers and their shapes (CL103)', () => {
    // 8 → conv k3 → 6; 8 → conv k1 → 8: [1, 6, 6] vs [1, 8, 8].
    const text = `input: [1, 8, 8]\nlayers:\n  - conv: {out: 1, kernel: 3}\n    name: a\n  - conv: {out: 1, kernel: 1}\n    from: input\n    name: b\n  - add:\n    from: [a, b]\n`;
    const f = of(check(text), 'CL103')[0];
    assert.ok(f, 'CL103 expected');
    const msgs = (f.related ?? []).map((r) => r.message);
    assert.ok(msgs.includes('a: [1, 6, 6]') && msgs.includes('b: [1, 8, 8]'), JSON.stringify(msgs));
    for (const r of f.related!) assert.ok(text.slice(r.span.start, r.span.end).includes('conv'));
  });

  it('concat says which axis differs and by how much (CL104)', () => {
    const text = `input: [1, 8, 8]\nlayers:\n  - conv: {out: 2, kernel: 3}\n    name: a\n  - conv: {out: 2, kernel: 1}\n    from: input\n    name: b\n  - concat:\n    from: [a, b]\n`;
    const f = of(check(text), 'CL104')[0];
    assert.match(f.message, /height \(axis 1\).*6 vs 8 \(by 2\)/);
  });

  it('a rule finding inside a block points into the block and relates the use', () => {
    const text = `input: [1, 8, 8]\nblocks:\n  down:\n    layers:\n      - conv: {out: 1, kernel: 3, stride: 2}\nlayers:\n  - down\n`;
    const f = of(check(text), 'CL201')[0];
    assert.equal(text.slice(f.span.start, f.span.end), 'conv');
    assert.ok(f.related?.some((r) => text.slice(r.span.start, r.span.end) === 'down'));
  });
});
