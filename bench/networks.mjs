// Networks the benchmarks generate (one definition, so every bench measures the same file).

/** A flat network of `n` layers: conv/batchnorm/relu triples, channels cycling, stride 1. */
export function flatNetwork(n) {
  const lines = ['name: flat-2000', 'input: [3, 64, 64]', 'layers:'];
  for (let i = 0; lines.length - 3 < n; i++) {
    lines.push(`  - conv: {out: ${16 + (i % 4) * 16}, kernel: 3, padding: 1, bias: false}`);
    if (lines.length - 3 < n) lines.push('  - batchnorm');
    if (lines.length - 3 < n) lines.push('  - relu');
  }
  return lines.join('\n') + '\n';
}
