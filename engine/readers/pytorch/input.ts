// Where the input shape of a PyTorch model comes from, in order: the CLI's --input-shape, a
// `# convlens: input 3x32x32` comment, a tensor the file makes itself (`torch.randn(1, 3, 224,
// 224)`), then the convlens.pytorch.inputShape setting. Never a guess. Sizes written as text may
// carry the batch (`1x3x224x224`): the model's layers say how many axes a sample has (withBatch).
import type { Shape, Span } from '../../types';

export interface InputShape {
  /** Per sample: [C, H, W] (no batch axis). */
  shape: Shape;
  /** The batch size, when the file says it (torch.randn(4, …)); 1 otherwise. */
  batch: number;
  from: 'option' | 'comment' | 'file' | 'setting';
  span?: Span;
}

/** `# convlens: input 3x32x32` (also `3×32×32`, `3,32,32`, `3 32 32`, and with the batch `8x3x32x32`). */
const COMMENT = /^[ \t]*#[ \t]*convlens:[ \t]*input[ \t]+(\d+(?:[ \t]*[x×*, ][ \t]*\d+){1,4})[ \t]*$/im;
/** torch.randn(1, 3, 224, 224), torch.zeros((1, 3, 32, 32)), torch.rand(size=(…)). */
const FACTORY = /\btorch\.(?:randn|rand|zeros|ones|empty)\(\s*(?:size\s*=\s*)?[([]?\s*(\d+(?:\s*,\s*\d+){2,4})\s*,?\s*[)\]]?\s*(?:,[^)]*)?\)/g;

/** Parses `3x32x32`, `3,32,32` or `3 32 32` into a shape; undefined when it is not 2 to 5 positive integers (C×L up to N×C×D×H×W). */
export function parseShapeText(s: string): Shape | undefined {
  const parts = s.trim().split(/[ \t]*[x×*,][ \t]*|[ \t]+/).filter(Boolean);
  if (parts.length < 2 || parts.length > 5 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
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

/** The number of spatial axes the model's layers take (Conv2d: 2), from its first convolution or pooling; undefined when none says. */
export function spatialRank(modules: ReadonlyArray<{ torch?: string }>): number | undefined {
  for (const m of modules) {
    const r = /^(?:Conv|ConvTranspose|LazyConv|LazyConvTranspose|MaxPool|AvgPool|AdaptiveAvgPool|AdaptiveMaxPool|LPPool|FractionalMaxPool)([123])d$/.exec(m.torch ?? '');
    if (r) return Number(r[1]);
  }
  return undefined;
}

/** Sizes that fit neither form, with the forms that would. */
export interface InputProblem {
  problem: string;
  span?: Span;
}

const FORMS: Record<number, { sample: string; example: string }> = {
  1: { sample: 'C×L', example: '3x100' },
  2: { sample: 'C×H×W', example: '3x224x224' },
  3: { sample: 'C×D×H×W', example: '3x16x112x112' },
};

const SOURCES: Record<InputShape['from'], string> = {
  option: '--input-shape',
  comment: 'the `# convlens: input` comment',
  file: 'the tensor the file makes',
  setting: 'convlens.pytorch.inputShape',
};

/**
 * Sizes written as text (the CLI, the comment, the setting) are one sample or a batch: for a
 * model whose layers take R spatial axes, R + 1 sizes are a sample (C, H, W) and R + 2 a batch
 * (N, C, H, W: N is the batch). Any other count is a problem naming the accepted forms. When no
 * layer says R (no convolution or pooling), the sizes are a sample, as written.
 */
export function withBatch(input: InputShape, rank: number | undefined, model: string): InputShape | InputProblem {
  // A tensor the file makes always has the batch first (torch.randn(N, C, H, W)).
  if (input.from === 'file' || rank === undefined) return input;
  const n = input.shape.length;
  if (n === rank + 1) return input;
  if (n === rank + 2) return { ...input, shape: input.shape.slice(1), batch: input.shape[0] };
  const form = FORMS[rank];
  return {
    problem: `The input ${input.shape.join('×')} (${SOURCES[input.from]}) has ${n} sizes, but ${model} takes ${rank}-D input (its layers are ${rank}-d): give one sample, ${form.sample} (e.g. ${form.example}), or a batch, N×${form.sample} (e.g. 8x${form.example}).`,
    span: input.span,
  };
}
