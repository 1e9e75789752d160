// Quick fixes in PyTorch model source: the constructor argument PyTorch would refuse at run time
// (CL102: in_channels, in_features, num_features…) set to what reaches the module, written as the
// product the user wrote when it was one (16 * 5 * 5 → 16 * 4 * 4); and (CL031) the comment that
// gives the model its input shape.
import { registerFix } from './registry';

/** Integer literals and arithmetic only: a name or attribute may be shared by other instances, so it is left alone. */
const LITERAL = /^[\d\s*+\-/()]+$/;

registerFix(
  'CL102',
  (text, _analysis, finding) => {
    const { pytorchArg, value, factors } = finding.data ?? {};
    if (typeof pytorchArg !== 'string' || typeof value !== 'number') return [];
    const written = text.slice(finding.span.start, finding.span.end);
    if (!LITERAL.test(written)) return [];
    const product = Array.isArray(factors) && factors.length > 1 && /\*/.test(written) ? factors.join(' * ') : undefined;
    const newText = product ?? String(value);
    const why = Array.isArray(factors) && factors.length > 1 ? ` (${factors.join(' × ')})` : '';
    return [{ title: `Set ${pytorchArg} to ${value}${why}`, isPreferred: true, edits: [{ span: finding.span, newText }] }];
  },
  ['pytorch'],
);

registerFix(
  'CL031',
  (_text, _analysis, finding) => {
    const { insertAt, channels, rank } = finding.data ?? {};
    if (typeof insertAt !== 'number' || typeof channels !== 'number' || typeof rank !== 'number') return [];
    const sizes = rank === 2 ? [224, 32] : rank === 1 ? [128] : [16];
    return sizes.map((s) => {
      const shape = [channels, ...Array(rank).fill(s)].join('x');
      return { title: `Add \`# convlens: input ${shape}\``, edits: [{ span: { start: insertAt, end: insertAt }, newText: `# convlens: input ${shape}\n` }] };
    });
  },
  ['pytorch'],
);
