// Values PyTorch rejects: pooling padding (CL106), output_padding (CL107), groups and channel
// counts (CL102), and padding 'same' with a stride (CL105, made explicit).
import type { Analysis, Finding, LayerResult, QuickFix } from '../types';
import { parse } from '../readers/yaml/parse';
import { registerFix } from './registry';
import { isExpressionText, renderAxes, renderPadding, setArg } from './edit';

export function layerOf(analysis: Analysis, finding: Finding): LayerResult | undefined {
  const name = finding.data?.layer;
  return typeof name === 'string' ? analysis.layers.find((l) => l.name === name) : undefined;
}

/** The plain value written at a span (number, list, string), or undefined for expressions. */
function valueAt(text: string, span: { start: number; end: number }): unknown {
  if (isExpressionText(text, span)) return undefined;
  const root = parse(`v: ${text.slice(span.start, span.end)}`).root;
  if (!root || root.type !== 'map') return undefined;
  const plain = (n: any): unknown => (n.type === 'scalar' ? n.value : n.type === 'seq' ? n.items.map(plain) : undefined);
  return plain(root.entries[0].value);
}

registerFix('CL106', (text, _analysis, finding) => {
  const valid = finding.data?.valid as number[] | undefined;
  if (!valid || finding.data?.arg !== 'padding') return [];
  const v = valueAt(text, finding.span);
  const rank = valid.length;
  let pairs: Array<[number, number]>;
  if (typeof v === 'number') pairs = Array.from({ length: rank }, () => [v, v]);
  else if (Array.isArray(v) && v.length === rank) pairs = v.map((x) => (Array.isArray(x) ? [x[0], x[1]] : [x, x])) as Array<[number, number]>;
  else return [];
  const fixed = pairs.map(([a, b], i) => [Math.min(a, valid[i]), Math.min(b, valid[i])] as [number, number]);
  const r = renderPadding(fixed);
  return [{ title: `Set padding to ${r} (the largest valid: at most half the kernel)`, isPreferred: true, edits: [{ span: finding.span, newText: r }] }];
});

registerFix('CL107', (text, _analysis, finding) => {
  const valid = finding.data?.valid as number[] | undefined;
  if (!valid || isExpressionText(text, finding.span)) return [];
  const r = renderAxes(valid);
  return [{ title: `Set output_padding to ${r} (smaller than stride or dilation)`, isPreferred: true, edits: [{ span: finding.span, newText: r }] }];
});

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

registerFix('CL102', (text, _analysis, finding) => {
  const d = finding.data ?? {};
  if (isExpressionText(text, finding.span)) return [];
  const input = d.inputShape as number[] | undefined;
  if (d.arg === 'groups' && typeof d.groups === 'number') {
    const C = typeof d.C === 'number' ? d.C : input?.[0];
    const out = typeof d.out === 'number' ? d.out : undefined;
    if (!C) return [];
    const ok = divisors(C).filter((g) => out === undefined || out % g === 0);
    const g0 = d.groups;
    const best = ok.sort((a, b) => Math.abs(a - g0) - Math.abs(b - g0) || b - a).slice(0, 2);
    const fixes: QuickFix[] = [];
    // A depthwise conv (groups = C) with an out that is not a multiple of C: the intent is
    // depthwise, so the real fix is the nearest whole multiplier, not fewer groups.
    const outSpan = argSpan(d, 'out');
    if (d.depthwise && out !== undefined && outSpan && !isExpressionText(text, outSpan) && C % g0 === 0) {
      const m = Math.max(1, Math.round(out / g0));
      fixes.push({ title: `Set out to ${m * g0} (depthwise multiplier ${m})`, isPreferred: true, edits: [{ span: outSpan, newText: String(m * g0) }] });
    }
    best.forEach((g, i) => fixes.push({ title: `Set groups to ${g} (divides ${C} input${out !== undefined ? ` and ${out} output` : ''} channels)`, isPreferred: i === 0 && !fixes.length, edits: [{ span: finding.span, newText: String(g) }] }));
    return fixes;
  }
  if (d.arg === 'channels' && d.kind === 'prelu' && input) {
    return [
      { title: `Set channels to ${input[0]} (one slope per channel)`, isPreferred: true, edits: [{ span: finding.span, newText: String(input[0]) }] },
      { title: 'Set channels to 1 (one shared slope)', edits: [{ span: finding.span, newText: '1' }] },
    ];
  }
  return [];
});

/** Span of another argument's value, from the finding's data (set by the engine on layer errors). */
function argSpan(data: Record<string, unknown>, name: string): { start: number; end: number } | undefined {
  const args = data.args as Record<string, { value: { start: number; end: number } }> | undefined;
  return args?.[name]?.value;
}

// weights given in the file that do not fit the layer: make the layer fit the weights (the
// values are the point of writing them down).
registerFix('CL109', (text, _analysis, finding) => {
  const d = finding.data ?? {};
  const expected = d.expected as number[] | undefined;
  const got = d.got as number[] | undefined;
  if (!expected || !got || got.length !== expected.length) return [];
  const fixes: QuickFix[] = [];
  const outSpan = argSpan(d, 'out');
  if (got[0] !== expected[0] && outSpan && !isExpressionText(text, outSpan) && d.kind !== 'conv_transpose') {
    fixes.push({ title: `Set out to ${got[0]} (the weights have ${got[0]} filters)`, isPreferred: true, edits: [{ span: outSpan, newText: String(got[0]) }] });
  }
  const kernelSpan = argSpan(d, 'kernel');
  const kGot = got.slice(2);
  const kWant = expected.slice(2);
  if (kGot.length && kGot.some((k, i) => k !== kWant[i]) && kernelSpan && !isExpressionText(text, kernelSpan)) {
    fixes.push({ title: `Set kernel to ${renderAxes(kGot)} (the weights' kernel size)`, isPreferred: !fixes.length, edits: [{ span: kernelSpan, newText: renderAxes(kGot) }] });
  }
  return fixes;
});

// add/mul operands that differ only in channels: set the `out` of one operand's producer (a conv,
// conv_transpose, separable or linear written with a plain number) to the other's channel count.
registerFix('CL103', (text, analysis, finding) => {
  const d = finding.data ?? {};
  const shapes = d.operandShapes as number[][] | undefined;
  const producers = d.producers as number[] | undefined;
  const pair = d.operands as number[] | undefined;
  if (!shapes || !producers || !pair || pair.length !== 2) return [];
  const [a, b] = pair.map((i) => shapes[i]);
  if (!a || !b || a.length !== b.length || a[0] === b[0] || a.some((n, i) => i > 0 && n !== b[i])) return [];
  const fixes: QuickFix[] = [];
  for (const [mine, other] of [[pair[1], pair[0]], [pair[0], pair[1]]]) {
    const producer = analysis.layers[producers[mine]];
    const outSpan = producer?.origin.args.out?.value;
    if (!producer || !outSpan || !['conv', 'conv_transpose', 'separable', 'linear'].includes(producer.kind) || isExpressionText(text, outSpan)) continue;
    if (producer.origin.blockPath.length) continue; // an edit inside a block would change every use of it
    const want = shapes[other][0];
    fixes.push({ title: `Set out of ${producer.name} to ${want} (match ${shapes[other].join('×')})`, isPreferred: fixes.length === 0, edits: [{ span: outSpan, newText: String(want) }] });
  }
  return fixes;
});

registerFix('CL105', (text, analysis, finding) => {
  const layer = layerOf(analysis, finding);
  if (!layer) return [];
  const pairs = (layer.args as Record<string, any>).padding as Array<[number, number]>;
  const r = renderPadding(pairs);
  const edits = setArg(text, layer.origin, 'padding', r);
  if (!edits) return [];
  return [{ title: `Pad ${r} explicitly (what 'same' computes here) → ${layer.shape!.join('×')}`, isPreferred: true, edits }];
});
