// The options every command takes for model files: for files with several sizes (Ultralytics) which
// scale and the image size; for PyTorch source which class and the input shape.
import type { ReadOptions } from '../../engine';
import { UsageError, type FlagSpec, type ParsedArgs } from './args';

export const MODEL_FLAGS: FlagSpec = { scale: 'value', 'image-size': 'value', class: 'value', 'input-shape': 'value' };

export const MODEL_HELP = `  --scale S         Ultralytics: the scale (n, s, m, l, x…) when the file name carries none
                    (yolov8.yaml); a name such as yolov8s.yaml wins, as in Ultralytics
  --image-size N    the square image size to analyse at (Ultralytics: default 640; darknet:
                    instead of its [net] width and height)
  --class NAME      PyTorch: the nn.Module subclass to analyse (default: the file's top-level model)
  --input-shape C,H,W
                    PyTorch: the input per sample (default: the file's \`# convlens: input\` comment
                    or the torch.randn(N, C, H, W) it makes)`;

export function modelOptions(flags: ParsedArgs['flags']): Pick<ReadOptions, 'scale' | 'imageSize' | 'className' | 'inputShape'> {
  const out: Pick<ReadOptions, 'scale' | 'imageSize' | 'className' | 'inputShape'> = {};
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
  const cls = flags.class;
  if (typeof cls === 'string') {
    if (!/^[A-Za-z_]\w{0,99}$/.test(cls)) throw new UsageError(`--class must be a Python class name, not ${JSON.stringify(cls)}`);
    out.className = cls;
  }
  const shape = flags['input-shape'];
  if (typeof shape === 'string') {
    const dims = shape.split(/[,x×]/).map((d) => d.trim());
    if (dims.length < 2 || dims.length > 4 || !dims.every((d) => /^\d+$/.test(d) && Number(d) >= 1 && Number(d) <= 1_000_000)) {
      throw new UsageError(`--input-shape must be 2 to 4 positive whole numbers per sample, C,H,W (e.g. 3,224,224), not ${JSON.stringify(shape)}`);
    }
    out.inputShape = dims.map(Number);
  }
  return out;
}
