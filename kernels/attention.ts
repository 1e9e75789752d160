// The attention of Ultralytics' PSA blocks (ultralytics/nn/modules/block.py, Attention.forward
// after the qkv convolution): per head, q, k, v are consecutive channel groups of the input;
// attn = softmax(qᵀk · key_dim^−½) over the key positions, output = v · attnᵀ.
import { Tensor, numel } from './tensor';

export function attention(qkv: Tensor, heads: number, keyDim: number): Tensor {
  const C = qkv.shape[0];
  const per = C / heads;
  const headDim = per - 2 * keyDim;
  if (!Number.isInteger(per) || headDim < 1) throw new RangeError(`attention: ${C} channels are not ${heads} heads of 2·${keyDim} + value channels`);
  const N = numel(qkv.shape.slice(1));
  const scale = keyDim ** -0.5;
  const out = new Float32Array(heads * headDim * N);
  const scores = new Float64Array(N);
  const x = qkv.data;
  for (let h = 0; h < heads; h++) {
    const q = h * per * N;
    const k = q + keyDim * N;
    const v = k + keyDim * N;
    const o = h * headDim * N;
    for (let i = 0; i < N; i++) {
      let max = -Infinity;
      for (let j = 0; j < N; j++) {
        let dot = 0;
        for (let c = 0; c < keyDim; c++) dot += x[q + c * N + i] * x[k + c * N + j];
        scores[j] = dot * scale;
        if (scores[j] > max) max = scores[j];
      }
      let sum = 0;
      for (let j = 0; j < N; j++) {
        scores[j] = Math.exp(scores[j] - max);
        sum += scores[j];
      }
      for (let c = 0; c < headDim; c++) {
        let acc = 0;
        const row = v + c * N;
        for (let j = 0; j < N; j++) acc += x[row + j] * scores[j];
        out[o + c * N + i] = acc / sum;
      }
    }
  }
  return { shape: [heads * headDim, ...qkv.shape.slice(1)], data: out };
}
