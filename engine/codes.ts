// Stable codes of the findings the engine itself reports while reading and analysing a network.
// Lint rules (rules/) add their own codes; docs/rules/<code>.md explains each one.
import type { Severity } from './types';

export interface CodeInfo {
  code: string;
  /** Kebab-case id used in settings: convlens.rules.<id>. */
  id: string;
  title: string;
  severity: Severity;
}

const c = (code: string, id: string, title: string, severity: Severity = 'error'): CodeInfo => ({ code, id, title, severity });

export const CODES = {
  yamlSyntax: c('CL001', 'yaml-syntax', 'YAML syntax error'),
  schema: c('CL002', 'schema', 'Wrong structure or type'),
  unknownKind: c('CL003', 'unknown-kind', 'Unknown layer kind'),
  unknownArgument: c('CL004', 'unknown-argument', 'Unknown argument'),
  unknownName: c('CL005', 'unknown-name', 'Unknown layer name'),
  duplicateName: c('CL006', 'duplicate-name', 'Duplicate layer name'),
  cycle: c('CL007', 'cycle', 'Layers depend on each other in a cycle'),
  recursiveBlock: c('CL008', 'recursive-block', 'A block uses itself'),
  expression: c('CL009', 'expression', 'Invalid expression'),
  bounds: c('CL010', 'bounds', 'Size limit exceeded'),
  badValue: c('CL011', 'bad-value', 'Invalid argument value'),
  notANetwork: c('CL012', 'not-a-network', 'Not a readable network file'),
  ultralyticsScale: c('CL013', 'model-scale', 'Model scale assumed', 'info'),
  formatNote: c('CL014', 'format-note', "How a convention of the file's format was applied", 'hint'),
  onnxUnreadable: c('CL020', 'onnx-unreadable', 'ONNX file truncated or corrupt'),
  onnxUnsupported: c('CL021', 'onnx-unsupported-op', 'ONNX operator ConvLens does not analyse'),
  onnxShape: c('CL022', 'onnx-shape', 'ONNX shape that cannot be worked out'),
  onnxFoldedBatchNorm: c('CL023', 'onnx-folded-batchnorm', 'BatchNorm folded into the convolutions by the exporter', 'info'),
  onnxWeights: c('CL024', 'onnx-weights', 'ONNX weights that cannot be read', 'warning'),
  pytorchNotFollowed: c('CL030', 'not-followed', 'Python code ConvLens could not follow', 'info'),
  pytorchInput: c('CL031', 'input-shape', 'No input shape for the model', 'info'),
  viewShape: c('CL032', 'view-shape', 'view/reshape does not fit the tensor'),
  pythonError: c('CL033', 'python-error', "The model's code raises an exception here"),
  pytorchInputForm: c('CL036', 'input-shape-form', "The input shape fits neither a sample nor a batch of the model's layers"),
  outputSize: c('CL101', 'output-size', 'Output size zero or negative'),
  channels: c('CL102', 'channels', 'Channel counts do not fit'),
  elementwiseShapes: c('CL103', 'elementwise-shapes', 'add/mul operands differ in shape'),
  concatShapes: c('CL104', 'concat-shapes', 'concat operands differ outside the concat axis'),
  sameStride: c('CL105', 'same-stride', "padding 'same' with stride > 1", 'warning'),
  poolPadding: c('CL106', 'pool-padding', 'Pooling padding larger than half the kernel'),
  outputPadding: c('CL107', 'output-padding', 'output_padding not smaller than stride or dilation'),
  rank: c('CL108', 'rank', 'Layer cannot act on a tensor of this rank'),
  weightsShape: c('CL109', 'weights-shape', 'weights/bias values do not match the layer'),
  detectionChannels: c('CL110', 'detection-channels', 'Detection layer and its convolution disagree on the channels'),
} as const;

export type CodeKey = keyof typeof CODES;
