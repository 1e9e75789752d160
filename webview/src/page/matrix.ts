// The convolution as a matrix (the lecture's unrolled convolution) for small conv layers: C or
// its transpose, and the product checked against the kernel's output.
import type { LayerInfo } from '../workerProtocol';
import type { LayerResult } from '../../../engine/types';
import { layerParams, paramOptions } from '../../../kernels/runtime/execute';
import { convMatrix, convTransposeMatrix, checkProduct, type Matrix } from '../../../kernels/runtime/convMatrix';
import { $, page, state } from './state';
import { tensorOf } from './data';
import { wholeOutputs } from './recompute';

const MATRIX_MAX_INPUT = 64; // input positions (8×8) for the matrix view

export function matrixEligible(l: LayerInfo | undefined): boolean {
  if (!l || !['conv', 'depthwise', 'conv_transpose'].includes(l.kind)) return false;
  const inSp = l.inputShapes[0]?.slice(1) ?? [];
  return inSp.length >= 1 && inSp.length <= 2 && inSp.reduce((a, b) => a * b, 1) <= MATRIX_MAX_INPUT;
}

export async function openMatrix(index: number): Promise<void> {
  const l = page.layers[index];
  const srcIndex = l.from[0] === 'input' ? -1 : page.layers.findIndex((x) => x.name === l.from[0]);
  // Every value of both: a large output may be kept as its shown channels only (recompute.ts).
  const whole = async (i: number) => (tensorOf(i)?.channels ? (await wholeOutputs([i]))[0] : tensorOf(i));
  const [out, x] = await Promise.all([whole(index), whole(srcIndex)]);
  const box = $('matrix');
  box.textContent = '';
  box.hidden = false;
  box.dataset.layer = l.name;
  const close = document.createElement('button');
  close.textContent = 'Close';
  close.id = 'matrix-close';
  close.addEventListener('click', () => (box.hidden = true));
  const title = document.createElement('h3');
  box.append(close, title);
  if (!out || !x) {
    title.textContent = `${l.name}: not computed yet`;
    return;
  }
  if (page.weightsInfo && !page.weightsInfo.problem) {
    // The file's weights stay in the worker: the page's drawn ones would be another matrix.
    title.textContent = `${l.name}: the matrix view shows random weights only; this run used ${page.weightsInfo?.name ?? 'a weights file'}`;
    return;
  }
  const a = l.args as Record<string, any>;
  // The run's own options (the same drawn weights as the worker's: gains depend on the layers after).
  const p = layerParams(l as unknown as LayerResult, x.shape, state.seed, false, paramOptions(page.layers))!;
  const g = { kernel: a.kernel, stride: a.stride, dilation: a.dilation, padding: a.padding as Array<[number, number]>, groups: p.groups };
  let m: Matrix;
  if (l.kind === 'conv_transpose') {
    m = convTransposeMatrix(p.weight, x.shape, out.shape, g);
    title.textContent = `${l.name} (conv_transpose) as a matrix: vec(out) = Cᵀ·vec(in)${p.bias ? ' + b' : ''}; rows = ${m.rows} output positions, columns = ${m.cols} input positions`;
  } else {
    m = convMatrix(p.weight, { ...g, inShape: x.shape });
    title.textContent = `${l.name} as a matrix: vec(out) = C·vec(in)${p.bias ? ' + b' : ''}; rows = ${m.rows} output positions, columns = ${m.cols} input positions`;
  }
  const chk = checkProduct(m, x, out, p.bias);
  const res = document.createElement('p');
  res.id = 'matrix-check';
  res.dataset.ok = String(chk.ok);
  res.className = chk.ok ? 'ok' : 'bad';
  res.textContent = `${l.kind === 'conv_transpose' ? 'Cᵀ' : 'C'}·x${p.bias ? ' + b' : ''} vs the kernel's output: ${chk.ok ? 'OK' : 'MISMATCH'} (max |difference| ${chk.maxAbsDiff.toExponential(2)})`;
  box.appendChild(res);
  box.dataset.matrix = JSON.stringify({ rows: m.rows, cols: m.cols, data: Array.from(m.data) });
  const table = document.createElement('table');
  table.id = 'matrix-table';
  const posName = (k: number, shape: number[]): string => {
    const sp = shape.slice(1);
    const per = sp.reduce((u, v) => u * v, 1);
    const c = Math.floor(k / per);
    let r = k % per;
    const idx: number[] = [];
    for (let d = sp.length - 1; d >= 0; d--) {
      idx.unshift(r % sp[d]);
      r = Math.floor(r / sp[d]);
    }
    return shape[0] > 1 ? `${c}:${idx.join(',')}` : idx.join(',');
  };
  const maxCells = 40000;
  const rows = Math.min(m.rows, Math.floor(maxCells / Math.max(1, m.cols)));
  const head = document.createElement('tr');
  head.appendChild(document.createElement('th'));
  for (let c = 0; c < m.cols; c++) {
    const th = document.createElement('th');
    th.textContent = `x${posName(c, x.shape)}`;
    head.appendChild(th);
  }
  table.appendChild(head);
  for (let r = 0; r < rows; r++) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = `y${posName(r, out.shape)}`;
    tr.appendChild(th);
    for (let c = 0; c < m.cols; c++) {
      const td = document.createElement('td');
      const v = m.data[r * m.cols + c];
      td.textContent = v === 0 ? '0' : Number.isInteger(v) ? String(v) : v.toFixed(3);
      if (v === 0) td.className = 'zero';
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  box.appendChild(table);
  if (rows < m.rows) {
    const more = document.createElement('p');
    more.textContent = `(first ${rows} of ${m.rows} rows shown)`;
    box.appendChild(more);
  }
}
