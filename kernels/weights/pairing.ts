// Which files in the network file's folder are likely its weights, best first, by the names
// people give them: `yolov3.weights` beside `yolov3.cfg`, `yolov8n.pt` beside `yolov8n.yaml`,
// `resnet18.pth` beside `resnet18.cnn.yaml`, and for a YOLO model file the `best.pt` / `last.pt`
// Ultralytics writes. A front end offers these (and asks once); it never loads one unasked.

const PYTORCH = /\.(pt|pth)$/i;
const DARKNET = /\.weights$/i;

/** The network file's name without folder and format extension: `yolov8n`, `resnet18`, `yolov3`. */
function stem(networkFile: string): string {
  const base = networkFile.slice(Math.max(networkFile.lastIndexOf('/'), networkFile.lastIndexOf('\\')) + 1);
  return base.replace(/\.cnn\.ya?ml$/i, '').replace(/\.(ya?ml|cfg)$/i, '');
}

/**
 * The names among `folderFiles` (bare file names) that pair with `networkFile`, best first:
 * the same stem with the format's weights extension, then, for a YOLO YAML, best.pt and last.pt.
 */
export function weightsFilesFor(networkFile: string, folderFiles: readonly string[]): string[] {
  const s = stem(networkFile).toLowerCase();
  const isDarknet = /\.cfg$/i.test(networkFile);
  const isYolo = /^yolo/i.test(s) && /\.ya?ml$/i.test(networkFile) && !/\.cnn\.ya?ml$/i.test(networkFile);
  const fits = (f: string) => (isDarknet ? DARKNET.test(f) : PYTORCH.test(f));
  const rank = (f: string): number => {
    const name = f.toLowerCase();
    if (!fits(f)) return -1;
    if (name.replace(/\.[^.]+$/, '') === s) return 0;
    if (isYolo && name === 'best.pt') return 1;
    if (isYolo && name === 'last.pt') return 2;
    return -1;
  };
  return folderFiles.filter((f) => rank(f) >= 0).sort((a, b) => rank(a) - rank(b));
}
