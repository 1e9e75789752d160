// The document-analysis service of the language server: one `check()` result per open document,
// always for its latest version.
//
// - Pushes (diagnostics, inlay-hint refresh) are debounced: a burst of keystrokes costs one
//   analysis, after the typing pauses for `debounceMs`. A newer change cancels the pending one,
//   and a result that is already stale when it finishes is never pushed.
// - Requests (inlay hints, hover, completion…) call `get()`, which analyses synchronously when
//   the cached result is older than the document, so an answer never describes an old version.
// - The analysis (shapes, fields, names: what hints, hover, completion and navigation need) and
//   the lint rules are two steps of `check()`: a snapshot runs the rules only when something
//   asks for findings (diagnostics, code actions, totals), so a hint request after a keystroke
//   pays for the analysis alone.
// - A crash of the engine on a half-typed document is caught: the document gets one internal
//   error finding instead of a dead server.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyse, applyRules, documentOptions, DEFAULT_FORMAT_SETTINGS, emptyAnalysis, LineIndex, parseFormatSettings, type Analysis, type Finding, type FormatSettings, type ReadOptions, type RuleConfig } from '../../engine';

export interface Settings {
  inlayHints: { shape: boolean; receptiveField: boolean; params: boolean; macs: boolean };
  rules: RuleConfig;
  debounceMs: number;
  formats: FormatSettings;
}

export const DEFAULT_SETTINGS: Settings = {
  inlayHints: { shape: true, receptiveField: true, params: true, macs: false },
  rules: {},
  debounceMs: 100,
  formats: DEFAULT_FORMAT_SETTINGS,
};

/** Reads the `convlens` settings object (as VS Code's workspace/configuration returns it). */
export function parseSettings(raw: unknown): Settings {
  const s = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const hints = (s.inlayHints ?? {}) as Record<string, any>;
  const flag = (v: any, fallback: boolean) => (typeof v?.enabled === 'boolean' ? v.enabled : fallback);
  const rules: RuleConfig = {};
  if (s.rules && typeof s.rules === 'object') {
    for (const [k, v] of Object.entries(s.rules)) if (['error', 'warning', 'info', 'hint', 'off'].includes(v as string)) rules[k] = v as RuleConfig[string];
  }
  return {
    inlayHints: {
      shape: flag(hints.shape, DEFAULT_SETTINGS.inlayHints.shape),
      receptiveField: flag(hints.receptiveField, DEFAULT_SETTINGS.inlayHints.receptiveField),
      params: flag(hints.params, DEFAULT_SETTINGS.inlayHints.params),
      macs: flag(hints.macs, DEFAULT_SETTINGS.inlayHints.macs),
    },
    rules,
    debounceMs: typeof s.debounceMs === 'number' && s.debounceMs >= 0 ? s.debounceMs : DEFAULT_SETTINGS.debounceMs,
    formats: parseFormatSettings(s.ultralytics, s.pytorch),
  };
}

export interface Snapshot {
  uri: string;
  version: number;
  text: string;
  /** How the document was read; undefined when it is not a network ConvLens reads (other YAML). */
  options?: ReadOptions;
  /** The analysis; `findings` holds the rules' findings too once `rulesApplied`. */
  analysis: Analysis;
  rulesApplied: boolean;
  /** The engine's own errors (before rule settings): each withheld figures, so the totals are partial. */
  engineErrors: Finding[];
  /**
   * While the text does not parse (YAML syntax error, typically mid-typing): the last analysis
   * of this document that did, so completion still knows the blocks, names and parameters.
   */
  lastParsed?: Analysis;
  /** Offsets ↔ positions for this text. */
  lines: LineIndex;
  /** Milliseconds the analysis took. */
  ms: number;
}

type Log = (message: string) => void;

const internalError = (err: unknown, what: string): Finding => ({
  code: 'CL000',
  severity: 'error',
  message: `ConvLens could not ${what} this document (internal error: ${(err as Error)?.message ?? String(err)}).`,
  span: { start: 0, end: 0 },
});

/** The analysis without the lint rules, never throwing. */
export function safeAnalyse(text: string, options: ReadOptions = {}, log?: Log): Analysis {
  try {
    return analyse(text, options);
  } catch (err) {
    log?.(`convlens: the analysis failed: ${(err as Error)?.stack ?? String(err)}`);
    return emptyAnalysis([internalError(err, 'analyse')]);
  }
}


export class AnalysisService {
  private readonly cache = new Map<string, Snapshot>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per document: the Ultralytics scale the user chose (CodeLens), when the file name carries none. */
  private readonly scales = new Map<string, string>();
  /** Per document: the PyTorch model the user chose (CodeLens), instead of the file's top-level one. */
  private readonly models = new Map<string, string>();
  settings: Settings = DEFAULT_SETTINGS;

  constructor(
    /** The open documents (the LSP TextDocuments manager's `get`). */
    private readonly document: (uri: string) => TextDocument | undefined,
    /** Called with a fresh analysis of the latest version, after the debounce. */
    private readonly onAnalysed: (snapshot: Snapshot) => void,
    private readonly log: Log = () => {},
  ) {}

  /** The analysis of the latest version with the rules' findings (diagnostics, fixes, totals). */
  getChecked(uri: string): Snapshot | undefined {
    const snap = this.get(uri);
    return snap && this.applyRules(snap);
  }

  /** Runs the lint rules over a snapshot once (severity settings apply to every finding). */
  applyRules(snap: Snapshot): Snapshot {
    if (snap.rulesApplied) return snap;
    const t0 = performance.now();
    try {
      snap.analysis.findings = applyRules(snap.analysis, snap.text, this.settings.rules);
    } catch (err) {
      this.log(`convlens: the lint rules failed: ${(err as Error)?.stack ?? String(err)}`);
      snap.analysis.findings = [...snap.analysis.findings, internalError(err, 'lint')];
    }
    snap.rulesApplied = true;
    snap.ms += performance.now() - t0;
    return snap;
  }

  /** The analysis of the document's latest version (computed now if the cache is stale), rules not necessarily applied. */
  get(uri: string): Snapshot | undefined {
    const doc = this.document(uri);
    if (!doc) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === doc.version) return cached;
    return this.analyse(doc);
  }

  /** The latest cached snapshot, whatever its version (for cheap status queries). */
  peek(uri: string): Snapshot | undefined {
    return this.cache.get(uri);
  }

  /** A document changed: (re)start its debounce timer. */
  changed(uri: string, immediate = false): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    const run = () => {
      this.timers.delete(uri);
      const doc = this.document(uri);
      if (!doc) return;
      const snap = this.getChecked(uri);
      // Only push a result that is still the latest (a change may have arrived meanwhile).
      if (snap && this.document(uri)?.version === snap.version) this.onAnalysed(snap);
    };
    if (immediate || this.settings.debounceMs === 0) {
      this.timers.set(uri, setTimeout(run, 0));
    } else {
      this.timers.set(uri, setTimeout(run, this.settings.debounceMs));
    }
  }

  closed(uri: string): void {
    this.scales.delete(uri);
    this.models.delete(uri);
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    this.cache.delete(uri);
  }

  /** The user chose a scale for a document: analyse it again. */
  setScale(uri: string, scale: string | undefined): void {
    if (scale) this.scales.set(uri, scale);
    else this.scales.delete(uri);
    this.cache.delete(uri);
    this.changed(uri, true);
  }

  /** The user chose which model of a PyTorch file to analyse: analyse it again. */
  setModel(uri: string, model: string | undefined): void {
    if (model) this.models.set(uri, model);
    else this.models.delete(uri);
    this.cache.delete(uri);
    this.changed(uri, true);
  }

  /** Settings changed: every cached result is stale (rule severities may differ). */
  invalidateAll(): string[] {
    const uris = [...this.cache.keys()];
    this.cache.clear();
    return uris;
  }

  private analyse(doc: TextDocument): Snapshot {
    const text = doc.getText();
    const t0 = performance.now();
    const options = documentOptions(doc.languageId, doc.uri, text, this.settings.formats, this.scales.get(doc.uri), this.models.get(doc.uri));
    // A document that is not a network (plain YAML) gets an empty analysis: no hints, no findings.
    const analysis = options ? safeAnalyse(text, options, this.log) : emptyAnalysis();
    const engineErrors = analysis.findings.filter((f) => f.severity === 'error');
    const snap: Snapshot = { uri: doc.uri, version: doc.version, text, options, analysis, rulesApplied: !options, engineErrors, lines: new LineIndex(text), ms: performance.now() - t0 };
    if (analysis.findings.some((f) => f.code === 'CL001')) {
      const old = this.cache.get(doc.uri);
      snap.lastParsed = old && !old.analysis.findings.some((f) => f.code === 'CL001') ? old.analysis : old?.lastParsed;
    }
    this.cache.set(doc.uri, snap);
    return snap;
  }
}
