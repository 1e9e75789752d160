// Mutation fuzzing of the example networks (issue 7): the mutators, shared by the fixed-seed
// corpus in `npm test` (test/unit/fuzz.test.ts) and the long run (`npm run fuzz`,
// scripts/fuzz.mjs). Input `index` of a run with seed `seed` is a pure function of
// (examples, seed, index), so any input can be regenerated from its index.
//
// Families (one per input, chosen round-robin so every family is covered; some inputs stack
// several mutations): line and character delete / duplicate / swap / insert, random values
// (0, −1, 1e308, 2**60, NaN, .inf, …), random kinds / arguments / names / `from`, huge repeat
// counts, huge shapes, expressions, recursive and exponential blocks, deep nesting, alias bombs
// (billion laughs), binary garbage, unicode, truncation, and (rarely) a 10 MB file.

import type { ReadOptions } from '../../engine';
export interface Example {
  name: string;
  text: string;
  /** How to read it: the file name picks the format of real model files (Ultralytics, Darknet). */
  options?: ReadOptions;
}

export interface FuzzInput {
  index: number;
  family: string;
  /** The example it was derived from (or '' for generated inputs). */
  source: string;
  text: string;
  /** The example's read options: a mutated YOLO file is still read as a YOLO file. */
  options?: ReadOptions;
}

/** mulberry32: small deterministic PRNG, [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type R = () => number;
const int = (r: R, n: number) => Math.floor(r() * n);
const pick = <T>(r: R, xs: readonly T[]): T => xs[int(r, xs.length)];

export const VALUES = [
  '0', '-1', '1', '2', '-0', '1e308', '-1e308', '1e309', '2**60', '1152921504606846976', '9007199254740993', '18446744073709551616',
  '1e-320', '0.5', '1.5', '-2.5', '.nan', 'NaN', '.inf', '-.inf', 'Infinity', '0x7fffffff', '0o17', '1_000', '~', 'null', 'true', 'false',
  "''", '""', 'abc', '[]', '{}', '[1, 2]', '[[1, 2], [3]]', '[0, 0, 0, 0]', '{a: 1}', '$in', '$2**1000', '$(1/0)', '$max()', '$nope', '$in // 0',
  '$1e308 * 10', '${', '$', '&a 1', '*a', '!!binary AAAA', '!!float 1', '|\n  text', '"\\u0000"', '1000000000', '-1000000000', '100000',
] as const;

const KIND_NAMES = [
  'conv', 'conv_transpose', 'depthwise', 'separable', 'maxpool', 'avgpool', 'adaptive_avgpool', 'adaptive_maxpool', 'global_avgpool',
  'global_maxpool', 'linear', 'flatten', 'batchnorm', 'layernorm', 'groupnorm', 'relu', 'relu6', 'leaky_relu', 'gelu', 'silu', 'sigmoid',
  'tanh', 'hardswish', 'hardsigmoid', 'softmax', 'identity', 'dropout', 'channel_shuffle', 'prelu', 'upsample', 'pad', 'add', 'mul', 'concat',
  'conv2d', 'Conv', 'convv', 'lstm', 'layers', 'input', 'blocks', 'name', 'from', 'repeat', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];
const ARG_NAMES = [
  'out', 'kernel', 'stride', 'padding', 'dilation', 'groups', 'bias', 'output_padding', 'multiplier', 'ceil_mode', 'count_include_pad', 'size',
  'scale', 'like', 'mode', 'align_corners', 'axis', 'eps', 'slope', 'p', 'channels', 'weights', 'kernal', 'strides', '__proto__', 'constructor',
];
const NAME_REFS = ['input', 'conv1', 'fc', 'layer1', 'bn2', 'x', '-1', '-2', '0', '1', '-1000', '999999', 'input.0', 'layer1.0', 'layer1.9', '__proto__', '""', '[]', '[-1, -1]', '[input, input, input]'];

function lines(t: string): string[] {
  return t.split('\n');
}

// ------------------------------------------------------------------------------- text mutators

export const textMutators: Record<string, (t: string, r: R) => string> = {
  lineDelete(t, r) {
    const ls = lines(t);
    ls.splice(int(r, ls.length), 1 + (r() < 0.3 ? int(r, 5) : 0));
    return ls.join('\n');
  },
  lineDuplicate(t, r) {
    const ls = lines(t);
    const i = int(r, ls.length);
    ls.splice(i, 0, ...ls.slice(i, i + 1 + int(r, 3)));
    return ls.join('\n');
  },
  lineSwap(t, r) {
    const ls = lines(t);
    const i = int(r, ls.length);
    const j = r() < 0.5 ? Math.min(ls.length - 1, i + 1) : int(r, ls.length);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return ls.join('\n');
  },
  lineIndent(t, r) {
    const ls = lines(t);
    const i = int(r, ls.length);
    ls[i] = r() < 0.5 ? ' '.repeat(1 + int(r, 4)) + ls[i] : ls[i].replace(/^ {1,4}/, '');
    return ls.join('\n');
  },
  charDelete(t, r) {
    const i = int(r, t.length + 1);
    return t.slice(0, i) + t.slice(i + 1 + (r() < 0.2 ? int(r, 10) : 0));
  },
  charDuplicate(t, r) {
    const i = int(r, t.length);
    return t.slice(0, i + 1) + t.slice(i, i + 1 + int(r, 3)) + t.slice(i + 1);
  },
  charSwap(t, r) {
    if (t.length < 2) return t;
    const i = int(r, t.length - 1);
    const j = r() < 0.6 ? i + 1 : int(r, t.length);
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    if (a === b) return t;
    return t.slice(0, a) + t[b] + t.slice(a + 1, b) + t[a] + t.slice(b + 1);
  },
  charInsert(t, r) {
    const i = int(r, t.length + 1);
    const c = pick(r, [':', '-', '[', ']', '{', '}', ',', ' ', '\n', '\t', '#', '&', '*', '!', '|', '>', "'", '"', '$', '%', '@', '`', '?', '0', '9', '\r', '\u0000', '\\']);
    return t.slice(0, i) + c + t.slice(i);
  },
  truncate(t, r) {
    return t.slice(0, int(r, t.length + 1));
  },
  randomValue(t, r) {
    // Replace a scalar value (number, word after `: `, or list item).
    const re = /(?<=[:\[,] ?)(-?\d+(?:\.\d+)?|[a-z_]+)(?=\s*[,\]}\n])/g;
    const spots = [...t.matchAll(re)];
    if (!spots.length) return t + `\n${pick(r, ['input', 'layers', 'name', 'params'])}: ${pick(r, VALUES)}`;
    const m = pick(r, spots);
    return t.slice(0, m.index!) + pick(r, VALUES) + t.slice(m.index! + m[0].length);
  },
  randomKind(t, r) {
    const spots = [...t.matchAll(/(?<=- )([a-z_0-9]+)(?=:|\s*$|\s*\n)/gm)];
    if (!spots.length) return t;
    const m = pick(r, spots);
    return t.slice(0, m.index!) + pick(r, KIND_NAMES) + t.slice(m.index! + m[0].length);
  },
  randomArg(t, r) {
    const spots = [...t.matchAll(/(?<=[{,] )([a-z_]+)(?=:)/g)];
    if (!spots.length) return t;
    const m = pick(r, spots);
    return t.slice(0, m.index!) + pick(r, ARG_NAMES) + t.slice(m.index! + m[0].length);
  },
  randomName(t, r) {
    const spots = [...t.matchAll(/(?<=name: )(\S+)/g)];
    if (!spots.length) return t;
    const m = pick(r, spots);
    return t.slice(0, m.index!) + pick(r, [...NAME_REFS, ...spots.map((s) => s[0])]) + t.slice(m.index! + m[0].length);
  },
  randomFrom(t, r) {
    const spots = [...t.matchAll(/(?<=from: )(.+)/g)];
    if (!spots.length) {
      const ls = lines(t);
      const entries = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*- \w/.test(l));
      if (!entries.length) return t;
      const [l, i] = pick(r, entries);
      ls.splice(i + 1, 0, `${' '.repeat(l.indexOf('-') + 2)}from: ${pick(r, NAME_REFS)}`);
      return ls.join('\n');
    }
    const m = pick(r, spots);
    return t.slice(0, m.index!) + pick(r, NAME_REFS) + t.slice(m.index! + m[0].length);
  },
  hugeRepeat(t, r) {
    const n = pick(r, ['1000000000', '100000', '100001', '99999', '2**60', '1e308', '-1', '0', '.inf', '.nan', '1.5', '$1e9', '50000']);
    if (/repeat: /.test(t) && r() < 0.5) return t.replace(/repeat: \S+/, `repeat: ${n}`);
    const ls = lines(t);
    const entries = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*- \w/.test(l));
    if (!entries.length) return t;
    const [l, i] = pick(r, entries);
    ls.splice(i + 1, 0, `${' '.repeat(l.indexOf('-') + 2)}repeat: ${n}`);
    return ls.join('\n');
  },
  hugeShape(t, r) {
    const v = pick(r, ['[3, 100000, 100000]', '[1000000000, 2, 2]', '[3, 1e308, 1e308]', '[3, 2**60, 2]', '[1, 4294967296]', '[3, 0, 0]', '[3, -5, 7]', '[3]', '[]', '[3, 1, 1, 1, 1, 1]', '[.nan, 3, 3]', '[3, 65536, 65536, 65536]']);
    return /input: .*/.test(t) ? t.replace(/input: .*/, `input: ${v}`) : `input: ${v}\n${t}`;
  },
  expression(t, r) {
    const e = pick(r, ['$(2**1000)', '$(1/0)', '$(0/0)', '$(-1) ** 0.5', '$in * in * in * in * in * in', '$max(1)', '$min()', '$floor(', '$((((((((((1))))))))))', '${in // 0}', '$in % 0', '$9**9**9**9', '$(' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ')', '$x' + '+x'.repeat(3000), '$nope * 2', '$round(1e308 * 1e308)']);
    const spots = [...t.matchAll(/(?<=(?:out|kernel|stride|padding|channels|size): )(\$?[\w$]+)/g)];
    if (!spots.length) return t;
    const m = pick(r, spots);
    return t.slice(0, m.index!) + (e.includes(',') || e.includes('{') ? JSON.stringify(e) : e) + t.slice(m.index! + m[0].length);
  },
  unicode(t, r) {
    const u = pick(r, ['\ufeff', '\u202e', 'é', 'ß', '漢字', '😀', '\ud83d', '\ude00', '\u0301', '\u2028', '\u2029', '\u00a0', '\u3000', 'Ω', '𝕏', '\uffff', '\u0085']);
    const i = int(r, t.length + 1);
    return t.slice(0, i) + u.repeat(1 + int(r, 3)) + t.slice(i);
  },
  binaryGarbage(t, r) {
    const n = 1 + int(r, r() < 0.1 ? 5000 : 64);
    let g = '';
    for (let k = 0; k < n; k++) g += String.fromCharCode(int(r, r() < 0.5 ? 256 : 65536));
    const i = int(r, t.length + 1);
    return r() < 0.3 ? g : t.slice(0, i) + g + t.slice(i);
  },
};

// ------------------------------------------------------------------------- generated inputs

function deepNesting(r: R): string {
  const d = pick(r, [1000, 10000, 10000, 100000]);
  switch (int(r, 7)) {
    case 0:
      return `input: ${'['.repeat(d)}${']'.repeat(d)}\nlayers:\n  - relu\n`;
    case 1:
      return `input: [3, 8, 8]\nlayers:\n  - conv: ${'{a: '.repeat(d)}1${'}'.repeat(d)}\n`;
    case 2:
      return `input: [3, 8, 8]\nlayers: ${'['.repeat(d)}\n`; // unclosed
    case 3: {
      const depth = Math.min(d, 2000);
      let s = 'input: [3, 8, 8]\nlayers:\n';
      for (let k = 0; k < depth; k++) s += `${'  '.repeat(k + 1)}- \n`;
      return s;
    }
    case 4: {
      const depth = Math.min(d, 2000);
      let s = 'input: [3, 8, 8]\nblocks:\n';
      for (let k = 0; k < depth; k++) s += `${' '.repeat(k + 2)}b${k}:\n`;
      return s + 'layers:\n  - relu\n';
    }
    case 5:
      return `input: [3, 8, 8]\nlayers:\n  - conv: {out: ${'$('.repeat(Math.min(d, 20000))}1${')'.repeat(Math.min(d, 20000))}, kernel: 3}\n`;
    default:
      return `${'- '.repeat(d)}x\n`;
  }
}

function aliasBomb(r: R): string {
  const levels = 9 + int(r, 4);
  let s = 'x0: &x0 [relu, relu, relu, relu, relu, relu, relu, relu, relu, relu]\n';
  for (let k = 1; k < levels; k++) s += `x${k}: &x${k} [${Array(10).fill(`*x${k - 1}`).join(', ')}]\n`;
  const top = `*x${levels - 1}`;
  switch (int(r, 4)) {
    case 0:
      return `${s}input: [3, 8, 8]\nlayers: ${top}\n`;
    case 1:
      return `${s}input: ${top}\nlayers:\n  - relu\n`;
    case 2:
      return `input: [3, 8, 8]\nparams: {${Array.from({ length: 5 }, (_, k) => `p${k}: &p${k} [${k ? Array(10).fill(`*p${k - 1}`).join(', ') : '1'}]`).join(', ')}}\nlayers:\n  - conv: {out: 1, kernel: *p4}\n`;
    default:
      // Mapping merges (<<) of aliases, many levels.
      return `a: &a {out: 1, kernel: 1}\nb: &b {<<: *a, stride: 1}\nc: &c {<<: [*a, *b, *a, *b]}\ninput: [3, 8, 8]\nlayers:\n${'  - conv: *c\n'.repeat(2000)}`;
  }
}

function blocks(r: R): string {
  switch (int(r, 4)) {
    case 0: // self-recursive
      return 'input: [3, 8, 8]\nblocks:\n  a:\n    layers:\n      - a\nlayers:\n  - a\n';
    case 1: // mutually recursive
      return 'input: [3, 8, 8]\nblocks:\n  a:\n    layers:\n      - b\n  b:\n    layers:\n      - a: {}\nlayers:\n  - a\n';
    case 2: {
      // Exponential: each block uses the next twice (2^depth layers).
      const depth = 20 + int(r, 40);
      let s = 'input: [3, 8, 8]\nblocks:\n';
      for (let k = 0; k < depth; k++) s += `  b${k}:\n    layers:\n      - ${k === depth - 1 ? 'relu' : `b${k + 1}`}\n      - ${k === depth - 1 ? 'relu' : `b${k + 1}`}\n`;
      return s + 'layers:\n  - b0\n';
    }
    default: {
      // Repeat inside repeat.
      return `input: [3, 8, 8]\nblocks:\n  r:\n    layers:\n      - relu\n        repeat: ${pick(r, ['100000', '1000', '1000000000'])}\nlayers:\n  - r\n    repeat: ${pick(r, ['100000', '1000', '2**53'])}\n`;
    }
  }
}

/** A ~10 MB network: thousands of copies of an example's layer list, or one giant line/comment. */
export function bigFile(examples: readonly Example[], r: R): string {
  const target = 10 * 1024 * 1024;
  switch (int(r, 3)) {
    case 0: {
      const layers = '  - conv: {out: 8, kernel: 3, padding: 1}\n  - relu\n';
      return 'input: [3, 32, 32]\nlayers:\n' + layers.repeat(Math.ceil(target / layers.length));
    }
    case 1:
      return `# ${'x'.repeat(target)}\ninput: [3, 8, 8]\nlayers:\n  - relu\n`;
    default: {
      const ex = pick(r, examples).text;
      return `name: ${'n'.repeat(target)}\n${ex}`;
    }
  }
}

export const TEXT_FAMILIES = Object.keys(textMutators);
const LIGHT = [...TEXT_FAMILIES, 'stacked'];
const HEAVY = ['deepNesting', 'aliasBomb', 'blocks'];
export const FAMILIES = [...LIGHT, ...HEAVY, 'bigFile'];

/**
 * Input `index` of a run. Families go round-robin; a 10 MB file is input 777 of every 1,500
 * (two in a 3,000-input corpus).
 */
export function generate(examples: readonly Example[], seed: number, index: number): FuzzInput {
  const r = rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const ex = examples[index % examples.length];
  if (index % 1500 === 777) return { index, family: 'bigFile', source: '', text: bigFile(examples, r) };
  // The generated monsters (up to 100,000 levels, 10^12-node alias bombs, 2^60-layer blocks) take
  // 0.1–1 s each: one input in 100, round-robin.
  const family = index % 100 === 50 ? HEAVY[Math.floor(index / 100) % HEAVY.length] : LIGHT[Math.floor(index / examples.length) % LIGHT.length];
  switch (family) {
    case 'deepNesting':
      return { index, family, source: '', text: deepNesting(r) };
    case 'aliasBomb':
      return { index, family, source: '', text: aliasBomb(r) };
    case 'blocks':
      return { index, family, source: '', text: blocks(r) };
    case 'stacked': {
      let t = ex.text;
      const n = 2 + int(r, 6);
      for (let k = 0; k < n; k++) t = textMutators[pick(r, TEXT_FAMILIES)](t, r);
      return { index, family, source: ex.name, text: t, options: ex.options };
    }
  }
  return { index, family, source: ex.name, text: textMutators[family](ex.text, r), options: ex.options };
}
