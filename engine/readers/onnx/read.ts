// The ONNX reader: decodes a model's protobuf bytes (proto.ts), walks its graph in order and
// turns every node that computes on activations into a layer of the engine (ops.ts), while the
// nodes that compute on known values (initializers, constants, the Shape of an activation) are
// evaluated on the spot (folding.ts), so dynamic-axes exports resolve to fixed shapes.
//
// The batch axis: ONNX tensors are [N, C, …]; the engine's have no batch axis. ConvLens analyses
// one sample: N is 1 (a dynamic N takes 1; a fixed N other than 1 is refused) and every
// activation's ONNX shape is [1, …engine shape]. Figures are per sample, as for every format.
//
// Nothing here does I/O: the front end hands in the file's bytes and, for weights stored
// outside it (model.onnx.data), a function that returns the bytes of such a file by name.
import type { Analysis, EntryResult, LayerOrigin, Span } from '../../types';
import type { CodeKey } from '../../codes';
import { identityField, summarise } from '../../analyse/receptiveField';
import { MAX_LAYERS, NetworkBuilder, TooManyLayers, type Value } from '../../analyse/network';
import { decodeModel, DataType, type OnnxModel, type OnnxNode, type OnnxTensor } from './proto';
import { attributesOf, type OnnxAttributeValue } from './attributes';
import { weightConversions, type Producer, type WeightConversions } from './weightOrigins';
import { WireError } from './wire';
import { fold, FoldError, known, type Known } from './folding';
import { planLayers, NotInferable, Unsupported, type LayerPlan, type WeightRef } from './ops';
import { isParameterName, layerNames, moduleOfParameter } from './names';
import { checkTensorData, DATA_TYPE_NAMES, elementCount, isNumericType, TensorDataError, type ExternalData } from './tensorData';
import { onnxNative, onnxDescription } from './native';
import { linearBiases } from './fusion';

export { looksOnnx } from './sniff';

export interface OnnxReadOptions {
  fileName?: string;
  /**
   * The input's shape, with or without the batch axis ([1, 3, 224, 224] or [3, 224, 224]):
   * sizes for the dimensions the file leaves dynamic. Default: batch 1, the file's sizes.
   */
  inputShape?: number[];
  /**
   * Sizes for the input's dynamic dimensions only, when inputShape is not given (a default the
   * user set once for every file): by position, with or without the batch axis ([1, 3, 224,
   * 224]), or by the dimension's name in the file ({ height: 320, width: 320 }). The file's fixed
   * sizes stay.
   */
  dynamicSizes?: number[] | Record<string, number>;
  /** Bytes of a file the model's external data names (`model.onnx.data`), by its location. */
  externalData?: ExternalData;
}

/** One node of the graph as the reader saw it: for a node table, its attributes and the layers it became. */
export interface OnnxNodeInfo {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Every attribute with its value (a tensor summarised: name, type, shape, its values when tiny). */
  attributes: Record<string, OnnxAttributeValue>;
  /** Indices into analysis.layers of the layers this node became (none for shape arithmetic or a withheld node). */
  layers: number[];
  /** Byte range of the NodeProto in the file (findings are located by it). */
  span: Span;
}

/** A tensor as the kernels take it (structurally kernels' Tensor): float32, PyTorch's layout. */
export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

export interface OnnxReadResult {
  analysis: Analysis;
  nodes: OnnxNodeInfo[];
  /** IR version, producer, opset: for a header line. */
  model: { irVersion: number; producer: string; opset: number };
  /** Names of the tensors each layer takes from the file, by parameter name (weight, bias, running_mean, running_var). */
  layerWeights: Map<string, Record<string, WeightRef>>;
  /** A layer's tensors decoded as float32 in PyTorch's layout (undefined for a layer without any). */
  tensorsOf(layer: string): Map<string, FloatTensor> | undefined;
  /** Every layer's tensors, each decoded when first read: a weight store for the kernels (kernels/runtime/weights.ts's WeightStore). */
  weightStore(): { layers: Map<string, Map<string, FloatTensor>> };
  /** How the layers' weights are stored (element types, dequantized integers, external data files): what a run converts. */
  weightConversions(): WeightConversions;
  /** The graph's initializers (weights, constants) by name: element type and shape (a node's inputs name them). */
  initializers: Map<string, { type: string; dims: number[] }>;
}

/** Reads an ONNX model's bytes into the engine's analysis. Never throws on bad input: findings say what is wrong. */
export function readOnnx(bytes: Uint8Array, options: OnnxReadOptions = {}): OnnxReadResult {
  return new OnnxReader(bytes, options).run();
}

/** The analysis of an ONNX model (see readOnnx for the nodes and weights too). */
export function analyseOnnx(bytes: Uint8Array, options: OnnxReadOptions = {}): Analysis {
  return readOnnx(bytes, options).analysis;
}


type Slot = { t: 'act'; v: Value } | { t: 'known'; k: Known } | { t: 'withheld' };

const spanOf = (r: [number, number]): Span => ({ start: r[0], end: r[1] });

/** Ops whose outputs are known values when their inputs are (shape arithmetic); Shape always is. */
const SHAPE_OPS = new Set(['Shape', 'Size']);

class OnnxReader {
  private readonly net = new NetworkBuilder();
  private readonly slots = new Map<string, Slot>();
  private readonly nodes: OnnxNodeInfo[] = [];
  private readonly layerWeights = new Map<string, Record<string, WeightRef>>();
  /** The node each value computed while reading came from (a weight's Cast or DequantizeLinear). */
  private readonly producers = new Map<Known, Producer>();
  private model?: OnnxModel;
  private opset = 0;
  /** MatMul → Add of a bias pairs read as one linear layer (fusion.ts): the bias by MatMul node, the MatMul by Add node. */
  private readonly biasOfMatMul = new Map<number, string>();
  private readonly matMulOfAdd = new Map<number, number>();
  private readonly initializerNames = new Set<string>();

  constructor(private readonly bytes: Uint8Array, private readonly options: OnnxReadOptions) {}

  private report(code: CodeKey, message: string, span: Span, data?: Record<string, unknown>): void {
    this.net.report(code, message, span, undefined, data);
  }

  run(): OnnxReadResult {
    const result: Analysis = this.net.start();
    if (this.options.fileName) result.name = this.options.fileName.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '');
    try {
      this.model = decodeModel(this.bytes);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      const at = Math.min(err.offset, this.bytes.length);
      const truncated = /ends|runs past/.test(err.message);
      this.report('onnxUnreadable', `Not a readable ONNX model: ${truncated ? 'the file is truncated or corrupt' : 'the file is corrupt'} (byte ${at.toLocaleString('en-US')} of ${this.bytes.length.toLocaleString('en-US')}: ${err.message}).`, { start: at, end: at });
      return this.finish(result);
    }
    const model = this.model;
    const graph = model.graph;
    if (!graph || (!graph.nodes.length && !graph.inputs.length)) {
      this.report('onnxUnreadable', 'Not an ONNX model: the file holds no graph (an ONNX model is a ModelProto with a graph of nodes).', { start: 0, end: 0 });
      return this.finish(result);
    }
    this.opset = model.opsets.get('') ?? 0;
    if (!this.opset) this.opset = 1;
    if (graph.sparseInitializers) this.report('onnxUnsupported', `The graph has ${graph.sparseInitializers} sparse initializers, which ConvLens does not read; nodes using them are not analysed.`, { start: 0, end: 0 });
    if (!result.name) result.name = graph.name || undefined;
    for (const t of graph.initializers) {
      this.slots.set(t.name, { t: 'known', k: { dims: t.dims, dataType: t.dataType, tensor: t } });
      this.initializerNames.add(t.name);
    }
    const input = this.readInput(result);
    for (const f of linearBiases(graph)) {
      this.biasOfMatMul.set(f.matmul, f.bias);
      this.matMulOfAdd.set(f.add, f.matmul);
    }
    const names = this.nameLayers();
    try {
      graph.nodes.forEach((node, i) => this.readNode(node, names[i], i));
    } catch (err) {
      if (!(err instanceof TooManyLayers)) throw err;
      this.report('bounds', `The graph has more than ${MAX_LAYERS.toLocaleString('en-US')} layers; analysis stopped there.`, { start: 0, end: 0 });
    }
    void input;
    for (const o of graph.outputs) {
      const slot = this.slots.get(o.name);
      if (!slot || slot.t === 'known') continue;
      if (slot.t === 'withheld') result.outputs.push({ name: o.name, index: -1 });
      else result.outputs.push({ name: o.name, shape: slot.v.shape, index: slot.v.index });
    }
    result.entries = this.net.layers.map((l) => this.entryOf(l.index));
    this.noteFoldedBatchNorm();
    const native = onnxNative(graph, this.layerWeights);
    if (native) result.native = native;
    result.sections = [];
    return this.finish(result);
  }

  private finish(result: Analysis): OnnxReadResult {
    const analysis = this.net.finish(result);
    analysis.format = 'onnx';
    const m = this.model;
    const layerWeights = this.layerWeights;
    const external = this.options.externalData;
    const producers = this.producers;
    const tensorsOf = (layer: string) => {
      const refs = layerWeights.get(layer);
      if (!refs) return undefined;
      const out = new Map<string, FloatTensor>();
      for (const [param, ref] of Object.entries(refs)) out.set(param, materialise(ref, external));
      return out;
    };
    return {
      analysis,
      nodes: this.nodes,
      model: { irVersion: m?.irVersion ?? 0, producer: m ? onnxDescription(m) : '', opset: this.opset },
      layerWeights,
      tensorsOf,
      weightStore: () => {
        // Every tensor is checked now (a missing data file throws here, naming it) but decoded
        // when a kernel first reads its data: the first feature map does not wait for the last layer's weights.
        const layers = new Map<string, Map<string, FloatTensor>>();
        for (const [name, refs] of layerWeights) {
          const tensors = new Map<string, FloatTensor>();
          for (const [param, ref] of Object.entries(refs)) {
            if (ref.value.tensor) checkTensorData(ref.value.tensor, external);
            let data: Float32Array | undefined;
            tensors.set(param, { shape: ref.shape.slice(), get data() { return (data ??= materialise(ref, external).data); } });
          }
          layers.set(name, tensors);
        }
        return { layers };
      },
      weightConversions: () => weightConversions(layerWeights, producers),
      initializers: new Map((m?.graph?.initializers ?? []).map((t) => [t.name, { type: DATA_TYPE_NAMES[t.dataType] ?? `type ${t.dataType}`, dims: t.dims.slice() }])),
    };
  }

  /** The graph's input: its ONNX dims with the dynamic ones filled in; the engine's input value. */
  private readInput(result: Analysis): Value | undefined {
    const graph = this.model!.graph!;
    const inits = new Set(graph.initializers.map((t) => t.name));
    const inputs = graph.inputs.filter((v) => !inits.has(v.name));
    if (!inputs.length) {
      this.report('onnxShape', 'The graph has no input (every graph input is an initializer).', { start: 0, end: 0 });
      return undefined;
    }
    const [first, ...others] = inputs;
    for (const o of others) {
      this.slots.set(o.name, { t: 'withheld' });
      this.report('onnxShape', `The graph has a second input '${o.name}'; ConvLens analyses networks with one input, so the nodes reading it are not analysed.`, spanOf(o.span), { input: o.name });
    }
    const at = spanOf(first.span);
    const withheld = (message: string) => {
      this.report('onnxShape', message, at, { input: first.name });
      this.slots.set(first.name, { t: 'withheld' });
      return undefined;
    };
    if (first.elemType !== undefined && first.elemType !== DataType.FLOAT && first.elemType !== DataType.FLOAT16 && first.elemType !== DataType.DOUBLE) {
      return withheld(`The input '${first.name}' holds ${DATA_TYPE_NAMES[first.elemType] ?? `type ${first.elemType}`} values; ConvLens analyses networks on float images and signals.`);
    }
    if (!first.dims) return withheld(`The input '${first.name}' has no shape in the file: give it (--input-shape, e.g. 1x3x224x224).`);
    let dims = first.dims;
    const given = this.options.inputShape;
    if (given) {
      const g = given.length === dims.length - 1 ? [1, ...given] : given;
      if (g.length !== dims.length) return withheld(`The input shape given, [${given.join(', ')}], does not have the rank of '${first.name}' [${dims.map((d) => d ?? '?').join(', ')}] (${dims.length} axes with the batch axis).`);
      const clash = dims.findIndex((d, i) => typeof d === 'number' && d !== g[i]);
      if (clash >= 0) return withheld(`The input shape given, [${g.join(', ')}], differs from the file's fixed size ${dims[clash]} on axis ${clash} of '${first.name}'.`);
      dims = g;
    } else if (this.options.dynamicSizes) dims = withDynamicSizes(dims, this.options.dynamicSizes);
    if (dims.length < 2) return withheld(`The input '${first.name}' has shape [${dims.join(', ')}]; ConvLens needs [N, C, …].`);
    const resolved = dims.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : undefined));
    const open = resolved.findIndex((d) => d === undefined);
    if (open >= 0) {
      const names = dims.map((d, i) => (resolved[i] === undefined ? `${typeof d === 'string' && d ? `'${d}'` : '?'} (axis ${i})` : '')).filter(Boolean);
      return withheld(`The input '${first.name}' has dynamic ${names.length === 1 ? 'dimension' : 'dimensions'} ${names.join(', ')}: give the input's shape to analyse it (--input-shape, e.g. ${dims.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : i === 1 ? 3 : 224)).join('x')}).`);
    }
    const full = resolved as number[];
    if (full[0] !== 1) return withheld(`The input '${first.name}' has a batch of ${full[0]}; ConvLens analyses one sample (batch 1): its figures are per sample.`);
    if (full.some((d) => !Number.isSafeInteger(d) || d < 1)) return withheld(`The input '${first.name}' has shape [${full.join(', ')}]; every size must be a positive whole number.`);
    result.input = full.slice(1);
    const axes = result.input.slice(1).map(() => identityField());
    const v: Value = { index: -1, name: 'input', shape: result.input, rf: { kind: 'local', axes, summary: summarise(axes) } };
    this.slots.set(first.name, { t: 'act', v });
    return v;
  }

  /** Names for every node that may become a layer (those not computing on known values only). */
  private nameLayers(): Array<string | undefined> {
    const graph = this.model!.graph!;
    const knownNames = new Set(graph.initializers.map((t) => t.name));
    const candidates: Array<{ node: OnnxNode; weight?: string }> = [];
    const index: number[] = [];
    graph.nodes.forEach((node, i) => {
      // (The Add of a linear layer's bias is part of its MatMul's layer.)
      if (this.matMulOfAdd.has(i)) return;
      const allKnown = node.inputs.every((n) => n === '' || knownNames.has(n));
      if (SHAPE_OPS.has(node.opType) || allKnown) {
        node.outputs.forEach((o) => knownNames.add(o));
        return;
      }
      const weight = node.inputs.slice(1).find((n) => n !== '' && this.isInitializer(n));
      candidates.push({ node, weight });
      index[i] = candidates.length - 1;
    });
    const names = layerNames(candidates);
    return graph.nodes.map((_, i) => (index[i] === undefined ? undefined : names[index[i]]));
  }

  /** The bias a MatMul takes from the Add after it (fusion.ts). */
  private fusedBias(index: number): Known | undefined {
    const bias = this.biasOfMatMul.get(index);
    const s = bias === undefined ? undefined : this.slots.get(bias);
    return s?.t === 'known' ? s.k : undefined;
  }

  private isInitializer(name: string): boolean {
    const s = this.slots.get(name);
    return !!s && s.t === 'known' && !!s.k.tensor;
  }

  private readNode(node: OnnxNode, name: string | undefined, index: number): void {
    const info: OnnxNodeInfo = { name: node.name, opType: node.opType, domain: node.domain, inputs: node.inputs, outputs: node.outputs, attributes: attributesOf(node), layers: [], span: spanOf(node.span) };
    this.nodes.push(info);
    const matmul = this.matMulOfAdd.get(index);
    const product = matmul === undefined ? undefined : this.slots.get(this.model!.graph!.nodes[matmul].outputs[0]);
    if (matmul !== undefined && product?.t !== 'known') {
      // The bias Add of a linear layer: its output is the layer's (withheld with it). (On
      // constants, the MatMul and the Add are evaluated as any arithmetic on constants is.)
      this.slots.set(node.outputs[0], product?.t === 'act' ? product : { t: 'withheld' });
      if (product?.t === 'act') info.layers.push(product.v.index);
      return;
    }
    const span = info.span;
    const label = `${node.name ? `Node '${node.name}'` : `The node producing '${node.outputs[0] ?? '?'}'`} (${node.opType})`;
    const withhold = () => node.outputs.forEach((o) => o && this.slots.set(o, { t: 'withheld' }));
    const ins: Array<Slot | undefined> = [];
    for (const n of node.inputs) {
      if (n === '') {
        ins.push(undefined);
        continue;
      }
      const s = this.slots.get(n);
      if (!s) {
        this.report('onnxShape', `${label} reads '${n}', which no earlier node, input or initializer produces.`, span, { node: node.name, op: node.opType });
        return withhold();
      }
      ins.push(s);
    }
    // Downstream of a node that could not be analysed: withheld, reported there.
    if (ins.some((s) => s?.t === 'withheld')) return withhold();
    const attrs = node.attributes;
    if ([...attrs.values()].some((a) => a.hasGraph)) {
      this.report('onnxUnsupported', `${label} has subgraphs (control flow); ConvLens does not analyse ${node.opType}.`, span, { node: node.name, op: node.opType });
      return withhold();
    }
    const knownIns = ins.map((s) => (s?.t === 'known' ? s.k : undefined));
    if (SHAPE_OPS.has(node.opType) && ins[0]?.t === 'act') {
      const dims = [1, ...ins[0].v.shape!];
      if (node.opType === 'Size') this.slots.set(node.outputs[0], { t: 'known', k: known([], [elementCount(dims)]) });
      else {
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dims.length : v, 0), dims.length);
        const start = clamp(attrs.get('start')?.i ?? 0);
        const end = clamp(attrs.get('end')?.i ?? dims.length);
        this.slots.set(node.outputs[0], { t: 'known', k: known([Math.max(end - start, 0)], dims.slice(start, end)) });
      }
      return;
    }
    if (ins.every((s) => s === undefined || s.t === 'known') && name === undefined) {
      try {
        const outs = fold({
          node,
          opset: this.opset,
          inputs: knownIns,
          ints: (n) => attrs.get(n)?.ints,
          int: (n, d) => attrs.get(n)?.i ?? d,
          float: (n, d) => attrs.get(n)?.f ?? d,
          tensorAttr: (n) => attrs.get(n)?.t,
          external: this.options.externalData,
        });
        outs.forEach((k, i) => {
          if (node.outputs[i]) this.slots.set(node.outputs[i], { t: 'known', k });
          if (!this.producers.has(k) && !knownIns.includes(k)) this.producers.set(k, { op: node.opType, inputs: knownIns }); // Identity hands its input on as it is
        });
      } catch (err) {
        if (!(err instanceof FoldError) && !(err instanceof TensorDataError)) throw err;
        this.report('onnxShape', `${label} on constant inputs could not be evaluated: ${err.message}.`, span, { node: node.name, op: node.opType });
        withhold();
      }
      return;
    }
    let plans: LayerPlan[];
    try {
      plans = planLayers({
        node,
        opset: this.opset,
        external: this.options.externalData,
        act: (i) => (ins[i]?.t === 'act' ? (ins[i] as { v: Value }).v : undefined),
        known: (i) => knownIns[i],
        fusedBias: this.fusedBias(index),
        parameter: (i) => isParameterName(node.inputs[i]) && this.initializerNames.has(node.inputs[i]),
      });
    } catch (err) {
      if (err instanceof Unsupported) this.report('onnxUnsupported', `${label}: ${err.message}; it and the nodes after it are not analysed (figures withheld).`, span, { node: node.name, op: node.opType });
      else if (err instanceof NotInferable || err instanceof TensorDataError) this.report('onnxShape', `${label}: ${err.message}; it and the nodes after it are not analysed (figures withheld).`, span, { node: node.name, op: node.opType });
      else throw err;
      return withhold();
    }
    const base = name ?? node.name ?? node.outputs[0];
    for (const plan of plans) {
      const layerName = plans.length > 1 ? `${base}.${plan.output}` : base;
      const out = node.outputs[plan.output];
      const v = this.net.addLayer({ name: layerName, kind: plan.kind, args: plan.args, inputs: plan.inputs, origin: originOf(span) });
      if (!v) {
        if (out) this.slots.set(out, { t: 'withheld' });
        continue;
      }
      info.layers.push(v.index);
      if (plan.weights) {
        this.layerWeights.set(layerName, plan.weights);
        this.checkWeights(layerName, plan.weights, span);
      }
      if (out) this.slots.set(out, { t: 'act', v });
    }
    // Outputs no plan produced (MaxPool's indices, BatchNormalization's training statistics): unused.
    node.outputs.forEach((o) => o && !this.slots.has(o) && this.slots.set(o, { t: 'withheld' }));
  }

  /** Weights that cannot be read (external data not given, too few bytes) leave the figures but not the run: CL024. */
  private checkWeights(layer: string, refs: Record<string, WeightRef>, span: Span): void {
    for (const [param, ref] of Object.entries(refs)) {
      const t = ref.value.tensor;
      if (!t) continue;
      try {
        checkTensorData(t, this.options.externalData);
      } catch (err) {
        if (!(err instanceof TensorDataError)) throw err;
        this.report('onnxWeights', `${layer}: its ${param} cannot be read: ${err.message}. The figures stand; running the model needs these weights.`, span, { layer, param, tensor: t.name });
      }
    }
  }

  private entryOf(index: number): EntryResult {
    const l = this.net.layers[index];
    return {
      span: l.origin.entry,
      kindKey: l.origin.kindKey,
      name: l.name,
      kind: l.kind,
      isBlock: false,
      instances: 1,
      layers: [index],
      shape: l.shape,
      inputShape: l.inputShapes[0],
      rf: l.rf,
      params: l.params,
      buffers: l.buffers,
      macs: l.macs,
    };
  }

  /**
   * An exporter in eval mode folds BatchNorm into the convolution before it: the file then has no
   * BatchNormalization, and those convolutions' weights are tensors the exporter computed
   * (PyTorch names them `onnx::Conv_…`) rather than a module's parameters. Said plainly, never
   * guessed back.
   */
  private noteFoldedBatchNorm(): void {
    const graph = this.model!.graph!;
    if (graph.nodes.some((n) => n.opType === 'BatchNormalization')) return;
    const convs = graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'ConvTranspose');
    const computed = convs.filter((n) => n.inputs[1] && this.isInitializer(n.inputs[1]) && !moduleOfParameter(n.inputs[1]) && n.inputs[2] && this.isInitializer(n.inputs[2]));
    if (!computed.length) return;
    const first = computed[0];
    this.report(
      'onnxFoldedBatchNorm',
      `BatchNorm folded: this file has no BatchNormalization, and ${computed.length} of its ${convs.length} convolutions carry weights and biases the exporter computed (e.g. '${first.inputs[1]}', not a module's parameter), as an export in eval mode does when it folds each BatchNorm into the convolution before it. The parameters counted are the file's; the PyTorch model had 2 parameters and 2 buffers more per channel of each folded BatchNorm, which the file does not say.`,
      spanOf(first.span),
      { folded: computed.length, convolutions: convs.length },
    );
  }
}

/** The file's dims with its dynamic ones given sizes (by position, with or without the batch axis, or by name); a list of another rank gives none. */
function withDynamicSizes(dims: Array<number | string | undefined>, sizes: number[] | Record<string, number>): Array<number | string | undefined> {
  if (!Array.isArray(sizes)) return dims.map((d) => (typeof d === 'string' && Object.hasOwn(sizes, d) ? sizes[d] : d));
  const g = sizes.length === dims.length - 1 ? [undefined, ...sizes] : sizes.length === dims.length ? sizes : null;
  return g ? dims.map((d, i) => (typeof d === 'number' || g[i] === undefined ? d : g[i])) : dims;
}

function originOf(span: Span): LayerOrigin {
  return { entry: span, kindKey: span, innerEntry: span, blockPath: [], args: {} };
}

/** A weight as float32 in PyTorch's layout: a view of the file's bytes when they are aligned float32, else a copy. */
function materialise(ref: WeightRef, external?: ExternalData): FloatTensor {
  const k = ref.value;
  let data: Float32Array;
  const t: OnnxTensor | undefined = k.tensor;
  const raw = t && t.dataType === DataType.FLOAT && LITTLE_ENDIAN && !k.lazy && !k.numbers ? (t.external ? undefined : t.raw) : undefined;
  if (t && raw) {
    if (raw.byteLength !== 4 * elementCount(t.dims)) throw new TensorDataError(`tensor '${t.name}' has ${raw.byteLength} bytes but its shape [${t.dims.join(', ')}] needs ${4 * elementCount(t.dims)}`);
    // Aligned: a view of the file's bytes; else one copy of the bytes (a memcpy, not per element).
    data = (raw.byteOffset & 3) === 0 ? new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength >> 2) : new Float32Array(raw.slice().buffer);
  } else if (k.lazy && !k.numbers) data = Float32Array.from(k.lazy());
  else if (t && !k.numbers) {
    if (!isNumericType(t.dataType)) throw new TensorDataError(`tensor '${t.name}' is not numeric`);
    data = floats(t, external);
  } else data = Float32Array.from(k.numbers ?? []);
  if (ref.transpose) {
    const [K, N] = k.dims;
    const tr = new Float32Array(K * N);
    for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) tr[j * K + i] = data[i * N + j];
    data = tr;
  }
  return { shape: ref.shape.slice(), data };
}

import { tensorFloats as floats } from './tensorData';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
