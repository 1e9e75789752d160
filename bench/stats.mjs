// The small helpers the LSP and PyTorch benchmarks share: a numeric flag, a percentile, milliseconds.

/** `--name N` on the command line, as a number; `fallback` without it. */
export const numberArg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** The p-th percentile (nearest rank) of `xs`. */
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
