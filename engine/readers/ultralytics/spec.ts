// What a module of the Ultralytics reader is: how parse_model treats its row (`role`), its
// signature and documentation for hover and completion, and how one instance of it is built
// from engine layers. The modules themselves are in modules.ts and the family files it lists.
import type { Value } from '../../analyse/network';
import type { Scope } from './scope';

/**
 * How parse_model turns a row into constructor arguments:
 * - base: c1 = ch[f], c2 = args[0] scaled by the width → [c1, c2, ...args[1:]]
 * - repeat: base, and the row's repeats go inside the module as its n → [c1, c2, n, ...]
 * - concat: output channels = the sum of the inputs'
 * - detect: the list of input channels is appended to the arguments (every head: Detect, Segment, Pose, OBB, v10Detect)
 * - same: output channels = the input's (upsampling, identity)
 * - batchnorm: args = [ch[f]]
 * - cblinear: c2 = args[0], a list of output channels (not scaled) → [c1, c2s, ...args[1:]]; the row outputs one map per entry
 * - cbfuse: output channels = the last input's; the inputs are whole rows (CBLinear's lists)
 * - resnet: the arguments as written (c1 included); output channels args[1] (is_first) or 4·args[1]
 */
export type Role = 'base' | 'repeat' | 'concat' | 'detect' | 'same' | 'batchnorm' | 'cblinear' | 'cbfuse' | 'resnet';

/** What a module needs beyond its arguments. */
export interface ModelContext {
  /** Detect's v8 classification branch (true until a C3k2 row turns it off, as parse_model does). */
  legacy: boolean;
  /** The file follows ultralytics/yolov5 (anchors, depth/width multiples). */
  v5: boolean;
}

export interface ModuleSpec {
  role: Role;
  /** The constructor's signature, for hover and completion. */
  signature: string;
  doc: string;
  /** A detection head: its first outputs are the levels (one per input), decoded by the DFL unless yolov5. */
  head?: boolean;
  /**
   * One instance of the module on its inputs, with the arguments parse_model passes. `inputs`
   * holds one Value per `from` entry, except for role cbfuse (each entry's whole output).
   */
  build(scope: Scope, inputs: Value[], args: unknown[], model: ModelContext, rows?: Array<Value | Value[]>): Value | Value[];
}

/** A constructor argument of the wrong type: reported at that argument of the row. */
export class ArgError extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
  }
}

export function intArg(args: unknown[], i: number, fallback?: number): number {
  const v = args[i] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgError(i, `argument ${i + 1} must be a whole number, got ${JSON.stringify(v ?? null)}`);
  return v;
}

export function boolArg(args: unknown[], i: number, fallback: boolean): boolean {
  const v = args[i] ?? fallback;
  if (typeof v !== 'boolean') throw new ArgError(i, `argument ${i + 1} must be True or False, got ${JSON.stringify(v)}`);
  return v;
}

export function numberArg(args: unknown[], i: number, fallback: number): number {
  const v = args[i] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgError(i, `argument ${i + 1} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A list of whole numbers ≥ 1 (CBLinear's channels, CBFuse's indexes ≥ 0). */
export function intListArg(args: unknown[], i: number, min: number, what: string): number[] {
  const v = args[i];
  if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= min)) throw new ArgError(i, `argument ${i + 1} must be ${what}, got ${JSON.stringify(v ?? null)}`);
  return v as number[];
}

export const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
