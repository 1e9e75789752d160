// Every invalid setting PyTorch rejects in the oracle (ops.json, 24 cases with PyTorch 1.13's
// exact message) is rejected by ConvLens with the matching code, and where ConvLens can state the
// same situation in PyTorch's words, the message contains PyTorch's message verbatim.
import { strict as assert } from 'node:assert';
import { check } from '../../../engine';
import { loadOracle } from '../../oracle';

interface ErrCase {
  id: string;
  op: string;
  api: 'functional' | 'module';
  args?: Record<string, unknown>;
  module_args?: Record<string, unknown>;
  input_shape?: number[];
  weight_shape?: number[];
  error: { type: string; message: string; raised_by?: string };
}

const ops = loadOracle<{ cases: ErrCase[] }>('ops.json');
const errs = ops.cases.filter((c) => c.error !== undefined);

const zeros = (shape: number[]): unknown => (shape.length === 0 ? 0 : Array.from({ length: shape[0] }, () => zeros(shape.slice(1))));
const flow = (o: Record<string, unknown>) => `{${Object.entries(o).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}}`;

/** The ConvLens network that reproduces one oracle case (batch axis dropped). */
function network(c: ErrCase, withWeights: boolean): string {
  const transposed = /transpose/i.test(c.op);
  const pool = /pool/.test(c.op);
  if (c.api === 'module') {
    const m = c.module_args!;
    const rank = Number(/(\d)d$/i.exec(c.op)![1]);
    const input = c.input_shape ? c.input_shape.slice(1) : [m.in_channels as number, ...Array(rank).fill(5)];
    const args: Record<string, unknown> = { out: m.out_channels, kernel: m.kernel_size };
    for (const k of ['stride', 'padding', 'groups', 'dilation', 'padding_mode']) if (m[k] !== undefined) args[k] = m[k];
    return `input: ${JSON.stringify(input)}\nlayers:\n  - ${transposed ? 'conv_transpose' : 'conv'}: ${flow(args)}\n`;
  }
  const input = c.input_shape!.slice(1);
  const a = { ...(c.args ?? {}) };
  if (pool) {
    const args: Record<string, unknown> = { kernel: a.kernel_size };
    for (const k of ['stride', 'padding', 'ceil_mode']) if (a[k] !== undefined) args[k] = a[k];
    return `input: ${JSON.stringify(input)}\nlayers:\n  - ${c.op.startsWith('max') ? 'maxpool' : 'avgpool'}: ${flow(args)}\n`;
  }
  const w = c.weight_shape!;
  const groups = (a.groups as number | undefined) ?? 1;
  const args: Record<string, unknown> = { out: transposed ? w[1] * groups : w[0], kernel: w.slice(2), ...a };
  if (withWeights) {
    args.weights = zeros(w);
    args.bias = false;
  }
  return `input: ${JSON.stringify(input)}\nlayers:\n  - ${transposed ? 'conv_transpose' : 'conv'}: ${flow(args)}\n`;
}

// For each case: the ConvLens code, and what the message must contain ('oracle' = PyTorch's
// message verbatim). Functional group cases are stated with the module (constructor) message,
// since a ConvLens layer is a module; a weights shape mismatch uses the functional words.
const EXPECT: Record<string, { code: string; includes: 'oracle' | string; weights?: boolean }> = {
  err_conv2d_kernel_larger_than_input: { code: 'CL101', includes: 'oracle' },
  err_conv2d_dilated_kernel_larger_than_input: { code: 'CL101', includes: 'oracle' },
  err_conv1d_output_size_zero_kernel_gt_padded_input: { code: 'CL101', includes: 'oracle' },
  err_conv2d_same_with_stride2: { code: 'CL105', includes: 'oracle' },
  err_Conv2d_module_same_with_stride2: { code: 'CL105', includes: 'oracle' },
  err_conv2d_padding_invalid_string: { code: 'CL011', includes: 'oracle' },
  err_conv2d_negative_padding: { code: 'CL011', includes: 'oracle' },
  err_conv2d_stride_zero: { code: 'CL011', includes: 'oracle' },
  err_conv2d_groups_not_dividing_in_channels: { code: 'CL102', includes: 'in_channels must be divisible by groups' },
  err_conv2d_groups_not_dividing_out_channels: { code: 'CL102', includes: 'out_channels must be divisible by groups' },
  err_conv2d_channel_mismatch: { code: 'CL109', includes: 'oracle', weights: true },
  err_Conv2d_module_groups_in_channels: { code: 'CL102', includes: 'oracle' },
  err_Conv2d_module_groups_out_channels: { code: 'CL102', includes: 'oracle' },
  err_max_pool2d_padding_gt_half_kernel: { code: 'CL106', includes: 'oracle' },
  err_avg_pool2d_padding_gt_half_kernel: { code: 'CL106', includes: 'oracle' },
  err_max_pool2d_output_too_small: { code: 'CL101', includes: 'oracle' },
  err_avg_pool2d_output_too_small: { code: 'CL101', includes: 'oracle' },
  err_max_pool2d_stride_zero: { code: 'CL011', includes: 'oracle' },
  err_conv_transpose2d_output_padding_ge_stride_and_dilation: { code: 'CL107', includes: 'oracle' },
  err_conv_transpose2d_output_padding_1_stride_1: { code: 'CL107', includes: 'oracle' },
  err_conv_transpose1d_output_size_negative: { code: 'CL101', includes: 'oracle' },
  // PyTorch 1.13 fails only in forward, with a TypeError about tuples; ConvLens says why.
  err_ConvTranspose2d_module_padding_same: { code: 'CL011', includes: "conv_transpose does not take padding 'same'" },
  // The format has no padding_mode: the argument itself is unknown.
  err_ConvTranspose2d_module_padding_mode_reflect: { code: 'CL004', includes: "no argument 'padding_mode'" },
  err_conv_transpose2d_groups_channel_mismatch: { code: 'CL102', includes: 'in_channels must be divisible by groups' },
};

describe('rules: PyTorch error cases (ops.json)', () => {
  it('the oracle has 24 error cases and each one is mapped here', () => {
    assert.equal(errs.length, 24);
    assert.deepEqual(errs.map((c) => c.id).filter((id) => !EXPECT[id]), []);
  });

  for (const c of errs) {
    it(`${c.id}: ${c.error.message.slice(0, 70)}`, () => {
      const want = EXPECT[c.id];
      const text = network(c, Boolean(want.weights));
      const a = check(text);
      const hits = a.findings.filter((f) => f.code === want.code);
      assert.ok(hits.length > 0, `expected ${want.code} for\n${text}\ngot: ${a.findings.map((f) => `${f.code} ${f.message}`).join('\n')}`);
      assert.ok(hits.some((f) => f.severity === 'error' || want.code === 'CL105'), 'PyTorch rejects it: the finding must be an error (CL105 is a warning: ConvLens computes TensorFlow\'s rule)');
      const needle = want.includes === 'oracle' ? c.error.message : want.includes;
      assert.ok(hits.some((f) => f.message.includes(needle)), `message should contain «${needle}», got:\n${hits.map((f) => f.message).join('\n')}`);
    });
  }
});
