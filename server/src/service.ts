// The document-analysis service of the language server: one `check()` result per open document,
// always for its latest version.
//
// - PyTorch files are analysed in a worker thread (analysis/), so the main thread keeps
//   answering while a large Python file is analysed; a new version of a document cancels the
//   running analysis of the older one at once (the keystroke, not the debounce). The other
//   formats are analysed on the main thread: their readers are bounded and fast, and copying a
//   large analysis across threads (a 2,000-layer YAML network: 2.6 MB) costs about as much as
//   computing it, and that copy would land on the main thread anyway.
// - Pushes (diagnostics, inlay-hint refresh) are debounced: a burst of keystrokes costs one
//   analysis, after the typing pauses for `debounceMs`. A result that is already stale when it
//   finishes is never pushed.
// - Requests (inlay hints, hover…) `await get()`: the finished analysis of the latest version,
//   or the running one (started now if the debounce has not fired), so an answer never
//   describes an old version. A request cancelled by the client stops waiting.
// - The analysis (shapes, fields, names: what hints, hover, completion and navigation need) and
//   the lint rules are two steps of `check()`: a snapshot runs the rules only when something
//   asks for findings (diagnostics, code actions, totals), so a hint request after a keystroke
//   pays for the analysis alone.
// - A crash of the engine on a half-typed document, a runaway or a dead worker is caught: the
//   document gets one finding (CL000, CL034, CL035) instead of a dead server.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { applyRules, documentOptions, DEFAULT_FORMAT_SETTINGS, emptyAnalysis, LineIndex, parseFormatSettings, type Analysis, type Finding, type FormatSettings, type ReadOptions, type RuleConfig } from '../../engine';
import { InProcessAnalyser, type Analyser } from './analysis/analyser';
import { internalError } from './analysis/failures';

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

/** Stops a wait when the client cancels its request. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** Thrown by `get()` when the request waiting for the analysis was cancelled by the client. */
export class RequestCancelled extends Error {
  constructor() {
    super('request cancelled');
  }
}

interface Job {
  version: number;
  promise: Promise<Snapshot | undefined>;
  cancel(): void;
}

export class AnalysisService {
  /** Per document: the latest finished analysis (possibly of an older version: `get` checks). */
  private readonly cache = new Map<string, Snapshot>();
  /** Per document: the analysis running (or queued) for one version. */
  private readonly jobs = new Map<string, Job>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per document: the Ultralytics scale the user chose (CodeLens), when the file name carries none. */
  private readonly scales = new Map<string, string>();
  /** Per document: the PyTorch model the user chose (CodeLens), instead of the file's top-level one. */
  private readonly models = new Map<string, string>();
  settings: Settings = DEFAULT_SETTINGS;
  /** Where the formats other than PyTorch are analysed: on this thread. */
  private readonly local: Analyser;

  constructor(
    /** The open documents (the LSP TextDocuments manager's `get`). */
    private readonly document: (uri: string) => TextDocument | undefined,
    /** Called with a fresh analysis of the latest version, after the debounce. */
    private readonly onAnalysed: (snapshot: Snapshot) => void,
    private readonly log: Log = () => {},
    /** Where PyTorch files are analysed (the server gives a worker analyser). */
    public analyser: Analyser = new InProcessAnalyser(log),
    /** Told when an analysis of a version starts (the `convlens/analysing` notification). */
    private readonly onStarted: (uri: string, version: number) => void = () => {},
  ) {
    this.local = new InProcessAnalyser(log);
  }

  /** The analysis of the latest version with the rules' findings (diagnostics, fixes, totals). */
  async getChecked(uri: string, token?: Cancellation): Promise<Snapshot | undefined> {
    const snap = await this.get(uri, token);
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

  /**
   * The analysis of the document's latest version, rules not necessarily applied: the cached
   * one, else the running one (started now if need be). When the document changes while this
   * waits, it waits for the new version's. Rejects with RequestCancelled when `token` fires.
   */
  async get(uri: string, token?: Cancellation): Promise<Snapshot | undefined> {
    for (;;) {
      if (token?.isCancellationRequested) throw new RequestCancelled();
      const doc = this.document(uri);
      if (!doc) return undefined;
      const snap = await untilCancelled(this.ensure(doc), token);
      if (snap && snap.version === this.document(uri)?.version) return snap;
    }
  }

  /** The latest cached snapshot, whatever its version (for cheap status queries). */
  peek(uri: string): Snapshot | undefined {
    return this.cache.get(uri);
  }

  /** How the document is read (its format), without analysing it; undefined when it is not a network. */
  readOptions(uri: string): ReadOptions | undefined {
    const doc = this.document(uri);
    return doc && this.optionsOf(doc, doc.getText());
  }

  /** A document changed: abandon the analysis of its older version and (re)start its debounce timer. */
  changed(uri: string, immediate = false): void {
    const job = this.jobs.get(uri);
    if (job && job.version !== this.document(uri)?.version) this.cancelJob(uri);
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    const run = async () => {
      this.timers.delete(uri);
      const doc = this.document(uri);
      if (!doc) return;
      const snap = await this.ensure(doc);
      // Requests that waited for this analysis are answered first (the user waits for them; a
      // client may also count on a version's answers preceding its push).
      await new Promise((resolve) => setImmediate(resolve));
      // Only push a result that is still the latest (a change may have arrived meanwhile).
      if (snap && this.document(uri)?.version === snap.version) this.onAnalysed(this.applyRules(snap));
    };
    const delay = immediate ? 0 : this.settings.debounceMs;
    this.timers.set(uri, setTimeout(() => void run().catch((err) => this.log(`convlens: analysing failed: ${(err as Error)?.stack ?? err}`)), delay));
  }

  closed(uri: string): void {
    this.scales.delete(uri);
    this.models.delete(uri);
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    this.cancelJob(uri);
    this.cache.delete(uri);
  }

  /** The user chose a scale for a document: analyse it again. */
  setScale(uri: string, scale: string | undefined): void {
    if (scale) this.scales.set(uri, scale);
    else this.scales.delete(uri);
    this.forget(uri);
    this.changed(uri, true);
  }

  /** The user chose which model of a PyTorch file to analyse: analyse it again. */
  setModel(uri: string, model: string | undefined): void {
    if (model) this.models.set(uri, model);
    else this.models.delete(uri);
    this.forget(uri);
    this.changed(uri, true);
  }

  /** Settings changed: every cached or running result is stale (rule severities, read options may differ). */
  invalidateAll(): string[] {
    const uris = [...new Set([...this.cache.keys(), ...this.jobs.keys()])];
    for (const uri of uris) this.forget(uri);
    return uris;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.analyser.dispose();
    this.local.dispose();
  }

  private forget(uri: string): void {
    this.cancelJob(uri);
    this.cache.delete(uri);
  }

  private cancelJob(uri: string): void {
    const job = this.jobs.get(uri);
    if (!job) return;
    this.jobs.delete(uri);
    job.cancel();
  }

  private optionsOf(doc: TextDocument, text: string): ReadOptions | undefined {
    return documentOptions(doc.languageId, doc.uri, text, this.settings.formats, this.scales.get(doc.uri), this.models.get(doc.uri));
  }

  /** The snapshot of the document's current version: cached, running, or started now. Undefined if cancelled. */
  private ensure(doc: TextDocument): Promise<Snapshot | undefined> {
    const cached = this.cache.get(doc.uri);
    if (cached && cached.version === doc.version) return Promise.resolve(cached);
    const running = this.jobs.get(doc.uri);
    if (running && running.version === doc.version) return running.promise;
    if (running) this.cancelJob(doc.uri);
    const { uri, version } = doc;
    const text = doc.getText();
    const options = this.optionsOf(doc, text);
    // A document that is not a network (plain YAML, a Python file without nn.Module) gets an empty analysis: no hints, no findings.
    if (!options) return Promise.resolve(this.store(uri, version, text, undefined, emptyAnalysis(), 0));
    const task = (options.format === 'pytorch' ? this.analyser : this.local).analyse(text, options);
    this.onStarted(uri, version);
    const job: Job = {
      version,
      cancel: task.cancel,
      promise: task.result.then((outcome) => {
        if (this.jobs.get(uri) !== job) return undefined; // cancelled, or superseded
        this.jobs.delete(uri);
        return outcome ? this.store(uri, version, text, options, outcome.analysis, outcome.ms) : undefined;
      }),
    };
    this.jobs.set(uri, job);
    return job.promise;
  }

  private store(uri: string, version: number, text: string, options: ReadOptions | undefined, analysis: Analysis, ms: number): Snapshot {
    const engineErrors = analysis.findings.filter((f) => f.severity === 'error');
    const snap: Snapshot = { uri, version, text, options, analysis, rulesApplied: !options, engineErrors, lines: new LineIndex(text), ms };
    if (analysis.findings.some((f) => f.code === 'CL001')) {
      const old = this.cache.get(uri);
      snap.lastParsed = old && !old.analysis.findings.some((f) => f.code === 'CL001') ? old.analysis : old?.lastParsed;
    }
    this.cache.set(uri, snap);
    return snap;
  }
}

/** The promise, or a RequestCancelled rejection as soon as the token fires. */
function untilCancelled<T>(promise: Promise<T>, token?: Cancellation): Promise<T> {
  if (!token) return promise;
  return new Promise<T>((resolve, reject) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      reject(new RequestCancelled());
    });
    promise.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e) => {
        sub.dispose();
        reject(e);
      },
    );
  });
}
