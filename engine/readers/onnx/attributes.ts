// A node's attributes as a Netron user reads them: every attribute with its value (ints,
// floats as their float32 values are written, strings), a tensor summarised by its name,
// type, shape and — when it is small — its values, a subgraph named as one. Small metadata:
// no weight is decoded here.
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './proto';
import { DATA_TYPE_NAMES, elementCount, isNumericType, tensorNumbers, TensorDataError } from './tensorData';

/** A tensor attribute (a Constant's value, ConstantOfShape's fill): never its data unless it is tiny. */
export interface TensorSummary {
  tensor: string;
  type: string;
  dims: number[];
  /** Its values when it holds at most MAX_SHOWN_VALUES numbers stored in the file itself. */
  values?: number[];
}

export type OnnxAttributeValue = number | string | number[] | string[] | TensorSummary | { note: string };

/** Tensors of at most this many elements show their values. */
export const MAX_SHOWN_VALUES = 16;

/** AttributeProto.AttributeType. */
const TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12 } as const;

/**
 * The shortest decimal that reads back as the same float32 (ONNX stores attribute floats as
 * float32: epsilon 1e-5 is 9.999999747378752e-6 as a double, and 1e-5 as its user wrote it).
 */
export function float32Value(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const v = Number(f.toPrecision(p));
    if (Math.fround(v) === f) return v;
  }
  return f;
}

function tensorSummary(t: OnnxTensor): TensorSummary {
  const s: TensorSummary = { tensor: t.name || '(inline)', type: DATA_TYPE_NAMES[t.dataType] ?? `type ${t.dataType}`, dims: t.dims.slice() };
  if (!t.external && isNumericType(t.dataType) && elementCount(t.dims) <= MAX_SHOWN_VALUES) {
    try {
      const v = tensorNumbers(t);
      s.values = t.dataType === 1 || t.dataType === 10 || t.dataType === 16 ? v.map(float32Value) : v;
    } catch (err) {
      if (!(err instanceof TensorDataError)) throw err; // a tensor whose data does not fit its shape: summarised without values
    }
  }
  return s;
}

/** One attribute's value, by its declared type (a value left at its default, like `i: 0`, is still shown). */
export function attributeValue(a: OnnxAttribute): OnnxAttributeValue {
  switch (a.type) {
    case TYPE.FLOAT:
      return float32Value(a.f ?? 0);
    case TYPE.INT:
      return a.i ?? 0;
    case TYPE.STRING:
      return a.s ?? '';
    case TYPE.TENSOR:
      return a.t ? tensorSummary(a.t) : { note: '(empty tensor)' };
    case TYPE.FLOATS:
      return a.floats.map(float32Value);
    case TYPE.INTS:
      return a.ints.slice();
    case TYPE.STRINGS:
      return a.strings.slice();
    case TYPE.GRAPH:
    case TYPE.GRAPHS:
      return { note: 'subgraph (control flow)' };
    case TYPE.TENSORS:
    case TYPE.SPARSE_TENSOR:
    case TYPE.SPARSE_TENSORS:
      return { note: 'tensors ConvLens does not read' };
  }
  // IR 1 files carry no type: the field that is set says it.
  if (a.hasGraph) return { note: 'subgraph (control flow)' };
  if (a.t) return tensorSummary(a.t);
  if (a.ints.length) return a.ints.slice();
  if (a.floats.length) return a.floats.map(float32Value);
  if (a.strings.length) return a.strings.slice();
  if (a.s !== undefined) return a.s;
  if (a.f !== undefined) return float32Value(a.f);
  return a.i ?? [];
}

/** Every attribute of a node, by name, in the order the file gives them. */
export function attributesOf(node: OnnxNode): Record<string, OnnxAttributeValue> {
  const out: Record<string, OnnxAttributeValue> = {};
  for (const [name, a] of node.attributes) out[name] = attributeValue(a);
  return out;
}

/** An attribute's value as one line of text (`[3, 3]`, `0.1`, `'SAME_UPPER'`, `tensor 'x' int64 [1] = [0]`). */
export function formatAttribute(v: OnnxAttributeValue): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${(v as Array<number | string>).map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ')}]`;
  if ('note' in v) return v.note;
  return `tensor ${v.tensor === '(inline)' ? '' : `'${v.tensor}' `}${v.type} [${v.dims.join(', ')}]${v.values ? ` = [${v.values.join(', ')}]` : ''}`;
}
