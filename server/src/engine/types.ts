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
}

export interface OutputResult {
  name: string;
  shape?: Shape;
}

export interface Totals {
  params: number;
  buffers: number;
  macs: number;
  flops: number;
  activationBytes: number;
}

/** The result of analysing one document: everything the shells display. */
export interface Analysis {
  name?: string;
  input?: Shape;
  layers: LayerResult[];
  outputs: OutputResult[];
  totals: Totals;
  findings: Finding[];
}
