// Built-in sample inputs, matched to any input shape [C, ...spatial] (spatial rank 1-3).
// Values lie in [-1, 1] (impulse and ones are 0/1), the same in every channel unless noted.
import { Tensor, numel, mulberry32, uniform } from '..';

export interface SampleInfo {
  name: string;
  label: string;
  /** Spatial ranks it is offered for. */
  ranks: number[];
}

export const SAMPLES: SampleInfo[] = [
  { name: 'impulse', label: 'impulse (a single 1 at the centre: its response is the receptive field)', ranks: [1, 2, 3] },
  { name: 'checkerboard', label: 'checkerboard', ranks: [2, 3] },
  { name: 'ramp', label: 'gradient ramp', ranks: [1, 2, 3] },
  { name: 'circles', label: 'concentric circles', ranks: [2, 3] },
  { name: 'edge', label: 'step edge', ranks: [2, 3] },
  { name: 'noise', label: 'noise (seeded)', ranks: [1, 2, 3] },
  { name: 'sine', label: 'sine', ranks: [1] },
  { name: 'step', label: 'step', ranks: [1, 2, 3] },
];

/** Sample names offered for a spatial rank. */
export function samplesFor(rank: number): SampleInfo[] {
  return SAMPLES.filter((s) => s.ranks.includes(rank));
}

export function isSampleName(name: string): boolean {
  return SAMPLES.some((s) => s.name === name);
}

/** Centre index of each axis (floor(n / 2)), where the impulse sits. */
export function centreOf(spatial: readonly number[]): number[] {
  return spatial.map((n) => Math.floor(n / 2));
}

/**
 * The named sample for an input shape [C, ...spatial]. `seed` only affects noise.
 * The impulse is a single 1 at the centre of the spatial axes, in every channel (so a grouped or
 * depthwise first layer shows the field in every channel too).
 */
export function makeSample(name: string, shape: readonly number[], seed = 0): Tensor {
  if (shape.length < 2 || shape.length > 4) throw new RangeError(`samples need an input [C, ...spatial] with 1-3 spatial axes, got [${shape.join(', ')}]`);
  const C = shape[0];
  const sp = shape.slice(1);
  const rank = sp.length;
  const per = numel(sp);
  // Noise: one stream of U(−1, 1) draws through every channel (a tight loop, not per position).
  if (name === 'noise') return { shape: shape.slice(), data: uniform([C * per], 1, mulberry32(seed >>> 0)).data };
  const data = new Float32Array(C * per);
  const plane = new Float32Array(per);
  // Normalised coordinates in [-1, 1] per axis (0 at the centre).
  const norm = (i: number, n: number): number => (n <= 1 ? 0 : (2 * i) / (n - 1) - 1);
  const idx = new Array(rank).fill(0);
  const centre = centreOf(sp);
  const last = sp[rank - 1];
  const cell = (n: number): number => Math.max(1, Math.round(n / 8));
  // (An impulse is one 1 at the centre: no need to visit every position.)
  if (name === 'impulse') plane[centre.reduce((flat, i, a) => flat * sp[a] + i, 0)] = 1;
  else for (let k = 0; k < per; k++) {
    // idx = multi-index of k (row-major), counted up like an odometer
    if (k > 0) for (let a = rank - 1; a >= 0 && ++idx[a] === sp[a]; a--) idx[a] = 0;
    let v = 0;
    switch (name) {
      case 'checkerboard': {
        let parity = 0;
        for (let a = 0; a < rank; a++) parity += Math.floor(idx[a] / cell(sp[a]));
        v = parity % 2 === 0 ? 1 : -1;
        break;
      }
      case 'ramp': {
        let sum = 0;
        for (let a = 0; a < rank; a++) sum += norm(idx[a], sp[a]);
        v = sum / rank;
        break;
      }
      case 'circles': {
        let r2 = 0;
        for (let a = 0; a < rank; a++) r2 += norm(idx[a], sp[a]) ** 2;
        v = Math.cos(Math.sqrt(r2) * Math.PI * 4);
        break;
      }
      case 'edge':
      case 'step':
        v = idx[rank - 1] >= Math.floor(last / 2) ? 1 : -1;
        break;
      case 'sine':
        v = Math.sin((2 * Math.PI * 3 * idx[rank - 1]) / Math.max(last, 1));
        break;
      default:
        throw new RangeError(`unknown sample '${name}' (one of ${SAMPLES.map((s) => s.name).join(', ')})`);
    }
    plane[k] = v;
  }
  for (let c = 0; c < C; c++) data.set(plane, c * per);
  return { shape: shape.slice(), data };
}

/**
 * An RGBA image (w×h, as from a canvas) resized bilinearly to the input's H×W and mapped to its
 * channels: 1 channel = luminance, 3 = RGB, otherwise the RGB channels repeat. Values in [0, 1].
 * 1-D inputs read the middle row; 3-D inputs repeat the image in every slice.
 */
export function imageToInput(rgba: ArrayLike<number>, w: number, h: number, shape: readonly number[]): Tensor {
  const C = shape[0];
  const sp = shape.slice(1);
  const rank = sp.length;
  const H = rank === 1 ? 1 : sp[rank - 2];
  const W = sp[rank - 1];
  const D = rank === 3 ? sp[0] : 1;
  const out = new Float32Array(numel(shape));
  const sample = (ch: number, y: number, x: number): number => {
    // bilinear, align_corners=false
    const sy = rank === 1 ? (h - 1) / 2 : Math.min(Math.max((y + 0.5) * (h / H) - 0.5, 0), h - 1);
    const sx = Math.min(Math.max((x + 0.5) * (w / W) - 0.5, 0), w - 1);
    const y0 = Math.floor(sy), x0 = Math.floor(sx);
    const y1 = Math.min(y0 + 1, h - 1), x1 = Math.min(x0 + 1, w - 1);
    const fy = sy - y0, fx = sx - x0;
    const px = (yy: number, xx: number): number => {
      const o = (yy * w + xx) * 4;
      if (ch < 0) return (0.299 * rgba[o] + 0.587 * rgba[o + 1] + 0.114 * rgba[o + 2]) / 255;
      return rgba[o + ch] / 255;
    };
    return (px(y0, x0) * (1 - fx) + px(y0, x1) * fx) * (1 - fy) + (px(y1, x0) * (1 - fx) + px(y1, x1) * fx) * fy;
  };
  const per = D * H * W;
  for (let c = 0; c < C; c++) {
    const ch = C === 1 ? -1 : c % 3;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = sample(ch, y, x);
        for (let d = 0; d < D; d++) out[c * per + (d * H + y) * W + x] = v;
      }
    }
  }
  return { shape: shape.slice(), data: out };
}
