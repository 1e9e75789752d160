// Receptive-field rules: CL301 holes (gridding), CL302 misaligned branches, CL303 final field
// smaller than the input, CL304 layers whose field already covers the whole input.
import type { AxisField, LayerResult, ReceptiveField } from '../types';
import { fieldAt } from '../analyse/receptiveField';
import { equals, formatRational, toNumber } from '../analyse/rational';
import { registerRule } from './registry';
import { GLOBAL_KINDS, INPUT, WINDOW_KINDS, axisLabel, blockUses, buildGraph, dedupe, fieldOpOf, listSome, makesFieldGlobal } from './util';

type Local = Extract<ReceptiveField, { kind: 'local' }>;
const local = (l: LayerResult): Local | undefined => (l.rf?.kind === 'local' ? l.rf : undefined);
const hasHoles = (l: LayerResult) => Boolean(local(l)?.summary.holes.some((h) => h.length > 0));
const holeKey = (l: LayerResult) => JSON.stringify(local(l)?.summary.holes ?? []);

registerRule({
  code: 'CL301',
  id: 'field-holes',
  title: 'Receptive field with holes (gridding)',
  severity: 'warning',
  description: 'Stacked dilations with a common factor (or a stride larger than the kernel) leave input offsets inside the field that never reach the output: a checkerboard of dead pixels. Co-prime rates (hybrid dilated convolution, e.g. 1, 2, 3) fill them.',
  check(ctx) {
    const report = dedupe(ctx.report);
    const g = buildGraph(ctx.analysis);
    const outputs = new Set(g.outputs);
    for (const layer of g.layers) {
      if (!hasHoles(layer)) continue;
      // The holes survive to an output or to a global step (flatten, linear, global pool);
      // a later conv or a merge with a dense branch fills them (ResNet's 1×1/2 shortcut).
      const consumers = g.consumers.get(layer.index) ?? [];
      const terminal = outputs.has(layer.index) || consumers.some(([c]) => g.layers[c].rf?.kind === 'global' || GLOBAL_KINDS.has(g.layers[c].kind));
      if (!terminal) continue;
      // Walk back through the layers with holes to the window layers that made or changed them.
      const chain: LayerResult[] = [];
      const seen = new Set<number>();
      const stack = [layer.index];
      while (stack.length) {
        const i = stack.pop()!;
        if (i === INPUT || seen.has(i)) continue;
        seen.add(i);
        const l = g.layers[i];
        if (!hasHoles(l)) continue;
        const ps = g.producers[i];
        if (fieldOpOf(l)?.type === 'map' && ps.every((p) => p === INPUT || holeKey(g.layers[p]) !== holeKey(l))) chain.push(l);
        stack.push(...ps);
      }
      chain.sort((a, b) => a.index - b.index);
      const culprit = chain[chain.length - 1] ?? layer;
      const rf = local(layer)!;
      const rank = rf.summary.size.length;
      const axes = rf.summary.holes
        .map((h, i) => ({ h, i }))
        .filter((x) => x.h.length)
        .map(({ h, i }) => `${rank > 1 ? `${axisLabel(rank, i)}: ` : ''}offsets ${listSome(h, 10)} of its ${rf.summary.size[i]}-wide field (from ${rf.summary.start[i]}) never reach it`);
      // The window layers on the way in that space taps apart: strides and dilations.
      const path: LayerResult[] = [];
      for (let i: number = culprit.index; i !== INPUT && path.length < 6; i = g.producers[i][0]) {
        const l = g.layers[i];
        const a = l.args as Record<string, any>;
        if (fieldOpOf(l)?.type === 'map' && (l === culprit || a.stride?.some((s: number) => s > 1) || a.dilation?.some((d: number) => d > 1))) path.unshift(l);
        if (g.producers[i][0] === undefined) break;
      }
      const dil = path.map((l) => (l.args as Record<string, any>).dilation?.[0] ?? 1);
      const rates = path
        .map((l) => {
          const a = l.args as Record<string, any>;
          const bits = [`kernel ${a.kernel?.[0] ?? '?'}`];
          if (a.stride?.[0] > 1) bits.push(`stride ${a.stride[0]}`);
          if (a.dilation?.[0] > 1) bits.push(`dilation ${a.dilation[0]}`);
          return `${l.name} (${bits.join(', ')})`;
        })
        .join(' → ');
      const allDilated = dil.length > 1 && dil.every((d) => d > 1);
      report({
        span: culprit.origin.kindKey,
        message: `The receptive field of ${layer.name} has holes (${axes.join('; ')}): a gridding pattern from ${rates}.${allDilated ? ` The rates share a common factor; co-prime rates such as ${dil.map((_, i) => i + 1).join(', ')} (hybrid dilated convolution) leave no holes.` : ' Use a kernel at least as large as the stride (or dilation) before it.'}`,
        related: [...chain.filter((l) => l !== culprit).map((l) => ({ span: l.origin.kindKey, message: `${l.name} also contributes` })), ...blockUses(culprit)],
        data: { layer: layer.name, culprit: culprit.name, holes: rf.summary.holes },
      });
    }
  },
});

/** Centre of the field of output o minus o·jump, averaged over one period: where the field sits. */
function meanOffset(f: AxisField): number {
  let sum = 0;
  let n = 0;
  const j = toNumber(f.jump);
  for (let o = 0; o < f.period; o++) {
    const s = fieldAt(f, o);
    if (!s.length) continue;
    sum += (s[0][0] + s[s.length - 1][1]) / 2 - o * j;
    n++;
  }
  return n ? sum / n : 0;
}

function bounds(f: AxisField): [number, number] {
  const s = fieldAt(f, 0);
  return s.length ? [s[0][0], s[s.length - 1][1]] : [0, -1];
}

registerRule({
  code: 'CL302',
  id: 'misaligned-branches',
  title: 'Merged branches look at different places',
  severity: 'warning',
  description: 'The operands of add/mul/concat have different jumps (effective strides), or fields that are displaced so that neither contains the other: the same output position mixes features of different input places.',
  check(ctx) {
    const report = dedupe(ctx.report);
    const g = buildGraph(ctx.analysis);
    for (const layer of g.layers) {
      if (!layer.merge || layer.inputShapes.length < 2) continue;
      const fields = g.producers[layer.index].map((p) => (p === INPUT ? undefined : local(g.layers[p])));
      if (fields.some((f) => !f) && g.producers[layer.index].some((p) => p !== INPUT)) continue;
      const inputField = (ctx.analysis.input ?? []).slice(1).map(() => ({ jump: { num: 1, den: 1 }, period: 1, phases: [[[0, 0]]] }) as AxisField);
      const axesOf = (k: number) => fields[k]?.axes ?? inputField;
      const names = layer.merge.operands.map((o) => o.name);
      const rank = axesOf(0).length;
      const problems: string[] = [];
      for (let k = 1; k < fields.length; k++) {
        for (let i = 0; i < rank; i++) {
          const A = axesOf(0)[i];
          const B = axesOf(k)[i];
          if (!A || !B) continue;
          const label = rank > 1 ? `${axisLabel(rank, i)}: ` : '';
          if (!equals(A.jump, B.jump)) {
            problems.push(`${label}${names[0]} steps ${formatRational(A.jump)} input pixels per position but ${names[k]} steps ${formatRational(B.jump)}`);
            continue;
          }
          const [a0, a1] = bounds(A);
          const [b0, b1] = bounds(B);
          const contained = (a0 <= b0 && b1 <= a1) || (b0 <= a0 && a1 <= b1);
          const d = meanOffset(B) - meanOffset(A);
          if (!contained && Math.abs(d) >= toNumber(A.jump)) {
            problems.push(`${label}output 0 of ${names[0]} sees [${a0}, ${a1}] but ${names[k]} sees [${b0}, ${b1}] (centres ${Math.abs(d)} px apart)`);
          }
        }
      }
      if (!problems.length) continue;
      report({
        span: layer.origin.kindKey,
        message: `${layer.name} merges misaligned branches: ${problems.join('; ')}.`,
        related: [...layer.merge.operands.map((o, k) => {
          const p = g.producers[layer.index][k];
          return { span: p === INPUT ? layer.origin.kindKey : g.layers[p].origin.kindKey, message: `${o.name}` };
        }), ...blockUses(layer)],
        data: { layer: layer.name },
      });
    }
  },
});

/** Output positions scanned one by one at most (absurdly wide tensors are not scanned). */
const MAX_SCAN = 100_000;

/** Layers whose output feeds a global step (flatten, linear, global pool) or is an output. */
function finalLocalLayers(layers: LayerResult[], g: ReturnType<typeof buildGraph>): LayerResult[] {
  // The global step is a layer that itself makes the field global (flatten, linear, a global pool),
  // not a merge with a branch that is already global.
  return layers.filter((l) => local(l) && (g.consumers.get(l.index) ?? []).some(([c]) => makesFieldGlobal(g.layers[c]) && !onlyGates(g, c)));
}

/**
 * Whether every path from layer i ends as the broadcast operand of a mul or add (squeeze-excite:
 * global pool → convs → sigmoid → a per-channel gate of the map): such a global step scales the
 * map, it does not decide; the map's own field is what reaches the decision.
 */
function onlyGates(g: ReturnType<typeof buildGraph>, i: number, depth = 0): boolean {
  const consumers = g.consumers.get(i) ?? [];
  if (!consumers.length || g.outputs.includes(i) || depth > 16) return false;
  return consumers.every(([c, k]) => {
    const l = g.layers[c];
    const a = l.args as { gated?: boolean; broadcast?: boolean };
    if ((l.kind === 'mul' && a.gated) || (l.kind === 'add' && a.broadcast)) return l.inputShapes[k].length !== l.shape!.length || l.inputShapes[k].some((n, j) => n !== l.shape![j]);
    return onlyGates(g, c, depth + 1);
  });
}

/** Along each axis: does some output position's field contain the whole input [0, W − 1]? */
function coversInput(l: LayerResult, W: number[]): boolean[] {
  const rf = local(l)!;
  return rf.axes.map((f, i) => {
    const n = Math.min(l.shape![1 + i], MAX_SCAN);
    for (let o = 0; o < n; o++) {
      const s = fieldAt(f, o);
      if (s.length && s[0][0] <= 0 && s[s.length - 1][1] >= W[i] - 1) return true;
    }
    return false;
  });
}

registerRule({
  code: 'CL303',
  id: 'field-not-covering-input',
  title: "The final receptive field does not cover the input",
  // A hint: VGG and AlexNet end like this on purpose (the classifier mixes every position).
  severity: 'hint',
  description: 'Before the global step (flatten, linear, global pooling) no output position sees the whole input: a classifier decides from parts of the image only.',
  check(ctx) {
    const input = ctx.analysis.input;
    if (!input) return;
    const g = buildGraph(ctx.analysis);
    const W = input.slice(1);
    for (const l of finalLocalLayers(g.layers, g)) {
      const cov = coversInput(l, W);
      if (cov.every(Boolean)) continue;
      const rf = local(l)!;
      report(ctx, l, `${l.name} feeds the global step with a receptive field of ${rf.summary.size.join('×')} on a ${W.join('×')} input: no position sees the whole input (${cov.map((c, i) => (c ? '' : `${W.length > 1 ? `${axisLabel(W.length, i)}: ` : ''}${rf.summary.size[i] < W[i] ? `${rf.summary.size[i]} < ${W[i]}` : 'the field is off-centre'}`)).filter(Boolean).join('; ')}). Classification nets usually want the field to cover the input.`);
    }
  },
});

function report(ctx: Parameters<Parameters<typeof registerRule>[0]['check']>[0], l: LayerResult, message: string) {
  ctx.report({ span: l.origin.kindKey, message, related: blockUses(l), data: { layer: l.name } });
}

registerRule({
  code: 'CL304',
  id: 'unproductive-layers',
  title: 'Layers whose field already covers the whole input',
  severity: 'off',
  description: 'From the first layer where every output position already sees the whole input, further convolutions and pools only widen the field into the padding. Off by default (deep classifiers do this on purpose).',
  check(ctx) {
    const input = ctx.analysis.input;
    if (!input) return;
    const W = input.slice(1);
    const layers = ctx.analysis.layers;
    for (const l of layers) {
      if (!WINDOW_KINDS.has(l.kind) || !local(l) || !l.shape) continue;
      const rf = local(l)!;
      const all = rf.axes.every((f, i) => {
        const n = l.shape![1 + i];
        if (n > MAX_SCAN) return false;
        for (let o = 0; o < n; o++) {
          const s = fieldAt(f, o);
          if (!s.length || s[0][0] > 0 || s[s.length - 1][1] < W[i] - 1) return false;
        }
        return true;
      });
      if (!all) continue;
      const later = layers.filter((m) => m.index > l.index && WINDOW_KINDS.has(m.kind) && local(m)).length;
      if (!later) return;
      report(ctx, l, `From ${l.name} on, every output position sees the whole ${W.join('×')} input (field ${rf.summary.size.join('×')}); the ${later} later conv/pool layer(s) only widen the field into the padding.`);
      return;
    }
  },
});
