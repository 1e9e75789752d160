// Receptive-field outlines. On the network input the field is the engine's (`fieldAt` of the
// clicked layer's receptive field); on earlier maps it is found by walking the graph backwards
// with what each layer reads along each axis (positions outside a map are padding, dropped),
// so holes stay holes. Pure: no DOM.
import { fieldAt } from '../../../engine/analyse/receptiveField';
import { clip } from '../../../engine/analyse/intervals';
import type { AxisField, IntervalSet } from '../../../engine/types';
import type { LayerInfo } from '../workerProtocol';
import { nearestSourceIndex, linearSource, cubicSource, adaptiveBin, padSourceIndex } from '../../../kernels';

/** Per axis, a boolean mask over positions of that axis. */
export type AxisMasks = Uint8Array[];

/** The engine's field of output position `pos` (spatial multi-index), clipped to the input. */
export function inputField(layer: LayerInfo, pos: number[], inputSpatial: number[]): IntervalSet[] | 'global' | null {
  const rf = layer.rf as { kind: string; axes?: AxisField[] } | undefined;
  if (!rf) return null;
  if (rf.kind === 'global' || !rf.axes) return 'global';
  return rf.axes.map((ax, a) => clip(fieldAt(ax, pos[a]), 0, inputSpatial[a] - 1));
}

/**
 * Per spatial axis, the range [first, last] of a layer's output positions whose field holds the
 * input position `at` (where an impulse at `at` can show): null when the field is global or no
 * position's field holds it.
 */
export function reachOf(layer: LayerInfo, at: number[], outSpatial: number[]): Array<[number, number]> | null {
  const rf = layer.rf as { kind: string; axes?: AxisField[] } | undefined;
  if (!rf || rf.kind === 'global' || !rf.axes || rf.axes.length !== outSpatial.length) return null;
  const reach: Array<[number, number]> = [];
  for (let a = 0; a < outSpatial.length; a++) {
    let first = -1;
    let last = -1;
    for (let o = 0; o < outSpatial[a]; o++) {
      if (!fieldAt(rf.axes[a], o).some(([lo, hi]) => at[a] >= lo && at[a] <= hi)) continue;
      if (first < 0) first = o;
      last = o;
    }
    if (first < 0) return null;
    reach.push([first, last]);
  }
  return reach;
}

export function masksToIntervals(m: AxisMasks): IntervalSet[] {
  return m.map((mask) => {
    const out: IntervalSet = [];
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      if (out.length && out[out.length - 1][1] === i - 1) out[out.length - 1][1] = i;
      else out.push([i, i]);
    }
    return out;
  });
}

/** What output position o reads along axis `ax` of its input `operand` (positions may be out of range). */
function reads(l: LayerInfo, operand: number, ax: number, o: number, inSize: number, outSize: number): number[] | 'all' {
  const a = l.args as Record<string, any>;
  switch (l.kind) {
    case 'conv':
    case 'depthwise':
    case 'separable':
    case 'maxpool':
    case 'avgpool':
    case 'lppool': {
      const k = a.kernel[ax], s = a.stride[ax], d = a.dilation?.[ax] ?? 1, p0 = a.padding[ax][0];
      return Array.from({ length: k }, (_, t) => o * s - p0 + t * d);
    }
    case 'conv_transpose': {
      const k = a.kernel[ax], s = a.stride[ax], d = a.dilation[ax], p0 = a.padding[ax][0];
      const r: number[] = [];
      for (let t = 0; t < k; t++) {
        const x = o + p0 - t * d;
        if (x % s === 0) r.push(x / s);
      }
      return r;
    }
    case 'adaptive_avgpool':
    case 'adaptive_maxpool': {
      const [lo, hi] = adaptiveBin(o, inSize, outSize);
      return Array.from({ length: hi - lo }, (_, i) => lo + i);
    }
    case 'upsample': {
      const list = (v: unknown): number | undefined => (v === undefined ? undefined : Array.isArray(v) ? v[ax] ?? v[0] : (v as number));
      const sc = list(a.scale);
      if (a.mode === 'linear') {
        const [i0, i1, l0, l1] = linearSource(o, inSize, outSize, !!a.alignCorners, a.alignCorners ? undefined : sc);
        return [...(l0 > 0 ? [i0] : []), ...(l1 > 0 ? [i1] : [])];
      }
      if (a.mode === 'cubic') {
        const [idx, w] = cubicSource(o, inSize, outSize, a.coordinates, a.cubicA, !!a.excludeOutside, sc);
        return [...new Set(idx.filter((_, t) => w[t] !== 0))];
      }
      return [nearestSourceIndex(o, inSize, outSize, sc)];
    }
    case 'pad':
      // Reflect, replicate and circular padding copy a position from inside the map.
      return [a.mode && a.mode !== 'zeros' ? padSourceIndex(o, a.padding[ax][0], inSize, a.mode) : o - a.padding[ax][0]];
    case 'concat': {
      if (a.axis === ax + 1) {
        // Operand `operand` occupies [off, off + its size) along this axis.
        let off = 0;
        for (let i = 0; i < operand; i++) off += l.inputShapes[i][ax + 1];
        return [o - off];
      }
      return [o];
    }
    case 'softmax':
    case 'log_softmax':
      return a.axis > 0 ? 'all' : [o];
    case 'linear':
      return ax === l.inputShapes[0].length - 2 ? 'all' : [o];
  }
  return [o];
}

const GLOBAL_KINDS = new Set(['flatten', 'global_avgpool', 'global_maxpool']);

/**
 * Masks per earlier layer (by index; -1 = the network input) of the positions the output position
 * `pos` of layer `index` depends on. Only layers with spatial axes are included.
 */
export function backProject(layers: LayerInfo[], inputShape: number[], index: number, pos: number[]): Map<number, AxisMasks> {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const shapeOf = (i: number): number[] => (i < 0 ? inputShape : layers[i].shape ?? []);
  const idxOf = (name: string): number => (name === 'input' ? -1 : byName.get(name)?.index ?? -2);
  const masks = new Map<number, AxisMasks>();
  const sp = shapeOf(index).slice(1);
  masks.set(index, sp.map((n, a) => {
    const m = new Uint8Array(n);
    m[pos[a]] = 1;
    return m;
  }));
  for (let i = index; i >= 0; i--) {
    const out = masks.get(i);
    if (!out) continue;
    const l = layers[i];
    l.from.forEach((name, operand) => {
      const j = idxOf(name);
      if (j < -1) return;
      const inShape = shapeOf(j);
      const inSp = inShape.slice(1);
      if (inSp.length === 0) return;
      const global = GLOBAL_KINDS.has(l.kind) || out.length !== inSp.length || (l.kind === 'mul' && (l.inputShapes[operand]?.length ?? 0) < 2);
      const m = masks.get(j) ?? inSp.map((n) => new Uint8Array(n));
      for (let ax = 0; ax < inSp.length; ax++) {
        if (global) {
          m[ax].fill(1);
          continue;
        }
        const om = out[ax];
        for (let o = 0; o < om.length; o++) {
          if (!om[o]) continue;
          const r = reads(l, operand, ax, o, inSp[ax], om.length);
          if (r === 'all') {
            m[ax].fill(1);
            break;
          }
          for (const x of r) if (x >= 0 && x < inSp[ax]) m[ax][x] = 1;
        }
      }
      masks.set(j, m);
    });
  }
  return masks;
}
