// The options every command takes for model files: for files with several sizes (Ultralytics) which
// scale and the image size; an ONNX model's input shape; for PyTorch source which class and the
// input shape.
import type { Analysis, ReadOptions } from '../../engine';
import { UsageError, type FlagSpec, type ParsedArgs } from './args';

export const MODEL_FLAGS: FlagSpec = { scale: 'value', 'image-size': 'value', 'input-shape': 'value', class: 'value' };

/** How model files are read: Ultralytics' scale and image size, an ONNX model's input shape, a PyTorch file's class and input. */
export type ModelOptions = Pick<ReadOptions, 'scale' | 'imageSize' | 'className'> & { inputShape?: number[] };

export const MODEL_HELP = `  --scale S         Ultralytics: the scale (n, s, m, l, x…) when the file name carries none
                    (yolov8.yaml); a name such as yolov8s.yaml wins, as in Ultralytics (a note
                    on stderr says so); a scale the file does not list is a usage error
  --image-size N    the square image size to analyse at (Ultralytics: default 640, rounded up
                    to a multiple of the model's largest stride as Ultralytics does, with a
                    note; darknet: instead of its [net] width and height)
  --input-shape S   ONNX: the input's shape, e.g. 1x3x224x224 (or 3x224x224): sizes for the
                    axes the file leaves dynamic; the batch is 1 (figures are per sample).
                    PyTorch: one sample, C×H×W such as 3x224x224 or 3,224,224, or a batch,
                    N×C×H×W such as 8x3x224x224 (the model's layers tell which: Conv1d takes
                    C×L or N×C×L, Conv3d C×D×H×W or N×C×D×H×W); figures are per sample, the
                    summary gives the batch's activation memory (default: the file's
                    \`# convlens: input\` comment or its torch.randn call)
  --class NAME      PyTorch: the nn.Module subclass or factory function to analyse (default:
                    the file's top-level model)`;

export function modelOptions(flags: ParsedArgs['flags']): ModelOptions {
  const out: ModelOptions = {};
  const scale = flags.scale;
  if (typeof scale === 'string') {
    if (!/^[a-z0-9-]{1,16}$/i.test(scale)) throw new UsageError(`--scale must be a scale name such as n or s, not ${JSON.stringify(scale)}`);
    out.scale = scale;
  }
  const size = flags['image-size'];
  if (typeof size === 'string') {
    const n = Number(size);
    if (!/^\d+$/.test(size) || n < 32 || n > 8192) throw new UsageError(`--image-size must be a whole number from 32 to 8192, not ${JSON.stringify(size)}`);
    out.imageSize = n;
  }
  const shape = flags['input-shape'];
  if (typeof shape === 'string') {
    const dims = shape.split(/[x×,]/).map((d) => d.trim());
    if (dims.length < 2 || dims.length > 6 || dims.some((d) => !/^\d{1,6}$/.test(d) || Number(d) < 1)) throw new UsageError(`--input-shape must be sizes joined by x, such as 1x3x224x224, not ${JSON.stringify(shape)}`);
    out.inputShape = dims.map(Number);
  }
  const cls = flags.class;
  if (typeof cls === 'string') {
    if (!/^[A-Za-z_]\w{0,99}$/.test(cls)) throw new UsageError(`--class must be a Python class name, not ${JSON.stringify(cls)}`);
    out.className = cls;
  }
  return out;
}

/**
 * What the options did to one analysed file, as notes for stderr: the file name's scale wins over
 * --scale (as in Ultralytics), a file without `scales` ignores it, an image size was rounded up.
 * A scale the file does not have is a usage error naming the scales it has.
 */
export function modelNotes(flags: ParsedArgs['flags'], file: string, analysis: Analysis): string[] {
  if (analysis.format !== 'ultralytics') return [];
  const notes: string[] = [];
  const wanted = flags.scale;
  const scale = analysis.scale;
  if (typeof wanted === 'string') {
    if (scale && !scale.choices.includes(wanted)) throw new UsageError(`--scale ${wanted}: ${file} has the scales ${scale.choices.join(', ')}`);
    if (scale && scale.from === 'file name' && scale.name !== wanted) {
      const base = file.split(/[\\/]/).pop() ?? file;
      const renamed = base.replace(/(yolo(?:e-)?v?\d+)[nslmx]/, `$1${wanted}`);
      notes.push(`${file}: figures for scale '${scale.name}': the scale in the file name wins over --scale ${wanted}, as in Ultralytics (for '${wanted}', copy the file as ${renamed})`);
    } else if (!scale && analysis.layers.length) notes.push(`${file}: --scale ${wanted} does not apply: the file has no \`scales\` (its depth_multiple and width_multiple fix its size)`);
  }
  const size = flags['image-size'];
  const analysed = analysis.input?.[1];
  if (typeof size === 'string' && analysed !== undefined && analysed !== Number(size)) {
    notes.push(`${file}: analysed at ${analysed}×${analysed}: Ultralytics rounds --image-size ${size} up to a multiple of the model's largest stride`);
  }
  return notes;
}
