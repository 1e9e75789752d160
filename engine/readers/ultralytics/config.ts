// The top level of an Ultralytics model file: classes, scaling (a `scales` table picked by the
// file name, or yolov5's depth/width multiples), the activation and the anchors. Read as
// parse_model reads them (ultralytics/nn/tasks.py), each problem a located finding.
import type { Span } from '../../types';
import type { Report } from '../../analyse/network';
import type { RawMap, RawNode } from '../yaml/raw';
import { plainValue } from '../yaml/values';
import type { Activation } from './scope';
import { scaleFromFileName } from './python';

export interface ModelConfig {
  nc: number;
  depth: number;
  width: number;
  maxChannels: number;
  /** The scale the multiples come from ('' when the file has no `scales`). */
  scale: string;
  scales: string[];
  /** The file follows ultralytics/yolov5: anchors and depth/width multiples. */
  v5: boolean;
  /** yolov5's channel multiple (make_divisible's divisor; 8 in Ultralytics). */
  channelMultiple: number;
  activation: Activation;
  /** Input channels (`ch`, 3 by default). */
  channels: number;
  /** Values a string argument may name (`nc`, `anchors`…), as parse_model's locals and the file's keys. */
  names: Map<string, unknown>;
  /** The key and value of `scales`, for the scale CodeLens. */
  scalesSpan?: Span;
}

/** How the scale was chosen, for the hint that says so. */
export interface ScaleChoice {
  scale: string;
  from: 'file name' | 'setting' | 'first in scales' | 'none';
}

/** `activation: nn.ReLU()` and friends: the ones ConvLens has a kind for. */
function activationOf(text: string): Activation | undefined {
  const t = text.replace(/\s+/g, '');
  const m = /^(?:torch\.)?(?:nn\.)?(\w+)\((.*)\)$/.exec(t);
  if (!m) return undefined;
  const [, name, arg] = m;
  const simple: Record<string, string> = { SiLU: 'silu', ReLU: 'relu', ReLU6: 'relu6', Hardswish: 'hardswish', Sigmoid: 'sigmoid', Tanh: 'tanh', GELU: 'gelu', Identity: 'identity' };
  if (simple[name] && (arg === '' || /^(inplace=)?(True|False)$/.test(arg))) return { kind: simple[name], args: {} };
  if (name === 'LeakyReLU') {
    const slope = arg === '' ? 0.01 : Number(arg.split(',')[0].replace(/^negative_slope=/, ''));
    if (Number.isFinite(slope)) return { kind: 'leaky_relu', args: { slope } };
  }
  return undefined;
}

const isNumberList = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

export function readConfig(root: RawMap, fileName: string | undefined, chosenScale: string | undefined, report: Report): { config: ModelConfig; choice: ScaleChoice } {
  const get = (k: string) => root.entries.find((e) => e.key === k);
  const names = new Map<string, unknown>();
  for (const e of root.entries) if (e.key !== 'backbone' && e.key !== 'head') names.set(e.key, plainValue(e.value));

  const ncEntry = get('nc');
  let nc = 80;
  if (!ncEntry) report('schema', 'The model has no `nc:` (number of classes); Ultralytics needs it. ConvLens assumes 80.', root.entries[0]?.keySpan ?? root.span);
  else if (typeof names.get('nc') === 'number' && Number.isInteger(names.get('nc')) && (names.get('nc') as number) >= 1) nc = names.get('nc') as number;
  else report('badValue', '`nc` must be a whole number of classes ≥ 1.', ncEntry.value.span);
  names.set('nc', nc);

  const chEntry = get('ch');
  let channels = 3;
  if (chEntry) {
    const v = names.get('ch');
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) channels = v;
    else report('badValue', '`ch` (input channels) must be a whole number ≥ 1.', chEntry.value.span);
  }

  let activation: Activation = { kind: 'silu', args: {} };
  const actEntry = get('activation');
  if (actEntry) {
    const v = names.get('activation');
    const a = typeof v === 'string' ? activationOf(v) : undefined;
    if (a) activation = a;
    else report('unknownKind', `ConvLens cannot read the activation ${JSON.stringify(v)}: it knows nn.SiLU(), nn.ReLU(), nn.ReLU6(), nn.LeakyReLU(slope), nn.Hardswish(), nn.Sigmoid(), nn.Tanh(), nn.GELU() and nn.Identity().`, actEntry.value.span);
  }

  const scalesEntry = get('scales');
  const anchors = get('anchors');
  const v5 = !!anchors && !scalesEntry;
  let depth = 1;
  let width = 1;
  let maxChannels = Infinity;
  let scale = '';
  let scales: string[] = [];
  let from: ScaleChoice['from'] = 'none';
  if (scalesEntry) {
    const node: RawNode = scalesEntry.value;
    if (node.type !== 'map' || !node.entries.length) report('schema', '`scales` must map scale names to [depth, width, max_channels].', node.span);
    else {
      scales = node.entries.map((e) => e.key);
      const byName = scaleFromFileName(fileName);
      if (byName && scales.includes(byName)) [scale, from] = [byName, 'file name'];
      else if (chosenScale && scales.includes(chosenScale)) [scale, from] = [chosenScale, 'setting'];
      else [scale, from] = [scales[0], 'first in scales'];
      if (byName && !scales.includes(byName)) report('schema', `The file name asks for scale '${byName}', but \`scales\` has ${scales.map((s) => `'${s}'`).join(', ')}; using '${scale}'.`, scalesEntry.keySpan);
      const row = node.entries.find((e) => e.key === scale)!;
      const v = plainValue(row.value);
      if (isNumberList(v, 3)) [depth, width, maxChannels] = v;
      else report('badValue', `Scale '${scale}' must be [depth, width, max_channels], three numbers.`, row.value.span);
    }
  } else {
    for (const [key, set] of [['depth_multiple', (x: number) => (depth = x)], ['width_multiple', (x: number) => (width = x)]] as const) {
      const e = get(key);
      if (!e) continue;
      const v = names.get(key);
      if (typeof v === 'number' && v > 0) set(v);
      else report('badValue', `\`${key}\` must be a positive number.`, e.value.span);
    }
  }
  const mult = names.get('channel_multiple');
  const channelMultiple = typeof mult === 'number' && Number.isInteger(mult) && mult > 0 ? mult : 8;
  return {
    config: { nc, depth, width, maxChannels, scale, scales, v5, channelMultiple, activation, channels, names, scalesSpan: scalesEntry ? { start: scalesEntry.keySpan.start, end: scalesEntry.keySpan.end } : undefined },
    choice: { scale, from },
  };
}
