// An ONNX model is binary: it is read from its bytes (readOnnx), never as text. `analyse(text)`
// with the onnx format answers with this one finding instead of misreading the file.
import type { Analysis } from '../../types';
import { CODES } from '../../codes';
import { emptyAnalysis } from '../../analyse/empty';

export function onnxAsText(): Analysis {
  return emptyAnalysis([{ code: CODES.notANetwork.code, severity: 'error', message: 'An ONNX model is binary: ConvLens reads it from its bytes (readOnnx / analyseOnnx), not as text.', span: { start: 0, end: 0 } }]);
}
