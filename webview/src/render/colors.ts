// The two colour scales of the maps, both perceptual: viridis for maps that are never negative
// (0 dark, the largest value yellow) and Moreland's smooth cool-warm for signed maps (blue —
// grey at 0 — red, equally bright at ±v). Pure: no DOM.

export type Colormap = 'viridis' | 'diverging';

export type Rgb = [number, number, number];

// matplotlib's viridis (Nathaniel J. Smith, Stéfan van der Walt, Eric Firing; CC0), its 256
// entries as 8-bit sRGB hex triples.
const VIRIDIS_HEX =
  '44015444025645045745055946075a46085c460a5d460b5e470d60470e61471063471164471365481467481668481769' +
  '48186a481a6c481b6d481c6e481d6f481f70482071482173482374482475482576482677482878482979472a7a472c7a' +
  '472d7b472e7c472f7d46307e46327e46337f463480453581453781453882443983443a83443b84433d84433e85423f85' +
  '4240864241864142874144874045884046883f47883f48893e49893e4a893e4c8a3d4d8a3d4e8a3c4f8a3c508b3b518b' +
  '3b528b3a538b3a548c39558c39568c38588c38598c375a8c375b8d365c8d365d8d355e8d355f8d34608d34618d33628d' +
  '33638d32648e32658e31668e31678e31688e30698e306a8e2f6b8e2f6c8e2e6d8e2e6e8e2e6f8e2d708e2d718e2c718e' +
  '2c728e2c738e2b748e2b758e2a768e2a778e2a788e29798e297a8e297b8e287c8e287d8e277e8e277f8e27808e26818e' +
  '26828e26828e25838e25848e25858e24868e24878e23888e23898e238a8d228b8d228c8d228d8d218e8d218f8d21908d' +
  '21918c20928c20928c20938c1f948c1f958b1f968b1f978b1f988b1f998a1f9a8a1e9b8a1e9c891e9d891f9e891f9f88' +
  '1fa0881fa1881fa1871fa28720a38620a48621a58521a68522a78522a88423a98324aa8325ab8225ac8226ad8127ad81' +
  '28ae8029af7f2ab07f2cb17e2db27d2eb37c2fb47c31b57b32b67a34b67935b77937b87838b9773aba763bbb753dbc74' +
  '3fbc7340bd7242be7144bf7046c06f48c16e4ac16d4cc26c4ec36b50c46a52c56954c56856c66758c7655ac8645cc863' +
  '5ec96260ca6063cb5f65cb5e67cc5c69cd5b6ccd5a6ece5870cf5773d05675d05477d1537ad1517cd2507fd34e81d34d' +
  '84d44b86d54989d5488bd6468ed64590d74393d74195d84098d83e9bd93c9dd93ba0da39a2da37a5db36a8db34aadc32' +
  'addc30b0dd2fb2dd2db5de2bb8de29bade28bddf26c0df25c2df23c5e021c8e020cae11fcde11dd0e11cd2e21bd5e21a' +
  'd8e219dae319dde318dfe318e2e418e5e419e7e419eae51aece51befe51cf1e51df4e61ef6e620f8e621fbe723fde725';

const viridisTable: Rgb[] = Array.from({ length: 256 }, (_, i) => [0, 2, 4].map((k) => parseInt(VIRIDIS_HEX.slice(i * 6 + k, i * 6 + k + 2), 16)) as Rgb);

/** Viridis at t in [0, 1] (clamped), interpolated between its 256 entries; NaN is grey. */
export function viridis(t: number): Rgb {
  if (t !== t) return [128, 128, 128];
  const f = Math.max(0, Math.min(1, t)) * 255;
  const i = Math.min(254, Math.floor(f));
  const u = f - i;
  const a = viridisTable[i];
  const b = viridisTable[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * u)) as Rgb;
}

// Moreland's diverging map ("Diverging Color Maps for Scientific Visualization", 2009):
// interpolate between its two end colours in Msh space (polar CIELAB), through an unsaturated
// white of lightness 88 at the centre, so that lightness rises linearly to 0 and the hue does
// not wander.
const COOL: Rgb = [59, 76, 192];
const WARM: Rgb = [180, 4, 38];
const WHITE_D65 = [0.95047, 1, 1.08883];

type Msh = [number, number, number];

function toLinear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function fromLinear(v: number): number {
  const s = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
  return Math.round(Math.max(0, Math.min(1, s)) * 255);
}

function rgbToMsh([r8, g8, b8]: Rgb): Msh {
  const [r, g, b] = [r8, g8, b8].map(toLinear);
  const xyz = [0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b, 0.0193 * r + 0.1192 * g + 0.9505 * b];
  const [fx, fy, fz] = xyz.map((v, i) => {
    const t = v / WHITE_D65[i];
    return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
  });
  const L = 116 * fy - 16;
  const a = 500 * (fx - fy);
  const bb = 200 * (fy - fz);
  const M = Math.hypot(L, a, bb);
  return [M, Math.acos(L / M), Math.atan2(bb, a)];
}

function mshToRgb([M, s, h]: Msh): Rgb {
  const L = M * Math.cos(s);
  const a = M * Math.sin(s) * Math.cos(h);
  const bb = M * Math.sin(s) * Math.sin(h);
  const fy = (L + 16) / 116;
  const [x, y, z] = [fy + a / 500, fy, fy - bb / 200].map((f, i) => (f ** 3 > 0.008856 ? f ** 3 : (f - 16 / 116) / 7.787) * WHITE_D65[i]);
  return [3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z, 0.0557 * x - 0.204 * y + 1.057 * z].map(fromLinear) as Rgb;
}

/** The hue an unsaturated colour of magnitude m takes next to the saturated `msh` (Moreland's spin). */
function adjustHue([M, s, h]: Msh, m: number): number {
  if (M >= m) return h;
  const spin = (s * Math.sqrt(m * m - M * M)) / (M * Math.sin(s));
  return h > -Math.PI / 3 ? h + spin : h - spin;
}

const coolMsh = rgbToMsh(COOL);
const warmMsh = rgbToMsh(WARM);
const midM = Math.max(coolMsh[0], warmMsh[0], 88);

/** The diverging scale at v in [-1, 1] (clamped): -1 blue, 0 light grey, +1 red; NaN is grey. */
export function diverging(v: number): Rgb {
  if (v !== v) return [128, 128, 128];
  const t = Math.max(-1, Math.min(1, v));
  if (t === -1) return [...COOL];
  if (t === 1) return [...WARM];
  // Each half runs from its saturated end to the white centre.
  const end = t < 0 ? coolMsh : warmMsh;
  const u = Math.abs(t);
  const centre: Msh = [midM, 0, adjustHue(end, midM)];
  return mshToRgb([centre[0] + (end[0] - centre[0]) * u, centre[1] + (end[1] - centre[1]) * u, centre[2] + (end[2] - centre[2]) * u]);
}

/** The colour of value v on a scale of half-range `scale`: viridis over [0, scale], diverging over [-scale, scale]. */
export function colourOf(map: Colormap, v: number, scale: number): Rgb {
  return map === 'viridis' ? viridis(v / scale) : diverging(v / scale);
}

/** Largest |value| of a slice of data (at least a tiny positive number, so 0 maps to the scale's zero). */
export function maxAbs(data: ArrayLike<number>, from = 0, to = data.length): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(data[i]);
    if (a > m) m = a;
  }
  return m > 0 ? m : 1e-30;
}
