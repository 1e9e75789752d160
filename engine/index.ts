// The engine's public surface: one call, `analyse(text)`, used by the CLI, the language server
// and the webview alike. Pure: no vscode, no LSP, no I/O.
export { analyse, formatOf, looksDarknet, looksUltralytics, type ReadOptions } from './readers';
export { AnalysisCancelled } from './readers/cancelled';
export { DEFAULT_FORMAT_SETTINGS, LANGUAGE_FORMATS, documentOptions, fileNameOf, parseFormatSettings, type FormatSettings } from './readers/documents';
export { MAX_LAYERS } from './analyse/network';
export { emptyAnalysis } from './analyse/empty';
export * from './types';
export { CODES } from './codes';
export { KINDS, didYouMean } from './kinds';
export { LineIndex } from './source';
export { fieldAt, formatField, summarise } from './analyse/receptiveField';
export { formatRational, toNumber } from './analyse/rational';
export { check, checkOnnx, type CheckOptions } from './check';
export { RULES, allCodes, applyRules, docPath, type Rule, type RuleConfig } from './rules';
export { quickFixes, registerFix, type FixProvider } from './fixes';
export { MODULES as ULTRALYTICS_MODULES } from './readers/ultralytics/modules';
export { readOnnx, analyseOnnx, looksOnnx, type OnnxReadOptions, type OnnxReadResult, type OnnxNodeInfo, type FloatTensor } from './readers/onnx/read';
export { formatAttribute, type OnnxAttributeValue } from './readers/onnx/attributes';
export type { WeightConversions } from './readers/onnx/weightOrigins';
