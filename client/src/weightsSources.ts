// Where the preview finds a network's weights file without being asked (pure: no vscode): a
// comment in the network file (`# convlens: weights=best.pt`), the `convlens.preview.weights`
// setting, or a file beside the network whose name says it belongs to it (yolov3.weights beside
// yolov3.cfg; yolov8n.pt or best.pt beside an Ultralytics YAML). The host reads the file; the
// page's worker parses it.

/** File extensions of weights files the preview reads (torch.save archives, Darknet weights). */
export const WEIGHTS_EXTENSIONS = ['pt', 'pth', 'weights'];

/** The network file's name without its format's extension (`yolov3.cfg` → `yolov3`). */
export function networkStem(fileName: string): string {
  return fileName.replace(/\.(cnn\.ya?ml|ya?ml|cfg)$/i, '');
}

/**
 * The weights file a comment in the network file names, as written (a path relative to the
 * network's folder): `# convlens: weights=best.pt` (also `weights: path`, and `;` comments in
 * Darknet files). The first such comment counts.
 */
export function weightsFromComment(text: string): string | undefined {
  const m = /^[ \t]*[#;][ \t]*convlens:[ \t]*weights[ \t]*[=:][ \t]*(.+?)[ \t]*$/im.exec(text);
  const path = m?.[1].replace(/^(["'])(.*)\1$/, '$2').trim();
  return path ? path : undefined;
}

/** The setting's path for a network: `${stem}` stands for the network's name without its extension. */
export function weightsFromSetting(setting: unknown, fileName: string): string | undefined {
  if (typeof setting !== 'string' || !setting.trim()) return undefined;
  return setting.trim().split('${stem}').join(networkStem(fileName));
}

/**
 * A weights file beside the network whose name says it belongs to it: the network's own name
 * with a weights extension (`yolov3.weights` for `yolov3.cfg`, `yolov8n.pt` for `yolov8n.yaml`),
 * else, beside an Ultralytics model YAML, a training run's `best.pt` (then `last.pt`).
 */
export function weightsBeside(fileName: string, siblings: readonly string[], ultralytics: boolean): string | undefined {
  const stem = networkStem(fileName);
  const has = new Set(siblings);
  const own = WEIGHTS_EXTENSIONS.map((ext) => `${stem}.${ext}`).find((f) => has.has(f));
  if (own) return own;
  return ultralytics ? ['best.pt', 'last.pt'].find((f) => has.has(f)) : undefined;
}
