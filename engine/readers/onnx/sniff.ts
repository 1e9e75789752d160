// Whether some bytes are an ONNX model, for input that has no file name (standard input): the
// top-level fields of a ModelProto, each with its wire type. Every exporter writes ir_version
// (field 1) first; text never starts with its key byte 0x08 (a control character).
import { WireReader, WireType, WireError } from './wire';

/** ModelProto's fields and their wire types (onnx.proto). */
const MODEL_FIELDS: Record<number, WireType> = {
  1: WireType.Varint, // ir_version
  2: WireType.Bytes, // producer_name
  3: WireType.Bytes, // producer_version
  4: WireType.Bytes, // domain
  5: WireType.Varint, // model_version
  6: WireType.Bytes, // doc_string
  7: WireType.Bytes, // graph
  8: WireType.Bytes, // opset_import
  14: WireType.Bytes, // metadata_props
  20: WireType.Bytes, // training_info
  25: WireType.Bytes, // functions
};

/** The IR versions there are (1 … 10 in 2024), with room for a few more. */
const MAX_IR_VERSION = 32;

/**
 * True when the bytes start as an ONNX model does: ir_version, then only ModelProto fields as
 * far as they can be read (a truncated model still counts: the reader then says where it ends).
 */
export function looksOnnx(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0x08) return false;
  const r = new WireReader(bytes);
  try {
    r.tag();
    const ir = r.varint();
    if (ir < 1 || ir > MAX_IR_VERSION) return false;
    let fields = 1;
    while (!r.done) {
      const { field, type } = r.tag();
      if (MODEL_FIELDS[field] !== type) return false;
      r.skip(type);
      fields++;
    }
    return fields > 1;
  } catch (err) {
    if (err instanceof WireError) return r.pos > 2; // cut short after the first fields
    throw err;
  }
}
