// Step 3, the same for every format: the network is built one layer at a time, and each layer
// gets its output shape, parameters, MACs and receptive field as it is added (the arithmetic is
// in layers.ts and receptiveField.ts). A reader (readers/*) resolves its format into `addLayer`
// calls, every input before the layers that read it; `finish` totals the network.
import type { Analysis, EntryResult, Finding, LayerOrigin, LayerResult, ReceptiveField, RelatedSpan, Shape, Span } from '../types';
import { CODES, type CodeKey } from '../codes';
import { computeLayer, LayerError, type FieldOp } from './layers';
import { alignment, applyMap, centre, FieldTooComplex, summarise, unionFields } from './receptiveField';
import { emptyAnalysis } from './empty';

/**
 * Expansion bound: a typo in `repeat` must not freeze the editor. 10,000 layers analyse (with
 * every rule) in about 0.4 s here; ResNet-1001, among the deepest published CNNs, has ~3,000.
 */
export const MAX_LAYERS = 10_000;

/** Thrown by `addLayer` past MAX_LAYERS; the reader reports it where the expansion started. */
export class TooManyLayers extends Error {}

/** A tensor flowing between layers: what a reader hands to the layers that read it. */
export interface Value {
  /** Index of the producing layer in Analysis.layers; −1 for the network input. */
  index: number;
  shape?: Shape;
  rf?: ReceptiveField;
  /** Display name of the producing layer, or `input`. */
  name: string;
  /** Entry that produced it (for related locations). */
  span?: Span;
}

/** One layer as a reader resolved it: a kind of kinds.ts with its argument values. */
export interface LayerSpec {
  /** Display name, dotted for block/repeat instances (`layer2.0.conv1`). */
  name: string;
  kind: string;
  args: Record<string, unknown>;
  inputs: Value[];
  /** For `upsample: {like: …}`: the layer whose spatial size to match. */
  like?: Value;
  origin: LayerOrigin;
}

/** Reports a finding with a stable code (codes.ts). */
export type Report = (codeKey: CodeKey, message: string, span: Span, related?: RelatedSpan[], data?: Record<string, unknown>) => void;

export class NetworkBuilder {
  readonly findings: Finding[] = [];
  readonly layers: LayerResult[] = [];
  /** Parameters owned outside the forward graph (see addDetachedParameters). */
  private detachedParams = 0;

  readonly report: Report = (codeKey, message, span, related, data) => {
    const info = CODES[codeKey];
    this.findings.push({ code: info.code, severity: info.severity, message, span, ...(related?.length ? { related } : {}), ...(data ? { data } : {}) });
  };

  /** The analysis of an empty network, for the reader to fill in. */
  start(): Analysis {
    return { ...emptyAnalysis(this.findings), layers: this.layers };
  }

  /**
   * Adds one layer: its shape, counts and field from its inputs. A layer PyTorch would refuse is
   * a located finding and gives undefined (layers reading it are then not analysed).
   */
  addLayer(spec: LayerSpec): Value | undefined {
    if (this.layers.length >= MAX_LAYERS) throw new TooManyLayers();
    const { name: fullName, kind, args, inputs, like, origin } = spec;
    const inputShapes = inputs.map((v) => v.shape!);
    let comp;
    try {
      comp = computeLayer({ kind, args, inputs: inputShapes, like: like?.shape });
    } catch (err) {
      if (!(err instanceof LayerError)) throw err;
      const span = err.arg && origin.args[err.arg] ? origin.args[err.arg].value : origin.kindKey;
      const related: RelatedSpan[] = origin.blockPath.map((b) => ({ span: b.use, message: `in block '${b.block}' used here` }));
      if ((err.codeKey === 'elementwiseShapes' || err.codeKey === 'concatShapes') && err.data) {
        const idx = (err.data.operands as number[] | undefined) ?? [0, err.data.operand as number];
        for (const i of idx) {
          const v = inputs[i];
          if (v) related.push({ span: v.span ?? origin.innerEntry, message: `${v.name}: [${v.shape!.join(', ')}]` });
        }
      }
      // The argument spans let a quick fix edit another argument than the one underlined; the
      // operands' shapes and producers let it make one operand match the other.
      this.report(err.codeKey, err.message, span, related, {
        ...err.data,
        layer: fullName,
        kind,
        arg: err.arg,
        inputShape: inputShapes[0],
        args: origin.args,
        operandShapes: inputShapes,
        producers: inputs.map((v) => v.index),
      });
      return undefined;
    }
    for (const n of comp.notes) {
      const span = n.arg && origin.args[n.arg] ? origin.args[n.arg].value : origin.kindKey;
      this.report(n.codeKey, n.message, span, undefined, { ...n.data, layer: fullName, kind, arg: n.arg });
    }

    let elements = 1;
    for (const n of comp.shape) elements *= n;
    const tooBig = !Number.isSafeInteger(comp.params) ? 'parameters' : !Number.isSafeInteger(comp.macs) ? 'MACs' : !Number.isSafeInteger(4 * elements) ? 'output elements' : undefined;
    if (tooBig) {
      this.report('bounds', `${fullName}: its ${tooBig} exceed 2^53 and cannot be counted exactly; the sizes are unrealistic.`, origin.kindKey);
      return undefined;
    }
    const rf = this.fieldOf(comp.field, inputs);
    const index = this.layers.length;
    const layer: LayerResult = {
      name: fullName,
      kind,
      from: inputs.map((v) => v.name),
      fromIndex: inputs.map((v) => v.index),
      args: comp.resolved,
      inputShapes,
      shape: comp.shape,
      params: comp.params,
      buffers: comp.buffers,
      macs: comp.macs,
      activationBytes: 4 * elements,
      rf: rf.rf,
      merge: rf.merge,
      origin,
      index,
    };
    if (args.weights !== undefined) layer.args.weights = args.weights;
    if (Array.isArray(args.bias)) layer.args.biasValues = args.bias;
    this.layers.push(layer);
    return { shape: comp.shape, rf: rf.rf, name: fullName, span: origin.innerEntry, index };
  }

  /** Adds the layers from `first` on to an entry's totals (a layer, or every layer of a block use). */
  credit(entry: EntryResult, first: number): void {
    for (let i = first; i < this.layers.length; i++) {
      const l = this.layers[i];
      entry.layers.push(i);
      entry.params += l.params;
      entry.buffers += l.buffers;
      entry.macs += l.macs;
    }
  }

  /**
   * Parameters a module owns that no layer of the forward pass uses (Ultralytics' DFL: a fixed
   * 1×1 convolution applied only when boxes are decoded), credited to its entry and the totals.
   */
  addDetachedParameters(entry: EntryResult, count: number): void {
    entry.params += count;
    this.detachedParams += count;
  }

  /** Totals, and one finding per problem (the same problem in a block used N times is reported once). */
  finish(result: Analysis): Analysis {
    const t = result.totals;
    for (const l of this.layers) {
      t.params += l.params;
      t.buffers += l.buffers;
      t.macs += l.macs;
      t.activationBytes += l.activationBytes;
    }
    t.params += this.detachedParams;
    t.flops = 2 * t.macs;
    const seen = new Set<string>();
    result.findings = this.findings.filter((f) => {
      const key = `${f.code}|${f.span.start}|${f.span.end}|${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    result.findings.sort((a, b) => a.span.start - b.span.start);
    return result;
  }

  /** The field of a layer's output from its inputs' fields (unions where paths meet). */
  private fieldOf(op: FieldOp, inputs: Value[]): { rf?: ReceptiveField; merge?: LayerResult['merge'] } {
    const fields = inputs.map((v) => v.rf);
    if (fields.some((f) => !f)) return {};
    try {
      switch (op.type) {
        case 'same':
          return { rf: fields[0] };
        case 'global':
          return { rf: { kind: 'global' } };
        case 'unknown':
          return {};
        case 'pass':
          return { rf: fields[op.main] };
        case 'gate': {
          const main = fields[op.main]!;
          return { rf: main.kind === 'local' ? { ...main, gated: true } : main };
        }
        case 'map': {
          const f = fields[0]!;
          if (f.kind === 'global') return { rf: f };
          const axes = f.axes.map((a, i) => applyMap(a, op.axes[i]));
          return { rf: { kind: 'local', axes, summary: summarise(axes), gated: f.gated } };
        }
        case 'union': {
          if (fields.some((f) => f!.kind === 'global')) return { rf: { kind: 'global' } };
          const locals = fields as Array<Extract<ReceptiveField, { kind: 'local' }>>;
          const rank = locals[0].axes.length;
          if (locals.some((f) => f.axes.length !== rank)) return {};
          const merge: LayerResult['merge'] = {
            operands: locals.map((f, i) => ({ name: inputs[i].name, jump: f.summary.jump, centre: f.axes.map(centre), size: f.summary.size })),
            sameJump: true,
            sameCentre: true,
          };
          const axes = [];
          for (let a = 0; a < rank; a++) {
            const per = locals.map((f) => f.axes[a]);
            const al = alignment(per);
            merge.sameJump &&= al.sameJump;
            merge.sameCentre &&= al.sameCentre;
            // Different jumps cannot be one periodic field: keep the widest and mark it approximate.
            axes.push(al.sameJump ? unionFields(per) : { ...per.reduce((x, y) => (Math.max(...y.phases.map((p) => (p.length ? p[p.length - 1][1] - p[0][0] : 0))) > Math.max(...x.phases.map((p) => (p.length ? p[p.length - 1][1] - p[0][0] : 0))) ? y : x)), approximate: true });
          }
          return { rf: { kind: 'local', axes, summary: summarise(axes), gated: locals.some((f) => f.gated) || undefined }, merge };
        }
      }
    } catch (err) {
      if (err instanceof FieldTooComplex) return {};
      throw err;
    }
  }

}
