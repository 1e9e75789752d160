// The bits of Python arithmetic parse_model relies on, so that ConvLens scales a model exactly
// as Ultralytics does (ultralytics/nn/tasks.py and ultralytics/utils/ops.py).

/** Python's round(): halves go to the even neighbour (round(2.5) = 2, round(3.5) = 4). */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** make_divisible(x, divisor): the nearest multiple of divisor at or above x. */
export function makeDivisible(x: number, divisor: number): number {
  return Math.ceil(x / divisor) * divisor;
}

/** The depth gain of a row: n = max(round(n · depth), 1) when n > 1, else n. */
export function scaledRepeats(n: number, depth: number): number {
  return n > 1 ? Math.max(pyRound(n * depth), 1) : n;
}

/** Python's list indexing: a negative index counts from the end; undefined when out of range. */
export function pyIndex<T>(list: readonly T[], i: number): T | undefined {
  const j = i < 0 ? list.length + i : i;
  return j >= 0 && j < list.length ? list[j] : undefined;
}

/** The scale in a model file name, as guess_model_scale reads it: yolov8n.yaml → n, yolo11s.yaml → s. */
export function scaleFromFileName(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '');
  return /yolo(?:e-)?v?\d+([nslmx])/.exec(stem)?.[1];
}

/** Python's str() of a parsed YAML value: None, True, quoted strings, nested lists (`[3, 16, 3, 2]`). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}
