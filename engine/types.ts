// The data the engine hands to every shell (CLI, language server, webview).
// Positions are UTF-16 offsets into the document text (what JS strings and LSP both use);
// `toLineColumn` in source.ts turns them into 0-based line/column.

/** A half-open span [start, end) of the document text. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A location elsewhere that explains a finding (the other operand of an add, a block definition…). */
export interface RelatedSpan {
  span: Span;
  message: string;
}

/** Data a quick fix needs; opaque to the shells, read back by the engine's fix providers. */
export type FindingData = Record<string, unknown>;

export interface Finding {
  /** Stable rule code, e.g. "CL101". */
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedSpan[];
  data?: FindingData;
}

/** An exact rational number p/q with q > 0, kept in lowest terms. */
export interface Rational {
  num: number;
  den: number;
}

/** A set of integers as sorted, disjoint, non-adjacent closed intervals [lo, hi]. */
export type IntervalSet = Array<[number, number]>;

/**
 * Receptive field along one spatial axis, towards the network input.
 * Output position o = m·period + r sees the input positions phases[r] + m·period·jump.
 * For ordinary (integer-jump) networks period = 1 and phases[0] is output 0's field.
 */
export interface AxisField {
  jump: Rational;
  period: number;
  phases: IntervalSet[];
  /** True when the interval bookkeeping hit its bound and holes were merged away. */
  approximate?: boolean;
}

/** Per-axis field summary, as printed by the CLI and shown in hints. */
export interface FieldSummary {
  /** Largest field over output positions, per axis. */
  size: number[];
  /** Effective stride in input pixels per output step, exact. */
  jump: Rational[];
  /** Input coordinate where output 0's field begins (−start is the effective padding). */
  start: number[];
  /** Offsets from start inside output 0's field that never reach the output. */
  holes: number[][];
}

export type ReceptiveField =
  | { kind: 'local'; axes: AxisField[]; summary: FieldSummary; gated?: boolean }
  | { kind: 'global' };

/** Where a layer came from in the source. */
export interface LayerOrigin {
  /** The whole list entry (`- conv: …`) at the top level that produced this layer. */
  entry: Span;
  /** The kind key of the entry that produced this layer (inside the block when from a block). */
  kindKey: Span;
  /** The innermost entry (inside a block definition when the layer comes from a block). */
  innerEntry: Span;
  /** Chain of block instantiations, outermost first: the entry span of each use. */
  blockPath: Array<{ block: string; use: Span; definition: Span }>;
  /** Span of each argument value as written in the innermost entry, by argument name. */
  args: Record<string, { key: Span; value: Span }>;
}

export type Shape = number[];

/** One concrete layer after blocks and repeats are expanded. */
export interface LayerResult {
  /** Display name, dotted for block/repeat instances (`layer2.0.conv1`). */
  name: string;
  kind: string;
  /** Names of the layers (or `input`) this layer reads. */
  from: string[];
  /** The same as indices into Analysis.layers (−1 = the network input): names may repeat in broken files. */
  fromIndex: number[];
  /** Resolved arguments (integers per axis, padding as [before, after] per axis, …). */
  args: Record<string, unknown>;
  inputShapes: Shape[];
  /** Undefined when the shape could not be computed (an error is reported). */
  shape?: Shape;
  params: number;
  buffers: number;
  macs: number;
  /** float32 bytes of the output activation. */
  activationBytes: number;
  rf?: ReceptiveField;
  origin: LayerOrigin;
  /** Index of this layer in `Analysis.layers`. */
  index: number;
  /** For add/mul/concat: whether the operands' fields line up (same jump and centre). */
  merge?: MergeInfo;
}

export interface MergeInfo {
  operands: Array<{ name: string; jump: Rational[]; centre: number[]; size: number[] }>;
  sameJump: boolean;
  sameCentre: boolean;
}

/** One entry of a `layers:` list as written (a layer, a block use, possibly repeated). */
export interface EntryResult {
  span: Span;
  kindKey: Span;
  /** Display name (`conv3`, `layer1`); instances are `name.0`, `name.1`… */
  name: string;
  kind: string;
  isBlock: boolean;
  /** Name of the block whose definition holds this entry; undefined at the top level. */
  inBlock?: string;
  instances: number;
  /** Indices into Analysis.layers of every layer this entry produced (all instances). */
  layers: number[];
  /** Output of the last instance. */
  shape?: Shape;
  /** Every output, for entries with several (a detection head: one per level). */
  outputs?: Shape[];
  /** The constructor call a model file's row makes, as Python (`C2f(c1=32, c2=32, n=1, shortcut=True)`). */
  call?: string;
  /** The module's signature in the form this file uses (yolov5 or Ultralytics). */
  signature?: string;
  /** Repeats as written and after the model's depth gain (Ultralytics rows). */
  repeats?: { written: number; scaled: number };
  inputShape?: Shape;
  rf?: ReceptiveField;
  params: number;
  buffers: number;
  macs: number;
  /** A definition with no shape of its own (a PyTorch constructor line): its parameters, not an output. */
  definition?: boolean;
  /** The row as the format's own tool lists it (Ultralytics' model summary, darknet's layer table). */
  listing?: EntryListing;
}

export interface EntryListing {
  /** The row's or section's index, as the tool numbers it. */
  index: number;
  /** The inputs as the tool prints them: `-1`, `[-1, 6]`, `[15, 18, 21]` (darknet: absolute indexes for route and shortcut). */
  from: string;
  /** Ultralytics: the constructor arguments after scaling, as Python prints them (`[3, 16, 3, 2]`); darknet: `filters size/stride`. */
  arguments: string;
  /** darknet: the section's BFLOPs as AlexeyAB's darknet prints them per layer; undefined where ConvLens does not know them. */
  bflops?: number;
}

export interface BlockInfo {
  name: string;
  keySpan: Span;
  span: Span;
  params: Array<{ name: string; span: Span; default: unknown }>;
  uses: number;
}

/** A name written in `from`, `outputs` or `like`, or a block used as a kind: for navigation. */
export interface NameReference {
  name: string;
  span: Span;
  /** Span of the definition it resolves to (a `name:` value, or a block's key). */
  target?: Span;
  kind: 'layer' | 'block' | 'input';
}

export interface OutputResult {
  name: string;
  shape?: Shape;
  /** Index of the producing layer (−1 = the network input). */
  index: number;
}

export interface Totals {
  params: number;
  buffers: number;
  macs: number;
  flops: number;
  activationBytes: number;
}

/** The network file formats ConvLens reads (engine/readers/). */
export type NetworkFormat = 'cnn-yaml' | 'ultralytics' | 'darknet' | 'onnx' | 'pytorch';

/** The formats read from text (`analyse`); ONNX models are binary (`readOnnx`). */
export type TextNetworkFormat = Exclude<NetworkFormat, 'onnx'>;

/** A total as the format's own tool prints it (Ultralytics' model.info(), darknet's BFLOPs), shown next to ConvLens's. */
export interface NativeFigure {
  /** What it is, as the tool names it: `parameters`, `GFLOPs`, `BFLOPs`. */
  label: string;
  value: number;
  /** As the tool prints it: `8.9`, `3,157,200`. */
  text: string;
  /** How the tool counts it, when that differs from ConvLens's figure. */
  note?: string;
}

/** The result of analysing one document: everything the shells display. */
export interface Analysis {
  /** The format the document was read as. */
  format?: NetworkFormat;
  /** Totals as the format's own tool reports them (absent for cnn-yaml, ConvLens's own format). */
  native?: {
    tool: string;
    figures: NativeFigure[];
    /** More figures the tool prints, kept out of the headline (Ultralytics: its layer count, the summary after fusing). */
    details?: NativeFigure[];
  };
  /**
   * The document's lists of entries, in order (cnn-yaml: `layers`; Ultralytics: `backbone`, `head`):
   * the editor groups the outline by them and shows the totals over the first.
   */
  sections?: Array<{ name: string; keySpan: Span; span: Span }>;
  /** Where the editor shows the network's totals (CodeLens); default: the first section's key. */
  anchor?: Span;
  /** PyTorch: the file's models (nn.Module classes and factory functions) that can be analysed instead, at their names. */
  models?: Array<{ name: string; span: Span }>;
  /** A model file with several sizes (Ultralytics `scales`): the one analysed, the others, and why this one. */
  scale?: { name: string; choices: string[]; from: 'file name' | 'setting' | 'first in scales' };
  name?: string;
  input?: Shape;
  /** PyTorch: the batch size the input was given with (N of `N×C×H×W`, of `torch.randn(N, …)`); the figures are per sample. */
  batch?: number;
  layers: LayerResult[];
  /** Entries as written: top level first, then entries inside block definitions used once or more. */
  entries: EntryResult[];
  /** Ultralytics rows or darknet sections the file lists (entries with a `listing` are those that could be read). */
  rowCount?: number;
  blocks: BlockInfo[];
  references: NameReference[];
  /** Definitions of layer names: the span of each `name:` value. */
  definitions: Array<{ name: string; span: Span; entry: Span }>;
  outputs: OutputResult[];
  totals: Totals;
  findings: Finding[];
}

/** A replacement of the text in `span` (offsets into the document). */
export interface TextEdit {
  span: Span;
  newText: string;
}

/** A fix the engine computes for a finding; the shells turn it into a code action. */
export interface QuickFix {
  title: string;
  /** The real fix, applied by "auto fix" (LSP isPreferred). */
  isPreferred?: boolean;
  edits: TextEdit[];
}
