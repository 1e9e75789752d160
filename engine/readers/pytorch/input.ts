// Where the input shape of a PyTorch model comes from, in order: the CLI's --input-shape, a
// `# convlens: input 3x32x32` comment, a tensor the file makes itself (`torch.randn(1, 3, 224,
// 224)`), then the convlens.pytorch.inputShape setting. Never a guess.
import type { Shape, Span } from '../../types';

export interface InputShape {
  /** Per sample: [C, H, W] (no batch axis). */
  shape: Shape;
  /** The batch size, when the file says it (torch.randn(4, …)); 1 otherwise. */
  batch: number;
  from: 'option' | 'comment' | 'file' | 'setting';
  span?: Span;
}

/** `# convlens: input 3x32x32` (also `3×32×32`, `3,32,32`, `3 32 32`). */
const COMMENT = /^[ \t]*#[ \t]*convlens:[ \t]*input[ \t]+(\d+(?:[ \t]*[x×*, ][ \t]*\d+){1,3})[ \t]*$/im;
/** torch.randn(1, 3, 224, 224), torch.zeros((1, 3, 32, 32)), torch.rand(size=(…)). */
const FACTORY = /\btorch\.(?:randn|rand|zeros|ones|empty)\(\s*(?:size\s*=\s*)?[([]?\s*(\d+(?:\s*,\s*\d+){2,4})\s*,?\s*[)\]]?\s*(?:,[^)]*)?\)/g;

/** Parses `3x32x32`, `3,32,32` or `3 32 32` into a shape; undefined when it is not 2 to 4 positive integers. */
export function parseShapeText(s: string): Shape | undefined {
  const parts = s.trim().split(/[ \t]*[x×*,][ \t]*|[ \t]+/).filter(Boolean);
  if (parts.length < 2 || parts.length > 4 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  const shape = parts.map(Number);
  return shape.every((n) => n >= 1 && n <= 1_000_000) ? shape : undefined;
}

export function findInputShape(text: string, given?: Shape, fallback?: Shape): InputShape | undefined {
  if (given) return { shape: given, batch: 1, from: 'option' };
  const c = COMMENT.exec(text);
  if (c) {
    const shape = parseShapeText(c[1]);
    if (shape) return { shape, batch: 1, from: 'comment', span: { start: c.index, end: c.index + c[0].length } };
  }
  FACTORY.lastIndex = 0;
  for (let m; (m = FACTORY.exec(text)); ) {
    const line = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index);
    if (line.includes('#')) continue;
    const dims = m[1].split(',').map((d) => Number(d.trim()));
    if (dims.length < 3 || dims.some((d) => !(d >= 1))) continue;
    return { shape: dims.slice(1), batch: dims[0], from: 'file', span: { start: m.index, end: m.index + m[0].length } };
  }
  return fallback ? { shape: fallback, batch: 1, from: 'setting' } : undefined;
}
