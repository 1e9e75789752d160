// The ONNX messages ConvLens reads (onnx.proto, IR versions 3–10), decoded from the wire format
// into plain objects. Tensor contents stay where they are in the file: a TensorProto keeps the
// view of its raw_data (or its external-data location) and is decoded only when read
// (tensorData.ts). Fields ConvLens has no use for (doc strings, training info, functions,
// sparse initializers) are skipped.
import { WireReader, WireType } from './wire';

/** TensorProto.DataType. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** raw_data: a view into the file's bytes. */
  raw?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  /** data_location = EXTERNAL: where the bytes are (key/value pairs: location, offset, length). */
  external?: Record<string, string>;
  /** Byte range of the TensorProto in the file (for located findings). */
  span: [number, number];
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats: number[];
  ints: number[];
  strings: string[];
  /** Subgraphs (If/Loop bodies): present means ConvLens cannot follow the node. */
  hasGraph?: boolean;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
  span: [number, number];
}

/** A dimension: a number, a symbolic name (dim_param), or unknown. */
export type OnnxDim = number | string | undefined;

export interface OnnxValueInfo {
  name: string;
  elemType?: number;
  /** Undefined when the type carries no shape at all. */
  dims?: OnnxDim[];
  span: [number, number];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  /** Sparse initializers are not read; their names are kept so a node using one is reported. */
  sparseInitializers: number;
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  /** Opset version by domain ('' = the default ONNX domain, 'ai.onnx' also maps there). */
  opsets: Map<string, number>;
  graph?: OnnxGraph;
}

const varint = (r: WireReader) => r.varint();
const float32 = (r: WireReader) => r.float32();
const float64 = (r: WireReader) => r.fixed64();

export function decodeModel(bytes: Uint8Array): OnnxModel {
  const r = new WireReader(bytes);
  const model: OnnxModel = { irVersion: 0, producerName: '', producerVersion: '', opsets: new Map() };
  while (!r.done) {
    const { field, type } = r.tag();
    if (field === 1 && type === WireType.Varint) model.irVersion = r.varint();
    else if (field === 2 && type === WireType.Bytes) model.producerName = r.string();
    else if (field === 3 && type === WireType.Bytes) model.producerVersion = r.string();
    else if (field === 7 && type === WireType.Bytes) model.graph = decodeGraph(r.sub());
    else if (field === 8 && type === WireType.Bytes) {
      const o = r.sub();
      let domain = '';
      let version = 0;
      while (!o.done) {
        const t = o.tag();
        if (t.field === 1 && t.type === WireType.Bytes) domain = o.string();
        else if (t.field === 2 && t.type === WireType.Varint) version = o.varint();
        else o.skip(t.type);
      }
      model.opsets.set(domain === 'ai.onnx' ? '' : domain, version);
    } else r.skip(type);
  }
  return model;
}

function decodeGraph(r: WireReader): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [], sparseInitializers: 0 };
  while (!r.done) {
    const { field, type } = r.tag();
    if (type !== WireType.Bytes) {
      r.skip(type);
      continue;
    }
    switch (field) {
      case 1:
        g.nodes.push(decodeNode(r.sub()));
        break;
      case 2:
        g.name = r.string();
        break;
      case 5:
        g.initializers.push(decodeTensor(r.sub()));
        break;
      case 11:
        g.inputs.push(decodeValueInfo(r.sub()));
        break;
      case 12:
        g.outputs.push(decodeValueInfo(r.sub()));
        break;
      case 13:
        g.valueInfo.push(decodeValueInfo(r.sub()));
        break;
      case 15:
        g.sparseInitializers++;
        r.skip(type);
        break;
      default:
        r.skip(type);
    }
  }
  return g;
}

function decodeNode(r: WireReader): OnnxNode {
  const start = r.pos;
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map(), span: [start, r.end] };
  while (!r.done) {
    const { field, type } = r.tag();
    if (type !== WireType.Bytes) {
      r.skip(type);
      continue;
    }
    if (field === 1) n.inputs.push(r.string());
    else if (field === 2) n.outputs.push(r.string());
    else if (field === 3) n.name = r.string();
    else if (field === 4) n.opType = r.string();
    else if (field === 7) n.domain = r.string();
    else if (field === 5) {
      const a = decodeAttribute(r.sub());
      n.attributes.set(a.name, a);
    } else r.skip(type);
  }
  if (n.domain === 'ai.onnx') n.domain = '';
  return n;
}

function decodeAttribute(r: WireReader): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0, floats: [], ints: [], strings: [] };
  while (!r.done) {
    const { field, type } = r.tag();
    switch (field) {
      case 1:
        a.name = r.string();
        break;
      case 20:
        a.type = r.varint();
        break;
      case 2:
        a.f = r.float32();
        break;
      case 3:
        a.i = r.varint();
        break;
      case 4:
        a.s = r.string();
        break;
      case 5:
        a.t = decodeTensor(r.sub());
        break;
      case 6:
      case 11:
        a.hasGraph = true;
        r.skip(type);
        break;
      case 7:
        r.repeated(type, float32, a.floats);
        break;
      case 8:
        r.repeated(type, varint, a.ints);
        break;
      case 9:
        a.strings.push(r.string());
        break;
      default:
        r.skip(type);
    }
  }
  return a;
}

function decodeTensor(r: WireReader): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, span: [r.pos, r.end] };
  let location = 0;
  const external: Record<string, string> = {};
  while (!r.done) {
    const { field, type } = r.tag();
    switch (field) {
      case 1:
        r.repeated(type, varint, t.dims);
        break;
      case 2:
        t.dataType = r.varint();
        break;
      case 4:
        r.repeated(type, float32, (t.floatData ??= []));
        break;
      case 5:
        r.repeated(type, varint, (t.int32Data ??= []));
        break;
      case 7:
        r.repeated(type, varint, (t.int64Data ??= []));
        break;
      case 10:
        r.repeated(type, float64, (t.doubleData ??= []));
        break;
      case 8:
        t.name = r.string();
        break;
      case 9:
        t.raw = r.view8();
        break;
      case 13: {
        const e = r.sub();
        let key = '';
        let value = '';
        while (!e.done) {
          const f = e.tag();
          if (f.field === 1 && f.type === WireType.Bytes) key = e.string();
          else if (f.field === 2 && f.type === WireType.Bytes) value = e.string();
          else e.skip(f.type);
        }
        external[key] = value;
        break;
      }
      case 14:
        location = r.varint();
        break;
      default:
        r.skip(type);
    }
  }
  if (location === 1) t.external = external;
  return t;
}

function decodeValueInfo(r: WireReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', span: [r.pos, r.end] };
  while (!r.done) {
    const { field, type } = r.tag();
    if (field === 1 && type === WireType.Bytes) v.name = r.string();
    else if (field === 2 && type === WireType.Bytes) {
      // TypeProto → tensor_type (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) | dim_param (2)
      const tp = r.sub();
      while (!tp.done) {
        const t = tp.tag();
        if (t.field !== 1 || t.type !== WireType.Bytes) {
          tp.skip(t.type);
          continue;
        }
        const tt = tp.sub();
        while (!tt.done) {
          const f = tt.tag();
          if (f.field === 1 && f.type === WireType.Varint) v.elemType = tt.varint();
          else if (f.field === 2 && f.type === WireType.Bytes) {
            v.dims = [];
            const sh = tt.sub();
            while (!sh.done) {
              const d = sh.tag();
              if (d.field !== 1 || d.type !== WireType.Bytes) {
                sh.skip(d.type);
                continue;
              }
              const dim = sh.sub();
              let value: OnnxDim;
              while (!dim.done) {
                const x = dim.tag();
                if (x.field === 1 && x.type === WireType.Varint) value = dim.varint();
                else if (x.field === 2 && x.type === WireType.Bytes) value = dim.string();
                else dim.skip(x.type);
              }
              v.dims.push(value);
            }
          } else tt.skip(f.type);
        }
      }
    } else r.skip(type);
  }
  return v;
}
