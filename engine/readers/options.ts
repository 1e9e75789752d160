// What a front end may tell a reader besides the text: the file's name and format, and the
// settings some formats take (the Ultralytics scale, the image size; PyTorch's class and input shape).
import type { TextNetworkFormat } from '../types';

export interface ReadOptions {
  /** The document's format; by default `formatOf(fileName, text)`, and cnn-yaml when that says nothing. */
  format?: TextNetworkFormat;
  /** The file's name or path (Ultralytics takes the model scale from it: yolov8n.yaml → n). */
  fileName?: string;
  /** Ultralytics: the scale (n, s, m, l, x…) when the file name carries none. */
  scale?: string;
  /** The square image size the model is analysed at: Ultralytics (default 640); darknet (default: [net] width and height). */
  imageSize?: number;
  /** PyTorch: the nn.Module subclass to analyse (default: the top-level model of the file). */
  className?: string;
  /** PyTorch: the input shape per sample, [C, H, W], over what the file says (the CLI's --input-shape). */
  inputShape?: number[];
  /** PyTorch: the input shape when the file says none (the convlens.pytorch.inputShape setting). */
  fallbackInputShape?: number[];
  /**
   * PyTorch: how many list items the interpreter may build or copy in all (default 10,000,000).
   * Bounds the time and memory of a pathological file, as the step bound bounds its steps; an
   * embedder that guards time and memory itself (the language server's worker) may raise it.
   */
  workLimit?: number;
  /** Polled while reading (PyTorch: every few hundred interpreter steps); true: stop, throwing AnalysisCancelled. */
  cancelled?: () => boolean;
}
