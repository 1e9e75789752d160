// Built-in sample inputs, matched to any input shape [C, ...spatial] (spatial rank 1-3).
// Values lie in [-1, 1] (the impulse is 0/1), the same in every channel unless noted.
import { Tensor, numel, mulberry32, uniform } from '..';

export interface SampleInfo {
  name: string;
  label: string;
  /** Spatial ranks it is offered for. */
  ranks: number[];
}

// The scene first: the preview's default input, and what the worker's warm-up renders first, so
// that its code is compiled before the first real run needs it (cold, the first 224×224 render
// took ~150 ms, warm 12–20 ms).
export const SAMPLES: SampleInfo[] = [
  { name: 'scene', label: 'scene (a rendered landscape)', ranks: [1, 2, 3] },
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
 * The named sample for an input shape [C, ...spatial]. `seed` only affects noise (the scene is
 * always the same).
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
  if (name === 'scene') return sceneSample(shape);
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

// ---------------------------------------------------------------------------------------------
// The 'scene' sample: a small landscape rendered procedurally, the same every time (a fixed hash,
// no seed, no asset to load or license): sky with a sun and clouds, snow-capped mountains, a
// meadow with grass, flowers and a path, a brick house with a tiled roof, windows and a door, a
// tree, a picket fence and a ball. It has what early filters respond to: edges at every
// orientation, periodic textures at several scales (bricks, roof tiles, pickets), blobs and
// smooth gradients. Shapes are signed distances with one-pixel anti-aliasing, and textures finer
// than ~3 pixels fade to their average, so the scene reads at any input size without aliasing.

// The renderer's state lives in a typed array rather than module-level `let`s: V8 compiles code
// that reads a module variable as if it were constant until it is reassigned, then compiles it
// again (in Node here, the second 224² render took 40–80 ms with `let`s, 20–50 ms with this).
// STATE[0..2]: the colour being composed for one pixel (sRGB in [0, 1]), back to front;
// STATE[3]: the scene's units per output pixel (x: column / W, y: row / H).
const STATE = new Float64Array(4);
const PX = 3;

function blend(r: number, g: number, b: number, alpha: number): void {
  if (alpha <= 0) return;
  STATE[0] += (r - STATE[0]) * alpha;
  STATE[1] += (g - STATE[1]) * alpha;
  STATE[2] += (b - STATE[2]) * alpha;
}

const clamp01 = (t: number): number => (t < 0 ? 0 : t > 1 ? 1 : t);
const smoothstep = (a: number, b: number, t: number): number => {
  const u = clamp01((t - a) / (b - a));
  return u * u * (3 - 2 * u);
};
/** Coverage of a pixel by a shape at signed distance d (negative inside). */
const cover = (d: number): number => clamp01(0.5 - d / STATE[PX]);
/** 1 for a texture whose period spans ≥ 4 pixels, fading to 0 (its average) at 2 pixels. */
const detail = (period: number): number => clamp01((period / STATE[PX] - 2) / 2);
const box = (x: number, y: number, x0: number, y0: number, x1: number, y1: number): number => Math.max(x0 - x, x - x1, y0 - y, y - y1);
// (Math.hypot is several times slower in V8, and this runs for every pixel.)
const len = (dx: number, dy: number): number => Math.sqrt(dx * dx + dy * dy);

function hash(ix: number, iy: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ 0x3c6ef372;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Value noise in [0, 1): a smooth blend of hashed lattice values. */
function noise(x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  let fx = x - ix;
  let fy = y - iy;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  const a = hash(ix, iy);
  const b = hash(ix + 1, iy);
  const c = hash(ix, iy + 1);
  const d = hash(ix + 1, iy + 1);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/** Fractal noise in [0, 1): octaves of value noise, each twice the frequency at half the weight. */
function fbm(x: number, y: number, octaves: number): number {
  let sum = 0;
  let weight = 0.5;
  let norm = 0;
  for (let o = 0; o < octaves; o++) {
    sum += weight * noise(x, y);
    norm += weight;
    x = x * 2 + 17.3;
    y = y * 2 + 9.1;
    weight *= 0.5;
  }
  return sum / norm;
}

const ROOF = { left: [0.07, 0.505], right: [0.47, 0.505], apex: [0.27, 0.3] } as const;
/** The tree's crown: circles (x, y, r), flat. */
const CROWN = [0.705, 0.38, 0.12, 0.625, 0.46, 0.085, 0.785, 0.46, 0.085, 0.705, 0.48, 0.09];
const WINDOWS_X = [0.17, 0.37];
const RAILS_Y = [0.735, 0.82];

/** Signed distance to the line through p and q, positive on the side `outside` points to. */
function sideDistance(x: number, y: number, p: readonly number[], q: readonly number[]): number {
  const nx = q[1] - p[1];
  const ny = p[0] - q[0];
  return ((x - p[0]) * nx + (y - p[1]) * ny) / len(nx, ny);
}

/** The ridge of the mountains and the meadow's edge at column x (y grows downwards). */
function ridgeAt(x: number): number {
  return 0.52 - 0.3 * clamp01((fbm(x * 2.2 + 10, 3.7, 5) - 0.3) / 0.4);
}
function groundAt(x: number): number {
  return 0.56 + 0.02 * Math.sin(6 * x + 0.8) + 0.01 * Math.sin(17 * x);
}

// One function per part of the scene, each called only inside its bounding box: small functions
// that V8 optimises once (one large function was compiled, thrown away on a branch it had not
// seen yet, and compiled again several times during the first render).

/** Sky, darker at the top, with the sun, its glow and clouds. */
function sky(x: number, y: number): void {
  const t = clamp01(y / 0.6);
  const sunD = len(x - 0.83, y - 0.14);
  const glow = 0.35 * Math.exp(-(sunD * sunD) / 0.008);
  STATE[0] = Math.min(1, 0.16 + 0.46 * t + glow);
  STATE[1] = Math.min(1, 0.35 + 0.43 * t + glow * 0.85);
  STATE[2] = Math.min(1, 0.7 + 0.22 * t + glow * 0.5);
  blend(1, 0.95, 0.7, cover(sunD - 0.06));
  if (y < 0.45) blend(0.97, 0.97, 0.99, smoothstep(0.52, 0.7, fbm(x * 4, y * 9, 3)) * smoothstep(0.45, 0.2, y));
}

/** Mountains: rock with a lit slope and snow under the highest peaks. */
function mountains(x: number, y: number, ridge: number, slope: number): void {
  const rock = (0.8 + 0.25 * Math.max(-1, Math.min(1, slope))) * (0.88 + 0.24 * noise(x * 40, y * 40) * detail(1 / 40));
  blend(0.45 * rock, 0.5 * rock, 0.62 * rock, cover(ridge - y));
  const snowLine = ridge + Math.max(0, 0.4 - ridge) * 0.7 + 0.012 * (noise(x * 60, 2.5) - 0.5);
  if (ridge < 0.4) blend(0.95, 0.96, 1, cover(ridge - y) * cover(y - snowLine));
}

/** Meadow (lighter far away, with grass blades and patches) and the path from the door down. */
function meadow(x: number, y: number, ground: number): void {
  const depth = clamp01((y - ground) / (1 - ground));
  const grass = (0.75 + 0.5 * noise(x * 180, y * 22) * detail(1 / 180)) * (0.85 + 0.3 * fbm(x * 8, y * 8, 2));
  blend((0.45 - 0.23 * depth) * grass, (0.62 - 0.12 * depth) * grass, (0.3 - 0.14 * depth) * grass, cover(ground - y));
  if (y <= 0.79) return;
  const s = (y - 0.79) / 0.21;
  const pathD = Math.abs(x - (0.27 + 0.2 * s * s)) - (0.03 + 0.08 * s);
  const sand = 0.85 + 0.3 * noise(x * 120, y * 120) * detail(1 / 120);
  blend(0.78 * sand, 0.68 * sand, 0.5 * sand, cover(pathD));
  if (y > 0.84 && pathD > 0.01) flowers(x, y);
}

/** Flowers, one in some cells of a grid. */
function flowers(x: number, y: number): void {
  const cell = 0.035;
  const ix = Math.floor(x / cell);
  const iy = Math.floor(y / cell);
  const h = hash(ix + 101, iy + 7);
  if (h >= 0.35) return;
  const cx = (ix + 0.2 + 0.6 * hash(ix, iy + 50)) * cell;
  const cy = (iy + 0.2 + 0.6 * hash(ix + 50, iy)) * cell;
  const f = cover(len(x - cx, y - cy) - 0.007);
  if (h < 0.12) blend(0.98, 0.85, 0.15, f);
  else if (h < 0.24) blend(0.97, 0.97, 0.95, f);
  else blend(0.85, 0.25, 0.55, f);
}

/** House: chimney, brick walls, tiled roof, windows with mullions, a door with a knob. */
function house(x: number, y: number): void {
  blend(0.45, 0.3, 0.25, cover(box(x, y, 0.36, 0.32, 0.395, 0.44)));
  const wall = cover(box(x, y, 0.1, 0.5, 0.44, 0.8));
  if (wall > 0) {
    const rowH = 0.03;
    const brickW = 0.065;
    const row = Math.floor(y / rowH);
    const xo = x + (row & 1) * brickW * 0.5;
    const col = Math.floor(xo / brickW);
    const mortar = y / rowH - row < 0.14 || xo / brickW - col < 0.07;
    const k = detail(rowH);
    const tone = 0.85 + 0.3 * hash(col, row);
    const br = mortar ? 0.8 : 0.66 * tone;
    const bg = mortar ? 0.77 : 0.28 * tone;
    const bb = mortar ? 0.7 : 0.2 * tone;
    blend(0.69 + (br - 0.69) * k, 0.38 + (bg - 0.38) * k, 0.3 + (bb - 0.3) * k, wall);
  }
  const roofD = Math.max(y - ROOF.left[1], sideDistance(x, y, ROOF.left, ROOF.apex), sideDistance(x, y, ROOF.apex, ROOF.right));
  if (roofD < STATE[PX]) {
    const tileH = 0.028;
    const k = detail(tileH);
    const line = (y / tileH) % 1 < 0.18 ? 0.6 : 1;
    const v = 1 + (line - 1) * k - 0.08 * k;
    blend(0.5 * v, 0.16 * v, 0.12 * v, cover(roofD));
  }
  for (const cx of WINDOWS_X) {
    const cy = 0.595;
    blend(0.95, 0.95, 0.92, cover(box(x, y, cx - 0.04, cy - 0.04, cx + 0.04, cy + 0.04)));
    const pane = cover(box(x, y, cx - 0.032, cy - 0.032, cx + 0.032, cy + 0.032));
    const glass = 1 - 0.25 * clamp01((y - cy + 0.032) / 0.064);
    blend(0.55 * glass, 0.72 * glass, 0.88 * glass, pane);
    blend(0.95, 0.95, 0.92, cover(Math.min(Math.abs(x - cx), Math.abs(y - cy)) - 0.004) * pane);
  }
  const grain = 0.8 + 0.4 * noise(x * 90, y * 6) * detail(1 / 90);
  blend(0.38 * grain, 0.22 * grain, 0.12 * grain, cover(box(x, y, 0.24, 0.65, 0.31, 0.8)));
  blend(0.85, 0.75, 0.3, cover(len(x - 0.295, y - 0.73) - 0.006));
}

/** Tree: a barked trunk and a leafy crown lit from the top left. */
function tree(x: number, y: number): void {
  const bark = 0.8 + 0.4 * noise(x * 150, y * 10) * detail(1 / 150);
  blend(0.36 * bark, 0.24 * bark, 0.14 * bark, cover(box(x, y, 0.685, 0.5, 0.725, 0.8)));
  let d = Infinity;
  for (let k = 0; k < CROWN.length; k += 3) d = Math.min(d, len(x - CROWN[k], y - CROWN[k + 1]) - CROWN[k + 2]);
  if (d >= 0.03) return;
  d += 0.03 * (fbm(x * 18, y * 18, 3) - 0.5);
  const leaf = (0.6 + 0.8 * fbm(x * 45, y * 45, 2)) * (1 + 0.35 * Math.max(-1, Math.min(1, (0.705 - x + 0.38 - y) * 3)));
  blend(0.13 * leaf, 0.4 * leaf, 0.12 * leaf, cover(d));
}

/** Picket fence: two rails behind pointed pickets. */
function fence(x: number, y: number): void {
  for (const ry of RAILS_Y) blend(0.75, 0.73, 0.68, cover(box(x, y, 0.5, ry, 0.99, ry + 0.015)));
  const period = 0.045;
  const cx = 0.5 + (Math.floor((x - 0.5) / period) + 0.5) * period;
  const picket = Math.max(Math.abs(x - cx) - 0.012, 0.7 + Math.abs(x - cx) * 0.9 - y, y - 0.87);
  const lit = x < cx ? 0.93 : 0.8;
  blend(lit, lit * 0.98, lit * 0.92, cover(picket));
}

/** A ball with a white band, and its shadow on the grass. */
function ball(x: number, y: number): void {
  const [cx, cy, r] = [0.6, 0.93, 0.045];
  blend(0, 0, 0, 0.35 * cover(len((x - cx) / 1.2, (y - cy - 0.04) * 3.5) - r));
  const dx = x - cx;
  const dy = y - cy;
  const inside = cover(len(dx, dy) - r);
  if (inside <= 0) return;
  const nz = Math.sqrt(Math.max(0, 1 - (dx * dx + dy * dy) / (r * r)));
  const light = 0.45 + 0.55 * clamp01((-dx * 0.5 - dy * 0.6) / r + nz * 0.6);
  const band = cover(Math.abs(dy + 0.3 * dx) - 0.012);
  blend((0.85 + 0.12 * band) * light, (0.12 + 0.83 * band) * light, (0.1 + 0.82 * band) * light, inside);
}

/** Composes the scene's colour at (x, y) into STATE, back to front (ridge, slope, ground: of column x). */
function shade(x: number, y: number, ridge: number, slope: number, ground: number): void {
  const px = STATE[PX];
  sky(x, y);
  if (y > ridge - px) mountains(x, y, ridge, slope);
  if (y > ground - px) meadow(x, y, ground);
  if (x > 0.05 && x < 0.49 && y > 0.28 && y < 0.82) house(x, y);
  if (x > 0.5 && x < 0.9 && y > 0.24 && y < 0.82) tree(x, y);
  if (x > 0.5 && x < 0.99 && y > 0.69 && y < 0.88) fence(x, y);
  if (x > 0.54 && x < 0.66 && y > 0.87) ball(x, y);
}

/**
 * The scene as RGB planes (sRGB in [0, 1]) of `rows.length` rows × `width` columns, sampled at
 * pixel centres of an image `unitW` × `unitH` pixels (columns beyond unitW continue the scene to
 * the right). `rows` are the image rows to render.
 */
export function renderScene(width: number, unitW: number, unitH: number, rows: readonly number[]): Float32Array[] {
  STATE[PX] = Math.max(1 / unitW, 1 / unitH);
  const planes = [0, 1, 2].map(() => new Float32Array(rows.length * width));
  const ridge = new Float32Array(width);
  const slope = new Float32Array(width);
  const ground = new Float32Array(width);
  for (let c = 0; c < width; c++) {
    const x = (c + 0.5) / unitW;
    ridge[c] = ridgeAt(x);
    slope[c] = (ridgeAt(x + 0.01) - ridgeAt(x - 0.01)) * 20;
    ground[c] = groundAt(x);
  }
  rows.forEach((row, i) => {
    const y = (row + 0.5) / unitH;
    for (let c = 0; c < width; c++) {
      shade((c + 0.5) / unitW, y, ridge[c], slope[c], ground[c]);
      planes[0][i * width + c] = STATE[0];
      planes[1][i * width + c] = STATE[1];
      planes[2][i * width + c] = STATE[2];
    }
  });
  return planes;
}

/** The row of the scene a 1-D input shows: through the house's windows, the tree and the fence. */
const SCENE_ROW_1D = 0.6;

/** The last scene made, by shape: an edit re-runs the network on the same input. */
let lastScene: { key: string; data: Float32Array } | null = null;

/**
 * The scene for an input [C, ...spatial]: 2-D the image itself; 1-D one row of it; 3-D one frame
 * per depth slice, the camera panning right by about W/32 pixels a frame. Channels as for images
 * (1 = luminance, 3 = RGB, otherwise RGB repeated), values 2·v − 1 in [-1, 1].
 */
function sceneSample(shape: readonly number[]): Tensor {
  const key = shape.join();
  if (lastScene?.key !== key) lastScene = { key, data: renderSceneInput(shape) };
  return { shape: shape.slice(), data: lastScene.data.slice() };
}

function renderSceneInput(shape: readonly number[]): Float32Array {
  const C = shape[0];
  const sp = shape.slice(1);
  const rank = sp.length;
  const W = sp[rank - 1];
  const H = rank === 1 ? 1 : sp[rank - 2];
  const D = rank === 3 ? sp[0] : 1;
  const step = rank === 3 ? Math.max(1, Math.round(W / 32)) : 0;
  const width = W + (D - 1) * step;
  const unitH = rank === 1 ? W : H;
  const rows = rank === 1 ? [Math.floor(SCENE_ROW_1D * W)] : Array.from({ length: H }, (_, r) => r);
  const [r, g, b] = renderScene(width, W, unitH, rows);
  // The channels' planes as input values (luminance for one channel), then copied row by row.
  const planes = C === 1 ? [r.map((v, k) => 2 * (0.299 * v + 0.587 * g[k] + 0.114 * b[k]) - 1)] : [r, g, b].map((p) => p.map((v) => 2 * v - 1));
  const plane = H * W;
  const out = new Float32Array(C * D * plane);
  for (let c = 0; c < C; c++) {
    const src = planes[c % planes.length];
    for (let d = 0; d < D; d++) {
      for (let y = 0; y < H; y++) out.set(src.subarray(y * width + d * step, y * width + d * step + W), (c * D + d) * plane + y * W);
    }
  }
  return out;
}
