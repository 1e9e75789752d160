// Where a module's layers are built: a Scope names every engine layer after its PyTorch module
// path (`model.2.m.0.cv1.conv`, as in the model's state_dict), gives it the row's source
// location, and offers the building blocks every Ultralytics module is made of (Conv = Conv2d +
// BatchNorm2d + activation, plain nn.Conv2d, and the engine's own kinds).
import type { LayerOrigin } from '../../types';
import type { NetworkBuilder, Value } from '../../analyse/network';

/** A layer of the module could not be analysed (its finding is reported): the row has no output. */
export class Withheld extends Error {}

/** The activation of `Conv` modules: SiLU, or what the file's `activation:` key names. */
export interface Activation {
  kind: string;
  args: Record<string, unknown>;
}

export interface RowContext {
  net: NetworkBuilder;
  /** Every layer of the row points at the row; `args` locates the row's own arguments. */
  origin: LayerOrigin;
  activation: Activation;
  /**
   * The PyTorch modules of the model, for the layer count Ultralytics prints (len(model.modules()):
   * containers included, a module shared by many counted once): module paths, and keys of shared
   * modules (every Conv's activation is one object, Conv.default_act).
   */
  modules?: Set<string>;
}

/** Layers that stand for functions in PyTorch (torch.cat, chunk, +, F.interpolate…), not modules. */
const FUNCTIONAL = /^(?:(?:chunk|cat|add|split|interpolate|one2one_cat)(?:\.\d+)?|attend|v|sum|avg_pool2d|max_pool2d|flatten|softmax|relu|m:\d+)$/;

/** Conv's arguments after c1 and c2, with Ultralytics' defaults. */
export interface ConvOptions {
  /** Kernel: one size, or [height, width] (C3x's 1×3 and 3×1). */
  k?: number | [number, number];
  s?: number;
  /** Padding; undefined = autopad (k // 2 of the dilated kernel). */
  p?: number | null;
  g?: number;
  d?: number;
  /** true: the model's activation; false: none. */
  act?: boolean;
}

/** Ultralytics' autopad: half the dilated kernel, so a stride-1 conv keeps the size (per axis for a [kh, kw] kernel). */
export function autopad(k: number, p: number | null | undefined, d: number): number;
export function autopad(k: number | [number, number], p: number | null | undefined, d: number): number | number[];
export function autopad(k: number | [number, number], p: number | null | undefined, d: number): number | number[] {
  if (p !== undefined && p !== null) return p;
  if (Array.isArray(k)) return k.map((x) => Math.floor(x / 2));
  const K = d > 1 ? d * (k - 1) + 1 : k;
  return Math.floor(K / 2);
}

export class Scope {
  /** Origin without argument spans, for layers that are not the row's own top-level conv. */
  private readonly inner: LayerOrigin;

  constructor(
    private readonly row: RowContext,
    readonly path: string,
    /** Argument spans for this scope's `conv` (the row's own Conv), if any. */
    private readonly argSpans?: LayerOrigin['args'],
    /** The one activation object its Convs share: Conv.default_act, or a deep copy's own (v10Detect's one2one branches). */
    private readonly sharedAct = 'Conv.default_act',
  ) {
    this.inner = { ...row.origin, args: {} };
  }

  child(name: string | number): Scope {
    return new Scope(this.row, `${this.path}.${name}`, undefined, this.sharedAct);
  }

  /** This scope, for a module made by copy.deepcopy: its Convs share a copy of the activation, not Conv.default_act. */
  deepCopy(): Scope {
    return new Scope(this.row, this.path, undefined, `copy:${this.path}`);
  }

  /** Counts a module that has no engine layer (an nn.Identity, the DFL), or a shared one by `key`. */
  module(name: string, key?: string): void {
    const modules = this.row.modules;
    if (!modules) return;
    const path = name ? `${this.path}.${name}` : this.path;
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) modules.add(parts.slice(0, i).join('.'));
    if (key) {
      modules.delete(path);
      modules.add(`shared:${key}`);
    }
  }

  /** One engine layer named `<path>.<name>`; `shared` names the one module object it stands for when many layers share it. */
  layer(name: string, kind: string, args: Record<string, unknown>, inputs: Value[], spans?: LayerOrigin['args'], shared?: string): Value {
    this.module(FUNCTIONAL.test(name) ? '' : name, shared);
    const origin = spans ? { ...this.row.origin, args: spans } : this.inner;
    const out = this.row.net.addLayer({ name: name ? `${this.path}.${name}` : this.path, kind, args, inputs, origin });
    if (!out) throw new Withheld();
    return out;
  }

  /** Ultralytics' Conv: Conv2d (no bias) → BatchNorm2d (eps 1e-3, as initialize_weights sets it) → activation. */
  conv(x: Value, c2: number, o: ConvOptions = {}): Value {
    const k = o.k ?? 1;
    const d = o.d ?? 1;
    const p = autopad(k, o.p, d);
    const y = this.layer('conv', 'conv', { out: c2, kernel: k, stride: o.s ?? 1, padding: p, groups: o.g ?? 1, dilation: d, bias: false }, [x], this.argSpans);
    const z = this.layer('bn', 'batchnorm', { eps: 1e-3 }, [y]);
    if (o.act === false) {
      this.module('act'); // nn.Identity
      return z;
    }
    return this.layer('act', this.row.activation.kind, this.row.activation.args, [z], undefined, this.sharedAct);
  }

  /** A plain nn.Conv2d (detection outputs): bias, no normalisation, no activation. */
  conv2d(name: string, x: Value, c2: number, k: number, bias = true): Value {
    return this.layer(name, 'conv', { out: c2, kernel: k, stride: 1, padding: 0, bias }, [x]);
  }
}
