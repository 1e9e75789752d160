// The options every command takes for model files with several sizes (Ultralytics): which scale
// when the file name carries none, and the image size to analyse at.
import type { ReadOptions } from '../../engine';
import { UsageError, type FlagSpec, type ParsedArgs } from './args';

export const MODEL_FLAGS: FlagSpec = { scale: 'value', 'image-size': 'value' };

export const MODEL_HELP = `  --scale S         Ultralytics: the scale (n, s, m, l, x…) when the file name carries none
                    (yolov8.yaml); a name such as yolov8s.yaml wins, as in Ultralytics
  --image-size N    the square image size to analyse at (Ultralytics: default 640; darknet:
                    instead of its [net] width and height)`;

export function modelOptions(flags: ParsedArgs['flags']): Pick<ReadOptions, 'scale' | 'imageSize'> {
  const out: Pick<ReadOptions, 'scale' | 'imageSize'> = {};
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
  return out;
}
