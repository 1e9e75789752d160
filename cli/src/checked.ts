// One file of a run, analysed: the engine's analysis and lint findings, or, for a file that
// could not be read or is not a network, an empty analysis whose one finding (CL012) says why.
import { check, checkOnnx, CODES, emptyAnalysis, formatOf, LineIndex, looksDarknet, looksUltralytics, type Analysis, type OnnxReadResult, type TextNetworkFormat } from '../../engine';
import { STDIN_NAME, type Source } from './files/read';
import { externalDataNextTo } from './files/externalData';
import type { ModelOptions } from './modelOptions';

export interface Checked {
  file: string;
  text: string;
  analysis: Analysis;
  /** An ONNX model's nodes and weights (text is then empty: findings are located by node). */
  onnx?: OnnxReadResult;
}

/** An analysis of nothing, carrying one CL012 finding on line 1. */
export function notANetwork(file: string, reason: string): Checked {
  const analysis = emptyAnalysis([{ code: CODES.notANetwork.code, severity: 'error', message: reason, span: { start: 0, end: 0 } }]);
  return { file, text: '', analysis };
}

/** A model on standard input has no folder: its external data files cannot be found. */
const NO_FOLDER = Object.assign(() => undefined, {
  unavailable: "which cannot be read: the model came on standard input, so there is no folder to find it in (give the model's path instead, e.g. convlens summary model.onnx)",
});

/** Nothing but blank lines and comments (`#`, and darknet's `;`). */
const blank = (text: string) => /^(\s*([#;].*)?\n?)*$/.test(text);
/** Top-level keys only Ultralytics model files have. */
const ULTRALYTICS_KEYS = /^(nc|scales|backbone|head|depth_multiple|width_multiple|anchors)[ \t]*:/m;

/**
 * The format a file given on the command line is read as, beyond formatOf's claim: standard input
 * by its text; an empty or comment-only .cfg as darknet; a .yaml that has Ultralytics' keys and
 * none of cnn-yaml's, or is empty and named like a YOLO model, as Ultralytics. So that a YOLO
 * or darknet user is told what their format needs, not what cnn-yaml needs.
 */
function formatGiven(fileName: string | undefined, text: string): TextNetworkFormat | undefined {
  if (fileName === undefined) return looksUltralytics(text) ? 'ultralytics' : looksDarknet(text) ? 'darknet' : undefined;
  const claimed = formatOf(fileName, text);
  // (An .onnx file is read from its bytes, never as text.)
  if (claimed) return claimed === 'onnx' ? undefined : claimed;
  const name = fileName.toLowerCase();
  if (name.endsWith('.cfg') && blank(text)) return 'darknet';
  if (/\.ya?ml$/.test(name) && !/^(input|layers)[ \t]*:/m.test(text) && (ULTRALYTICS_KEYS.test(text) || (blank(text) && /yolo/.test(name.split(/[\\/]/).pop()!)))) return 'ultralytics';
  return undefined;
}

export function checkSource(source: Source, options: ModelOptions = {}): Checked {
  if ('problem' in source) return notANetwork(source.file, source.problem);
  if ('bytes' in source) {
    const externalData = source.file === STDIN_NAME ? NO_FOLDER : externalDataNextTo(source.file);
    const onnx = checkOnnx(source.bytes, { fileName: source.file, inputShape: options.inputShape, externalData });
    return { file: source.file, text: '', analysis: onnx.analysis, onnx };
  }
  // (--input-shape is also PyTorch source's input per sample; the other text formats ignore it.)
  const readOptions = options;
  const { file, text } = source;
  const fileName = file === STDIN_NAME ? undefined : file;
  const analysis = check(text, { ...readOptions, fileName, format: formatGiven(fileName, text) });
  // A file named on the command line is read as cnn-yaml whatever its name; when its name is not
  // a network's either and it is not even YAML, it is some other file given by mistake.
  const yamlError = analysis.findings.find((f) => f.code === CODES.yamlSyntax.code);
  if (fileName !== undefined && yamlError && !analysis.layers.length && formatOf(fileName, text) === undefined) {
    const at = new LineIndex(text).position(yamlError.span.start);
    return notANetwork(file, `Not a network file: its name is not a network's (*.cnn.yaml) and it is not YAML (line ${at.line + 1}, column ${at.character + 1}: ${yamlError.message.replace(/^YAML syntax: /, '')}).`);
  }
  return { file, text, analysis };
}

export const isNotANetwork = (c: Checked) => c.analysis.findings.some((f) => f.code === CODES.notANetwork.code);

/** 2 when a file is not a network (CL012), else 1 when any finding is an error, else 0. */
export function exitCode(checked: Checked[]): number {
  if (checked.some(isNotANetwork)) return 2;
  return checked.some((c) => c.analysis.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}
