// Messages between the preview page (main.ts) and its worker (worker.ts).
import type { Stats } from '../../kernels';
import type { DocumentOptions, ModelFile } from '../../protocol/preview';
import type { LayerGroup } from './render/groups';
import type { LayerExplanation } from '../../engine/explain';
import type { Severity, Totals } from '../../engine/types';
import type { OnnxAttributeValue } from '../../engine';
import type { ShownChannels } from './shownChannels';

/** Input spec for a run. */
export type RunInput = { kind: 'sample'; name: string } | { kind: 'tensor'; shape: number[]; data: Float32Array };

/** Page → worker. */
export type WorkerRequest =
  /** `model`: run the model file the worker has (its own weights), with sizes for its dynamic input dimensions; else the text. */
  | { type: 'run'; id: number; text: string; options?: DocumentOptions; model?: Pick<ModelFile, 'inputShape' | 'dynamicSizes'>; input: RunInput; seed: number; shown?: ShownChannels }
  | { type: 'cancel'; id: number }
  /** Layers of run `id` computed again (the same input, weights and seed: the same values): each whole (channels null) or only the given channels. */
  | { type: 'recompute'; id: number; want: Array<{ index: number; channels: number[] | null }> }
  /** The previous run's output buffers, moved back for the next run's outputs of the same sizes. */
  | { type: 'recycle'; buffers: ArrayBuffer[] }
  /** The weights file the next runs use (null: random weights); the worker parses it. */
  | { type: 'weights'; file: { name: string; bytes: Uint8Array } | null }
  /** The ONNX model file the runs with `model` read (null: none). */
  | { type: 'model'; model: Omit<ModelFile, 'inputShape' | 'dynamicSizes'> | null }
  /** The statistics of one layer's tensors from the weights of run `id` (computed when the user asks, not before). */
  | { type: 'weightStats'; id: number; layer: string };

/** What the worker made of the weights file for the analysed network. */
export interface WeightsInfo {
  name: string;
  /** Where in the file the tensors were (`checkpoint['model'] (…DetectionModel)`, `darknet 0.2.0`). */
  source: string | null;
  tensors: number;
  /** Loaded tensors by the dtype the file stored them in (float16 and bfloat16 were converted to float32). */
  dtypes: Record<string, number>;
  /** ONNX: tensors a DequantizeLinear turned from integers into float32, by stored dtype. */
  dequantized?: Record<string, number>;
  /** ONNX: the external data files the weights were read from. */
  external?: string[];
  /** Why the file is not used (unreadable, or it does not fit the network); null when it is. */
  problem: string | null;
  /** The layers that take tensors from the file (when it is used); their statistics are asked for one layer at a time. */
  layers: string[];
}

/** One tensor of a weights file, summarised. */
export interface TensorStats {
  param: string;
  shape: number[];
  min: number;
  max: number;
  mean: number;
  std: number;
}

export interface LayerInfo {
  index: number;
  name: string;
  kind: string;
  from: string[];
  shape: number[] | null;
  inputShapes: number[][];
  args: Record<string, unknown>;
  rf: unknown;
  /** The YOLO row, Darknet section or block use the layer belongs to (null: it stands alone). */
  group: LayerGroup | null;
  params: number;
  macs: number;
  /** Its figures as arithmetic (what the editor's hover shows). */
  explain: LayerExplanation;
  /** The ONNX node it came from, as the file has it. */
  source?: LayerSource;
}

/** A layer's node in a model file: its name, op, domain, inputs and outputs by name, every attribute with its value. */
export interface LayerSource {
  node: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttributeValue>;
  /** The inputs that are the file's initializers: element type and shape. */
  initializers: Record<string, { type: string; dims: number[] }>;
}

/** A finding of the analysis, with the layer it is about when its place is one layer's. */
export interface FindingInfo {
  code: string;
  severity: Severity;
  message: string;
  layer: string | null;
}

/** Worker → page. */
export type WorkerReply =
  | { type: 'analysis'; id: number; input: number[] | null; layers: LayerInfo[]; error: string | null; weights: WeightsInfo | null; findings: FindingInfo[]; totals: Totals }
  | { type: 'input'; id: number; shape: number[]; data: Float32Array }
  /** stats: min/max/mean of data, computed in the worker (where the kernels' code is already warm). */
  /** A large output comes as its shown part (shownChannels.ts): `data` holds `channels`' values; `activity` and `mean` are the whole tensor's. */
  | { type: 'layer'; id: number; index: number; shape: number[]; data: Float32Array; ms: number; stats: Stats; channels?: number[]; activity?: Float64Array; mean?: Float32Array }
  /** A layer computed again (recompute): whole, or `channels`' values one after the other. */
  | { type: 'recomputed'; id: number; index: number; shape: number[]; data: Float32Array; channels: number[] | null }
  /** reused: outputs written into buffers of the previous run (moved back by the page); randomWeights: no weights file was used. */
  | { type: 'done'; id: number; ms: number; backend: 'wasm' | 'js'; reused: number; randomWeights: boolean }
  | { type: 'cancelled'; id: number }
  /** One layer's tensors summarised (asked for with weightStats). */
  | { type: 'weightStats'; id: number; layer: string; stats: TensorStats[] }
  | { type: 'error'; id: number; message: string; layer?: string };
