// Tests for the WebAssembly SIMD kernels (kernels/wasm) and their TypeScript fallback:
//  1. the committed artifact: its bytes match the SHA-256 recorded at build time, the recorded
//     source hash matches kernels/wasm/c (so the C was not edited without rebuilding), and — when
//     clang is installed — rebuilding gives a byte-identical file (skipped otherwise);
//  2. the wasm and TypeScript backends against a naive float64 reference and each other (conv in
//     every rank, groups, depthwise, conv_transpose, linear, gemm on strided views);
//  3. the oracle cases on both backends (worst relative error printed);
//  4. the fallback: with WebAssembly missing (node --jitless) or without SIMD, the TS path runs;
//  5. the parameter initialisation draws the same stream in wasm and JS.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadOracle, repoRoot } from '../oracle';
import * as K from '../../kernels';
import type { Tensor } from '../../kernels';
import { naiveConv, randomTensor } from './helpers/reference';
import { heap, reserve, wasmKernels } from '../../kernels/wasm/backend';
import { KERNELS_SOURCE_SHA256, KERNELS_WASM_BASE64, KERNELS_WASM_SHA256 } from '../../kernels/wasm/kernelsWasm.generated';

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const wasmDir = join(repoRoot, 'kernels', 'wasm');


/** Runs f with the given backend, restoring 'auto' afterwards. */
function withBackend<T>(b: 'wasm' | 'js', f: () => T): T {
  K.setKernelBackend(b);
  try {
    return f();
  } finally {
    K.setKernelBackend('auto');
  }
}

const worst: Record<string, number> = {};
function expectClose(got: Tensor, want: Tensor, label: string, tol = 1e-5): void {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  let w = 0;
  for (let i = 0; i < want.data.length; i++) {
    const rel = Math.abs(got.data[i] - want.data[i]) / Math.max(1, Math.abs(want.data[i]));
    if (!(rel <= tol)) assert.fail(`${label}: element ${i}: got ${got.data[i]}, want ${want.data[i]} (rel err ${rel.toExponential(2)})`);
    if (rel > w) w = rel;
  }
  const key = label.split(':')[0];
  worst[key] = Math.max(worst[key] ?? 0, w);
}


describe('kernels (wasm): the committed artifact', () => {
  const generated = readFileSync(join(wasmDir, 'kernelsWasm.generated.ts'), 'utf8');

  it('the embedded wasm matches the SHA-256 recorded when it was built', () => {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    assert.equal(sha256(bytes), KERNELS_WASM_SHA256);
    assert.ok(generated.includes(`// wasm sha256: ${KERNELS_WASM_SHA256}`));
    assert.ok(generated.includes(`// wasm bytes: ${bytes.length}`));
    assert.ok(WebAssembly.validate(bytes), 'the artifact is valid WebAssembly (SIMD) for this Node');
  });

  it('was built from the current kernels/wasm/c sources (else run: node scripts/build-wasm.mjs)', () => {
    // The recipe of scripts/build-wasm.mjs: every .c and .h by name, name and content hashed.
    const dir = join(wasmDir, 'c');
    const h = createHash('sha256');
    for (const name of readdirSync(dir).filter((f) => /\.[ch]$/.test(f)).sort()) h.update(`${name}\0`).update(readFileSync(join(dir, name))).update('\0');
    assert.equal(h.digest('hex'), KERNELS_SOURCE_SHA256, 'kernels/wasm/c changed since kernelsWasm.generated.ts was built: run node scripts/build-wasm.mjs');
    assert.ok(generated.includes(`// sources sha256: ${KERNELS_SOURCE_SHA256}`));
  });

  it('rebuilding with the recorded clang gives a byte-identical artifact (skipped without it)', function () {
    this.timeout(60000);
    const probe = spawnSync(process.env.CLANG ?? 'clang', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      console.log('      (skipped: clang is not installed — apt-get install -y clang lld to check the rebuild)');
      this.skip();
    }
    const version = probe.stdout.split('\n')[0].trim();
    if (!generated.includes(`// compiler: ${version}\n`)) {
      // Another clang version emits other (equally valid) code: not comparable byte for byte.
      console.log(`      (skipped: ${version} is installed, the artifact records ${/\/\/ compiler: (.*)/.exec(generated)?.[1]})`);
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'convlens-wasm-test-'));
    try {
      const r = spawnSync('node', [join(repoRoot, 'scripts', 'build-wasm.mjs'), '--out', dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const rebuilt = readFileSync(join(dir, 'kernelsWasm.generated.ts'), 'utf8');
      assert.equal(rebuilt, generated, 'the rebuilt artifact differs from the committed one');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kernels (wasm): backend selection and fallback', () => {
  it('uses wasm in Node by default, and the TypeScript kernels when asked', () => {
    assert.equal(K.kernelBackend(), 'wasm', `wasm unavailable: ${K.wasmUnavailableReason()}`);
    withBackend('js', () => assert.equal(K.kernelBackend(), 'js'));
    assert.equal(K.kernelBackend(), 'wasm');
  });

  // Child processes where the module cannot be used: the kernels must fall back, not fail.
  const script = `
    const K = require(${JSON.stringify(join(repoRoot, 'out', 'kernels'))});
    const x = { shape: [2, 5, 6], data: Float32Array.from({ length: 60 }, (_, i) => Math.sin(i)) };
    const w = { shape: [3, 2, 3, 3], data: Float32Array.from({ length: 54 }, (_, i) => Math.cos(i)) };
    const y = K.conv2d(x, w, [0.5, -1, 2], { padding: 1 });
    const u = K.uniform([100], 0.3, K.mulberry32(9));
    let threw = ''; try { K.setKernelBackend('wasm'); } catch (e) { threw = e.message; }
    console.log(JSON.stringify({ backend: K.kernelBackend(), reason: K.wasmUnavailableReason(), threw, y: Array.from(y.data), u: Array.from(u.data) }));
  `;
  const reference = (): { y: number[]; u: number[] } =>
    withBackend('js', () => {
      const x = { shape: [2, 5, 6], data: Float32Array.from({ length: 60 }, (_, i) => Math.sin(i)) };
      const w = { shape: [3, 2, 3, 3], data: Float32Array.from({ length: 54 }, (_, i) => Math.cos(i)) };
      return { y: Array.from(K.conv2d(x, w, [0.5, -1, 2], { padding: 1 }).data), u: Array.from(K.uniform([100], 0.3, K.mulberry32(9)).data) };
    });

  for (const [what, args, pre] of [
    ['without WebAssembly (node --jitless)', ['--jitless'], ''],
    ['without WebAssembly SIMD (validate() false)', [], 'WebAssembly.validate = () => false;'],
  ] as const) {
    it(`falls back to TypeScript ${what}`, function () {
      this.timeout(20000);
      const r = spawnSync('node', [...args, '-e', pre + script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout.trim().split('\n').pop()!);
      assert.equal(got.backend, 'js');
      assert.match(got.reason, /WebAssembly/);
      assert.match(got.threw, /unavailable/);
      const want = reference();
      assert.deepEqual(got.y, want.y);
      assert.deepEqual(got.u, want.u);
    });
  }
});

describe('kernels (wasm): wasm and TypeScript against a float64 reference', () => {
  after(() => {
    console.log(`      worst relative error vs float64: ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
  });

  it('random convs, rank 1-3, groups, stride, dilation, padding, bias (fast-check, both backends)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 13 }),
        fc.array(fc.record({ n: fc.integer({ min: 1, max: 11 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }), p0: fc.integer({ min: 0, max: 2 }), p1: fc.integer({ min: 0, max: 2 }) }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.integer(),
        (rank, g, cig, cog, axesAll, withBias, seed) => {
          const axes = axesAll.slice(0, rank);
          fc.pre(axes.every((a) => a.n + a.p0 + a.p1 >= a.d * (a.k - 1) + 1));
          const x = randomTensor([g * cig, ...axes.map((a) => a.n)], seed);
          const w = randomTensor([g * cog, cig, ...axes.map((a) => a.k)], seed + 1);
          const b = withBias ? randomTensor([g * cog], seed + 2).data : null;
          const p = axes.map((a) => [a.p0, a.p1] as [number, number]);
          const opts = { stride: axes.map((a) => a.s), padding: p, dilation: axes.map((a) => a.d), groups: g };
          const want = naiveConv(x, w, b, opts.stride, p, opts.dilation, g);
          expectClose(withBackend('wasm', () => K.conv(x, w, b, opts)), want, 'conv wasm');
          expectClose(withBackend('js', () => K.conv(x, w, b, opts)), want, 'conv js');
        },
      ),
      { numRuns: 200, seed: 424242 },
    );
  });

  it('GEMM-sized convs: every tile edge, long depth (K = 1152), stride 2, pointwise with groups, depthwise', () => {
    const cases: [number[], number[], object][] = [
      [[30, 47, 53], [70, 30, 3, 3], { padding: 1 }], // M > 64, K > 256, N > 2048, ragged tiles
      [[128, 9, 11], [13, 128, 3, 3], { padding: 1 }], // K = 1152: several depth blocks
      [[16, 21, 19], [9, 16, 3, 3], { stride: 2, padding: [[1, 0], [0, 2]] }],
      [[12, 9, 7], [18, 4, 1, 1], { groups: 3 }], // pointwise fast path with groups
      [[8, 15, 14], [8, 1, 3, 3], { groups: 8, padding: 1 }], // depthwise: M = 1 per group
      [[6, 15, 14], [12, 1, 5, 5], { groups: 6, padding: 2, dilation: 1 }], // depthwise, multiplier 2: M = 2
      [[3, 40, 37], [5, 3, 7, 7], { stride: 2, padding: 3 }], // the 7×7 stem, 3 input channels
    ];
    cases.forEach(([xs, ws, o], i) => {
      const x = randomTensor(xs, 10 + i);
      const w = randomTensor(ws, 20 + i);
      const b = randomTensor([ws[0]], 30 + i).data;
      const opts = o as K.ConvOptions;
      const g = opts.groups ?? 1;
      const rank = xs.length - 1;
      const st = Array.isArray(opts.stride) ? opts.stride : Array(rank).fill(opts.stride ?? 1);
      const dl = Array(rank).fill(opts.dilation ?? 1);
      const pd = Array.isArray(opts.padding) ? (opts.padding as [number, number][]) : Array(rank).fill([opts.padding ?? 0, opts.padding ?? 0]);
      const want = naiveConv(x, w, b, st, pd, dl, g);
      expectClose(withBackend('wasm', () => K.conv(x, w, b, opts)), want, `conv wasm: case ${i}`);
      expectClose(withBackend('js', () => K.conv(x, w, b, opts)), want, `conv js: case ${i}`);
    });
  });

  it('conv_transpose: wasm equals TypeScript (rank 1-3, groups, stride, output padding)', () => {
    const cases: [number[], number[], K.ConvTransposeOptions][] = [
      [[6, 7, 9], [6, 5, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
      [[4, 11], [4, 3, 4], { stride: 3, groups: 2, dilation: 2 }],
      [[4, 3, 4, 5], [4, 2, 2, 3, 3], { stride: [1, 2, 2], padding: [0, 1, 1] }],
      [[70, 9, 9], [70, 9, 3, 3], { stride: 1, padding: 1 }],
    ];
    for (const [xs, ws, opts] of cases) {
      const x = randomTensor(xs, xs.length);
      const w = randomTensor(ws, 7);
      const b = randomTensor([ws[1] * (opts.groups ?? 1)], 8).data;
      const js = withBackend('js', () => K.convTranspose(x, w, b, opts));
      expectClose(withBackend('wasm', () => K.convTranspose(x, w, b, opts)), js, 'conv_transpose wasm vs js');
    }
  });

  it('linear: one row, many rows, rows on leading axes, W streamed in blocks; wasm and TypeScript vs float64', () => {
    for (const [shape, outF] of [[[300], 70], [[9, 300], 70], [[2, 3, 17], 5], [[1, 2048], 1000], [[5, 1], 3], [[2, 3], 5], [[3, 67], 9], [[5, 1500], 700]] as [number[], number][]) {
      const inF = shape[shape.length - 1];
      const rows = K.numel(shape) / inF;
      const x = randomTensor(shape, inF);
      const w = randomTensor([outF, inF], outF);
      const b = randomTensor([outF], 3);
      const want = new Float32Array(rows * outF);
      for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) {
        let acc = b.data[o];
        for (let i = 0; i < inF; i++) acc += x.data[r * inF + i] * w.data[o * inF + i];
        want[r * outF + o] = acc;
      }
      const wantT = { shape: [...shape.slice(0, -1), outF], data: want };
      expectClose(withBackend('wasm', () => K.linear(x, w, b)), wantT, 'linear wasm');
      expectClose(withBackend('js', () => K.linear(x, w, b)), wantT, 'linear js');
    }
  });

  it('gemm on strided views with offsets, accumulate, M < 4 and empty sizes', () => {
    for (const [M, N, K_, acc] of [[5, 9, 7, true], [67, 130, 300, false], [2, 33, 40, true], [1, 1, 1, false], [0, 5, 3, false], [4, 8, 0, false]] as [number, number, number, boolean][]) {
      const lda = K_ + 3, ldb = N + 2, ldc = N + 5;
      const A = randomTensor([M * lda + 11], 1).data;
      const B = randomTensor([Math.max(K_, 1) * ldb + 7], 2).data;
      const C0 = randomTensor([Math.max(M, 1) * ldc + 13], 3).data;
      const want = C0.slice();
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let s = acc ? C0[13 + i * ldc + j] : 0;
        for (let k = 0; k < K_; k++) s += A[11 + i * lda + k] * B[7 + k * ldb + j];
        want[13 + i * ldc + j] = s;
      }
      for (const be of ['wasm', 'js'] as const) {
        const C = C0.slice();
        withBackend(be, () => K.gemm(M, N, K_, { data: A, off: 11, ld: lda }, { data: B, off: 7, ld: ldb }, { data: C, off: 13, ld: ldc }, acc));
        expectClose({ shape: [C.length], data: C }, { shape: [want.length], data: want }, `gemm ${be}: ${M}x${N}x${K_}`);
      }
    }
  });

  it('grows the wasm memory for operands larger than its initial 16 MB', function () {
    this.timeout(20000);
    const x = randomTensor([64, 90, 90], 5); // im2col: 576 × 8100 floats = 18.7 MB
    const w = randomTensor([8, 64, 3, 3], 6);
    const wasm = withBackend('wasm', () => K.conv2d(x, w, null, { padding: 1 }));
    const js = withBackend('js', () => K.conv2d(x, w, null, { padding: 1 }));
    expectClose(wasm, js, 'large operands wasm vs js');
  });
});

describe('kernels (wasm): Winograd F(2×2, 3×3) for 3×3 stride-1 convs', () => {
  const pays = (cin: number, cout: number, oh: number, ow: number) => K.winogradPays(2, 1, cin, cout, [3, 3], [1, 1], [1, 1], [oh, ow]);

  it('is chosen for resnet-sized layers and not where it does not pay (7×7 maps, narrow layers, stride 2, groups)', () => {
    assert.ok(pays(64, 64, 56, 56) && pays(128, 128, 28, 28) && pays(256, 256, 14, 14));
    assert.ok(!pays(512, 512, 7, 7), '7×7: 16 tiles overhang, the weight transform dominates');
    assert.ok(!pays(4, 64, 56, 56) && !pays(64, 4, 56, 56), 'narrow');
    assert.ok(!K.winogradPays(2, 1, 64, 64, [3, 3], [2, 2], [1, 1], [28, 28]), 'stride 2');
    assert.ok(!K.winogradPays(2, 2, 32, 32, [3, 3], [1, 1], [1, 1], [28, 28]), 'groups');
    assert.ok(!K.winogradPays(2, 1, 64, 64, [3, 3], [1, 1], [2, 2], [28, 28]), 'dilation');
    assert.ok(!K.winogradPays(1, 1, 64, 64, [3], [1], [1], [28]), '1-D');
  });

  it('equals the float64 reference: odd and even sizes, padding 0-2 on each side, bias (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 20 }),
        fc.integer({ min: 8, max: 20 }),
        fc.integer({ min: 11, max: 27 }),
        fc.integer({ min: 11, max: 27 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        fc.integer(),
        (cin, cout, H, W, [pt, pb, pl, pr], withBias, seed) => {
          const oh = H + pt + pb - 2;
          const ow = W + pl + pr - 2;
          fc.pre(pays(cin, cout, oh, ow));
          const x = randomTensor([cin, H, W], seed);
          const w = randomTensor([cout, cin, 3, 3], seed + 1);
          const b = withBias ? randomTensor([cout], seed + 2).data : null;
          const padding: [number, number][] = [[pt, pb], [pl, pr]];
          const want = naiveConv(x, w, b, [1, 1], padding, [1, 1], 1);
          expectClose(K.conv(x, w, b, { padding }), want, 'conv winograd');
          expectClose(K.conv(x, w, b, { padding, algorithm: 'direct' }), want, 'conv direct');
        },
      ),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it('keeps exact zeros where no input reaches: an impulse gives the same non-zero pattern as the direct sum', () => {
    const [C, H, W] = [16, 23, 26];
    for (const [y, x] of [[0, 0], [11, 13], [22, 25], [5, 24]]) {
      const input = { shape: [C, H, W], data: new Float32Array(C * H * W) };
      input.data[3 * H * W + y * W + x] = 1;
      const w = randomTensor([16, C, 3, 3], y * 31 + x);
      assert.ok(pays(C, 16, H, W));
      const wino = K.conv(input, w, null, { padding: 1 });
      const direct = K.conv(input, w, null, { padding: 1, algorithm: 'direct' });
      const nz = (t: Tensor) => Array.from(t.data, (v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(nz(wino), nz(direct), `impulse at (${y}, ${x})`);
      assert.equal(nz(direct).length, 16 * [y - 1, y, y + 1].filter((r) => r >= 0 && r < H).length * [x - 1, x, x + 1].filter((c) => c >= 0 && c < W).length);
    }
  });
});

describe('kernels (wasm): the oracle on both backends', () => {
  interface OT {
    shape: number[];
    data: K.Nested;
  }
  const cases = (loadOracle<{ cases: any[] }>('ops.json').cases ?? []).filter(
    (c) => !c.error && /^(conv[123]d|Conv[123]d|conv_transpose[123]d|ConvTranspose2d|linear|Linear)$/.test(c.op),
  );
  const worstByBackend: Record<string, [number, string]> = { wasm: [0, ''], js: [0, ''] };
  after(() => {
    console.log(`      oracle (${cases.length} conv/conv_transpose/linear cases), worst relative error: wasm ${worstByBackend.wasm[0].toExponential(3)} (${worstByBackend.wasm[1]}), js ${worstByBackend.js[0].toExponential(3)} (${worstByBackend.js[1]})`);
  });

  it('has conv cases', () => assert.ok(cases.length > 10));

  for (const be of ['wasm', 'js'] as const) {
    it(`matches every conv / conv_transpose / linear case at 1e-5 (${be})`, () => {
      const T = (o: OT | null | undefined) => (o ? K.fromNested(o.data) : undefined);
      const opt = <V>(v: V | null | undefined): V | undefined => (v === null ? undefined : v);
      withBackend(be, () => {
        for (const c of cases) {
          const a = c.args ?? {};
          const x = T(c.input)!;
          const w = T(c.weight)!;
          const b = c.bias ? T(c.bias)! : null;
          const want = T(c.output)!;
          const N = x.shape[0];
          const per = K.numel(want.shape.slice(1));
          for (let n = 0; n < N; n++) {
            const xi = { shape: x.shape.slice(1), data: x.data.slice(n * K.numel(x.shape.slice(1)), (n + 1) * K.numel(x.shape.slice(1))) };
            let got: Tensor;
            if (/^conv_transpose|^ConvTranspose/.test(c.op)) {
              got = K.convTranspose(xi, w, b, { stride: opt(a.stride), padding: opt(a.padding), outputPadding: opt(a.output_padding), dilation: opt(a.dilation), groups: opt(a.groups) });
            } else if (/^conv|^Conv/.test(c.op)) {
              got = K.conv(xi, w, b, { stride: opt(a.stride), padding: opt(a.padding), dilation: opt(a.dilation), groups: opt(a.groups), paddingMode: opt(a.padding_mode) });
            } else {
              got = K.linear(xi, w, b);
            }
            const wi = want.data.subarray(n * per, (n + 1) * per);
            for (let i = 0; i < per; i++) {
              const rel = Math.abs(got.data[i] - wi[i]) / Math.max(1, Math.abs(wi[i]));
              if (!(rel <= 1e-5)) assert.fail(`${c.id} (${be}): element ${i}: got ${got.data[i]}, want ${wi[i]}`);
              if (rel > worstByBackend[be][0]) worstByBackend[be] = [rel, c.id];
            }
          }
        }
      });
    });
  }
});

describe('kernels (wasm): parameter initialisation', () => {
  it('uniform draws the same float32 values and leaves the PRNG in the same state, wasm and JS', () => {
    const one = (n: number, bound: number, rng: () => number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * bound);
    for (const be of ['wasm', 'js'] as const) {
      withBackend(be, () => {
        const r1 = K.mulberry32(123), r2 = K.mulberry32(123);
        for (const [n, bound] of [[1000, 1 / Math.sqrt(27)], [3, 1], [64, 0.5], [65, 2], [4099, 1e-3], [0, 1]] as [number, number][]) {
          assert.deepEqual(K.uniform([n], bound, r1).data, one(n, bound, r2), `${be}: n = ${n}`);
          assert.equal(r1(), r2(), `${be}: state after n = ${n}`);
        }
      });
    }
  });
});

describe('kernels (wasm): weights drawn into the wasm memory', () => {
  const plain = (t: Tensor): Tensor => ({ shape: t.shape.slice(), data: t.data.slice() });

  it('drawInto writes the bits that reading `data` draws, whole and from any offset, across its blocks', () => {
    const k = withBackend('wasm', () => wasmKernels())!;
    const t = K.uniform([3, 70001], 0.37, K.mulberry32(5)) as K.DrawnTensor;
    assert.ok(t instanceof K.DrawnTensor);
    const n = K.numel(t.shape);
    const want = t.data;
    for (const [from, count] of [[0, n], [1, 65537], [65535, 70000], [n - 3, 3], [12345, 0]]) {
      const at = reserve(k, count + 4);
      heap(k).fill(NaN, at, at + count + 4);
      t.drawInto(k, at, from, count);
      const got = heap(k).subarray(at, at + count + 4);
      for (let i = 0; i < count; i++) if (!Object.is(got[i], want[from + i])) assert.fail(`from ${from}: element ${i}: ${got[i]} vs ${want[from + i]}`);
      assert.ok(Number.isNaN(got[count]), `from ${from}: wrote past ${count} values`);
    }
  });

  it('keeps the stream: the bias after a drawn weight is what one draw per element gives; spreading a drawn tensor draws it', () => {
    const p = K.initConv(8, 4, [3, 3], 1, true, 77);
    const rng = K.mulberry32(77);
    const wBound = Math.sqrt(3) * (Math.sqrt(2 / (1 + 5)) / Math.sqrt(36)); // kaiming_uniform_(a = √5), fan_in 36
    const w = Float32Array.from({ length: 288 }, () => (rng() * 2 - 1) * wBound);
    const b = Float32Array.from({ length: 8 }, () => (rng() * 2 - 1) * (1 / Math.sqrt(36)));
    assert.deepEqual(p.weight.data, w);
    assert.deepEqual(p.bias!.data, b);
    assert.deepEqual({ ...p.weight }.data, w);
    assert.deepEqual(structuredClone(p.weight).data, w);
  });

  it('drawn straight into the packed layout: the bits of packing the drawn values (rows 1-9, depths 1-600)', () => {
    const k = withBackend('wasm', () => wasmKernels())!;
    for (const [M, K_] of [[1, 1], [3, 7], [4, 256], [5, 257], [9, 600], [8, 512], [6, 300]]) {
      const t = new K.DrawnTensor([M, K_], M * 1000 + K_, 0.21);
      const Mp = Math.ceil(M / 4) * 4; // rows in strips of 4, the last one padded with zeros
      const at = reserve(k, 3 * (Mp * K_ + 4));
      const pDrawn = at, pValues = at + Mp * K_ + 4, pPacked = pValues + Mp * K_ + 4;
      heap(k).fill(NaN, at, pPacked + Mp * K_);
      t.drawPackedInto(k, pDrawn, 0, M, K_);
      heap(k).set(t.data, pValues);
      k.pack_a_full(pValues * 4, K_, M, K_, pPacked * 4);
      const got = heap(k).subarray(pDrawn, pDrawn + Mp * K_);
      const want = heap(k).subarray(pPacked, pPacked + Mp * K_);
      for (let i = 0; i < Mp * K_; i++) if (!Object.is(got[i], want[i])) assert.fail(`${M}×${K_}: element ${i}: ${got[i]} vs ${want[i]}`);
    }
  });

  it('conv (direct and Winograd) and linear give the same bits with a drawn weight as with its values', () => {
    withBackend('wasm', () => {
      const cases: Array<[number[], number, number[], K.ConvOptions]> = [
        [[16, 20, 20], 24, [3, 3], { padding: 1 }], // Winograd
        [[16, 20, 20], 24, [3, 3], { padding: 1, algorithm: 'direct' }],
        [[3, 33, 31], 8, [7, 7], { stride: 2, padding: 3 }],
        [[6, 40], 4, [5], { dilation: 2 }],
        // Drawn in packed form: rows not a multiple of 4, depth over one block (360 > 256).
        [[40, 9, 9], 13, [3, 3], { padding: 1, algorithm: 'direct' }],
        [[24, 10, 10], 20, [3, 3], { padding: 1, groups: 2 }], // per group: 10 rows from row 10
        [[300, 5, 6], 7, [1, 1], {}], // pointwise, depth 300
        [[8, 12, 12], 8, [3, 3], { groups: 8, padding: 1 }], // depthwise: not packed
        [[260, 20, 20], 13, [3, 3], { padding: 1 }], // Winograd, drawn as transformed: 13 rows, depth 260
      ];
      cases.forEach(([shape, cOut, kernel, opts], i) => {
        const x = randomTensor(shape, i);
        const { weight, bias } = K.initConv(cOut, shape[0], kernel, opts.groups ?? 1, true, 100 + i);
        assert.ok(weight instanceof K.DrawnTensor);
        const a = K.conv(x, weight, bias, opts);
        const b = K.conv(x, plain(weight), bias, opts);
        for (let e = 0; e < a.data.length; e++) if (!Object.is(a.data[e], b.data[e])) assert.fail(`case ${i}: element ${e}: ${a.data[e]} vs ${b.data[e]}`);
      });
      // A weight streamed through the wasm memory in several blocks of output features.
      const x = randomTensor([2, 3000], 9);
      const { weight, bias } = K.initLinear(1500, 3000, true, 3);
      assert.deepEqual(K.linear(x, weight, bias).data, K.linear(x, plain(weight), bias).data);
    });
  });
});

describe('kernels (wasm): convolutions with their stages (batchnorm, residual add, relu)', () => {
  const bits = (t: Tensor | undefined): number[] => Array.from(t!.data);

  it('give the bits of batchNorm, add and relu applied in turn, every path, kept or not (fast-check)', () => {
    type Case = [number[], number, number[], K.ConvOptions];
    const paths: Record<string, Case> = {
      packed: [[9, 11, 13], 13, [3, 3], { padding: 1, algorithm: 'direct' }], // 13 rows: a ragged strip
      deep: [[70, 6, 7], 8, [2, 2], { stride: 2 }], // depth 280: two depth blocks
      pointwise: [[12, 10, 9], 6, [1, 1], {}],
      groups: [[12, 9, 9], 16, [3, 3], { groups: 2, padding: 1 }], // 8 rows per group, packed
      depthwise: [[6, 9, 8], 6, [3, 3], { groups: 6, padding: 1 }], // 1 row per group: plain gemm
      winograd: [[12, 14, 15], 10, [3, 3], { padding: 1 }],
      wide: [[3, 50, 47], 5, [3, 3], { padding: 1 }], // 2350 columns: two GEMM calls
      conv1d: [[5, 33], 7, [3], { dilation: 2 }],
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(paths)),
        fc.record({ bn: fc.boolean(), residual: fc.boolean(), relu: fc.boolean(), bias: fc.boolean(), keepAll: fc.boolean() }),
        fc.constantFrom<'wasm' | 'js'>('wasm', 'js'),
        fc.integer(),
        (path, o, backend, seed) => {
          const [shape, cOut, kernel, opts] = paths[path];
          const x = randomTensor(shape, seed);
          const w = randomTensor([cOut, shape[0] / (opts.groups ?? 1), ...kernel], seed + 1);
          const b = o.bias ? randomTensor([cOut], seed + 2).data : null;
          withBackend(backend, () => {
            const conv = K.conv(x, w, b, opts);
            const stages: K.ConvStages = {
              batchNorm: o.bn ? { eps: 1e-3, mean: randomTensor([cOut], seed + 3).data, var: randomTensor([cOut], seed + 4).data.map((v) => 1 + Math.abs(v)) } : undefined,
              residual: o.residual ? randomTensor(conv.shape, seed + 5) : undefined,
              relu: o.relu,
            };
            // The separate passes, in order.
            const want: Record<string, Tensor> = { conv };
            let t = conv;
            if (stages.batchNorm) want.batchNorm = t = K.batchNorm(t, stages.batchNorm);
            if (stages.residual) want.sum = t = K.add(t, stages.residual);
            if (stages.relu) want.relu = t = K.relu(t);
            const got = K.convStaged(x, w, b, opts, stages, o.keepAll);
            const last = K.stageList(stages).pop() ?? 'conv';
            const names = o.keepAll ? Object.keys(want) : [last];
            assert.deepEqual(Object.keys(got).sort(), names.sort(), `${path}: outputs`);
            for (const n of names) {
              assert.deepEqual(got[n as keyof K.StagedOutputs]!.shape, conv.shape);
              assert.deepEqual(bits(got[n as keyof K.StagedOutputs]), bits(want[n]), `${path} ${backend}: ${n}`);
            }
            // Each output comes with its statistics, as the separate kernels' outputs do.
            if (backend === 'wasm') for (const n of names) assert.deepEqual(K.stats(got[n as keyof K.StagedOutputs]!), K.stats({ shape: conv.shape, data: want[n].data.slice() }));
          });
        },
      ),
      { numRuns: 150, seed: 20261204 },
    );
  });

  it('rejects a residual of another shape', () => {
    const x = randomTensor([4, 6, 6], 1);
    const w = randomTensor([4, 4, 3, 3], 2);
    assert.throws(() => K.convStaged(x, w, null, {}, { residual: randomTensor([4, 6, 6], 3) }, true), /residual \[4, 6, 6\] does not match the output \[4, 4, 4\]/);
  });
});

describe('kernels (wasm): output statistics computed in wasm', () => {
  // stats() of a fresh copy always runs the TypeScript loop (the copy is not a kernel output).
  const loopStats = (t: Tensor) => K.stats({ shape: t.shape, data: t.data.slice() });

  it('are the numbers the TypeScript loop gives: lengths mod 4, NaN, ±∞, ±0', () => {
    withBackend('wasm', () => {
      const special = [NaN, -0, 0, Infinity, -Infinity, 3e38, -3e38];
      for (const n of [4096, 4097, 4098, 4099, 5003]) {
        for (const withSpecial of [false, true]) {
          const x = { shape: [n], data: Float32Array.from({ length: n }, (_, i) => (withSpecial && i % 97 === 5 ? special[((i / 97) | 0) % special.length] : Math.sin(i * 1.7) * 100)) };
          const y = K.relu6(K.add(x, x)); // two wasm kernels, each output with its statistics
          for (const t of [K.add(x, x), y]) {
            const got = K.stats(t);
            const want = loopStats(t);
            assert.ok(got.min === want.min && got.max === want.max, `n ${n}: min/max ${got.min}/${got.max} vs ${want.min}/${want.max}`);
            assert.ok(Object.is(got.mean, want.mean), `n ${n}: mean ${got.mean} vs ${want.mean}`);
          }
        }
      }
    });
  });

  it('come with the outputs of conv (direct and Winograd), batchnorm, relu, add and max pooling', () => {
    withBackend('wasm', () => {
      const x = randomTensor([16, 24, 24], 3);
      const { weight } = K.initConv(16, 16, [3, 3], 1, false, 5);
      const outs = [
        K.conv(x, weight, null, { padding: 1 }),
        K.conv(x, weight, null, { padding: 1, algorithm: 'direct' }),
        K.batchNorm(x, { eps: 1e-5 }),
        K.relu(x),
        K.add(x, x),
        K.maxPool(x, { kernel: [2, 2], stride: [2, 2] }),
      ];
      for (const t of outs) {
        const want = loopStats(t);
        const got = K.stats(t);
        assert.deepEqual(got, want);
        // A kernel's own numbers (not a second pass): change the data and they stay.
        t.data[0] = 1e30;
        assert.deepEqual(K.stats(t), got);
      }
    });
  });
});

describe('kernels (wasm): element-wise passes', () => {
  it('relu, relu6, add and batchnorm give the same bits in wasm and TypeScript (NaN, ±0, ±∞, odd sizes)', () => {
    for (const shape of [[3, 37, 41], [5, 1031], [4, 32, 32]]) {
      const n = K.numel(shape);
      const special = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38];
      const x = { shape, data: Float32Array.from({ length: n }, (_, i) => (i % 53 === 0 ? special[(i / 53) % special.length] : Math.sin(i) * 1e3 * Math.cos(i * 7))) };
      const y = { shape, data: Float32Array.from({ length: n }, (_, i) => Math.cos(i * 1.3) * 1e-3) };
      const C = shape[0];
      const p = { mean: Array.from({ length: C }, (_, c) => c - 1), var: Array.from({ length: C }, (_, c) => 0.5 + c), weight: Array.from({ length: C }, (_, c) => 1.5 - c), bias: Array.from({ length: C }, (_, c) => c / 3), eps: 1e-3 };
      const run = (be: 'wasm' | 'js') => withBackend(be, () => [K.relu(x), K.add(x, y), K.batchNorm(x, p), K.batchNorm(x), K.relu6(x)]);
      const w = run('wasm');
      const j = run('js');
      ['relu', 'add', 'batchnorm', 'batchnorm (defaults)', 'relu6'].forEach((what, i) => {
        assert.deepEqual(w[i].shape, j[i].shape);
        for (let e = 0; e < n; e++) if (!Object.is(w[i].data[e], j[i].data[e])) assert.fail(`${what} ${shape}: element ${e}: wasm ${w[i].data[e]}, js ${j[i].data[e]}`);
      });
      assert.ok(!Object.is(K.relu(x).data[53], -0), 'relu(−0) is +0');
    }
  });

  it('sigmoid and SiLU (exp in wasm): the TypeScript numbers, ±0, ±∞, NaN, underflow; within one float32 ulp of float64 everywhere', () => {
    // 262,144 values over the range YOLO layers produce, plus the edges of exp's range.
    const n = 1 << 18;
    const rng = K.mulberry32(5);
    const special = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 1e-8, -1e-8, 88, -88, 100, -100, 700, -700, -707.9, -708.1, -745, -746, 3.4e38, -3.4e38];
    const x = { shape: [n], data: Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : (rng() - 0.5) * [8, 40, 2000][i % 3])) };
    const f64 = (v: number, silu: boolean): number => {
      const s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      return silu ? v * s : s;
    };
    const ulps = (a: number, b: number): number => Math.abs(new Int32Array(Float32Array.of(a).buffer)[0] - new Int32Array(Float32Array.of(b).buffer)[0]);
    for (const [name, silu] of [['sigmoid', false], ['silu', true]] as const) {
      const w = withBackend('wasm', () => K[name](x));
      const j = withBackend('js', () => K[name](x));
      let differ = 0;
      for (let e = 0; e < n; e++) {
        const v = x.data[e];
        if (Number.isNaN(j.data[e]) || Number.isNaN(w.data[e])) {
          assert.ok(Number.isNaN(w.data[e]) && Number.isNaN(j.data[e]), `${name}(${v}): wasm ${w.data[e]}, js ${j.data[e]}`);
          continue;
        }
        if (!Object.is(w.data[e], j.data[e])) differ++;
        if (Math.sign(1 / w.data[e]) !== Math.sign(1 / Math.fround(f64(v, silu)))) assert.fail(`${name}(${v}): sign of zero ${w.data[e]}`);
        assert.ok(ulps(w.data[e], Math.fround(f64(v, silu))) <= 1, `${name}(${v}): wasm ${w.data[e]}, float64 ${f64(v, silu)}`);
      }
      // The two compute the same float64 formula with two exps of ~1 ulp: their float32 roundings
      // may differ where a value straddles a rounding boundary (~1 in 2²⁸), not more.
      assert.ok(differ <= 2, `${name}: ${differ} of ${n} values differ from the TypeScript loop's`);
    }
    assert.ok(Object.is(withBackend('wasm', () => K.silu(x)).data[1], -0), 'silu(−0) is −0');
    assert.ok(Number.isNaN(withBackend('wasm', () => K.silu(x)).data[4]), 'silu(−∞) is NaN, as −∞·0');
  });
});

describe('kernels (wasm): max pooling', () => {
  it('gives the same bits as TypeScript: rank 1-3, stride 1-3, dilation, padding, ceil mode, NaN and ±0 (fast-check)', () => {
    let big = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ n: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }), p: fc.integer({ min: 0, max: 2 }) }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.integer(),
        (rank, C, axesAll, ceilMode, seed) => {
          const axes = axesAll.slice(0, rank);
          fc.pre(axes.every((a) => 2 * a.p <= a.k && a.n + 2 * a.p >= a.d * (a.k - 1) + 1));
          const shape = [C, ...axes.map((a) => a.n)];
          const rng = K.mulberry32(seed);
          const special = [NaN, -0, 0, -Infinity];
          // Few distinct values, so ties between +0 and −0 and repeated maxima happen.
          const x = { shape, data: Float32Array.from({ length: K.numel(shape) }, () => { const r = rng(); return r < 0.05 ? special[Math.floor(r * 80)] : Math.round(r * 8) - 4; }) };
          if (K.numel(shape) >= 4096) big++;
          const opts = { kernel: axes.map((a) => a.k), stride: axes.map((a) => a.s), dilation: axes.map((a) => a.d), padding: axes.map((a) => a.p), ceilMode };
          const js = withBackend('js', () => K.maxPool(x, opts));
          const wasm = withBackend('wasm', () => K.maxPool(x, opts));
          assert.deepEqual(wasm.shape, js.shape);
          for (let i = 0; i < js.data.length; i++) if (!Object.is(wasm.data[i], js.data[i])) assert.fail(`element ${i}: wasm ${wasm.data[i]}, js ${js.data[i]}`);
        },
      ),
      { numRuns: 300, seed: 99 },
    );
    assert.ok(big > 10, `only ${big} cases reached the wasm path (≥ 4096 elements)`);
  });
});
