// Messages a YOLO or darknet user meets, read as sentences: a period where a did-you-mean is
// absent and none after its question mark, and an empty model file told what its own format needs.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { check } from '../../engine';
import { repoRoot } from '../oracle';

const yolov8n = readFileSync(join(repoRoot, 'examples', 'ultralytics', 'yolov8n.yaml'), 'utf8');
const net = '[net]\nwidth=32\nheight=32\nchannels=3\n';
const messages = (text: string, format: 'ultralytics' | 'darknet', code: string) => check(text, { format, fileName: format === 'darknet' ? 'x.cfg' : 'yolov8n.yaml' }).findings.filter((f) => f.code === code).map((f) => f.message);

describe('wording of YOLO and darknet findings', () => {
  it('an unknown module: "\'FooBlock\'. It reads", and "; did you mean \'C2f\'? It reads"', () => {
    const foo = messages(yolov8n.replace('- [-1, 1, Conv, [512, 3, 2]] # 5', '- [-1, 1, FooBlock, [512, 3, 2]] # 5'), 'ultralytics', 'CL003');
    assert.match(foo[0], /^ConvLens does not know the module 'FooBlock'\. It reads Conv, /);
    const typo = messages(yolov8n.replace('- [-1, 3, C2f, [128, True]] # 2', '- [-1, 3, C2fz, [128, True]] # 2'), 'ultralytics', 'CL003');
    assert.match(typo[0], /^ConvLens does not know the module 'C2fz'; did you mean 'C2f'\? It reads /);
  });

  it('a wrong argument is named and counted as the row writes it, not as the constructor counts it', () => {
    const k = messages(yolov8n.replace('- [-1, 1, Conv, [64, 3, 2]] # 0', '- [-1, 1, Conv, [64, x, 2]] # 0'), 'ultralytics', 'CL011');
    assert.deepStrictEqual(k, ['Conv: `k` (argument 2 of the row) must be a whole number, got "x".']);
    const shortcut = messages(yolov8n.replace('- [-1, 3, C2f, [128, True]] # 2', '- [-1, 3, C2f, [128, 7]] # 2'), 'ultralytics', 'CL011');
    assert.deepStrictEqual(shortcut, ['C2f: `shortcut` (argument 2 of the row) must be True or False, got 7.']);
  });

  it('darknet: an unknown section, option or activation ends its suggestion with a question mark alone', () => {
    assert.deepStrictEqual(messages(`${net}[maxpol]\n`, 'darknet', 'CL003'), ['Darknet has no [maxpol] section ("Type not recognized"); did you mean [maxpool]?']);
    assert.deepStrictEqual(messages(`${net}[foo]\n`, 'darknet', 'CL003'), ['Darknet has no [foo] section ("Type not recognized").']);
    const option = messages(`${net}[yolo]\nmask=0\nanchors=10,13\nclasses=1\nnum=1\nuc_normalizer=1\n`, 'darknet', 'CL004');
    assert.ok(option.some((m) => m === 'darknet\'s [yolo] has no option `uc_normalizer` (it prints "Unused field"); did you mean `iou_normalizer`?'), option.join('\n'));
    const activation = messages(`${net}[convolutional]\nfilters=4\nsize=3\nactivation=lekay\n`, 'darknet', 'CL011');
    assert.deepStrictEqual(activation, ['darknet has no activation `lekay`: shapes and counts are shown, the feature maps cannot be computed. Did you mean `leaky`?']);
  });

  it('an empty Ultralytics model is told about nc, backbone and head, not cnn-yaml’s input and layers', () => {
    const [empty] = messages('', 'ultralytics', 'CL012');
    assert.strictEqual(empty, 'The document is empty: an Ultralytics model is a YAML map with `nc` and the `backbone:` and `head:` lists of rows [from, repeats, module, args].');
  });

  it('a file with one scale: no suggestion to rename it after another', () => {
    const one = yolov8n.replace(/^scales:[\s\S]*?\n(?=\S)/m, 'scales:\n  n: [0.33, 0.25, 1024]\n');
    assert.deepStrictEqual(messages(one, 'ultralytics', 'CL013').length, 0, 'named yolov8n.yaml: the name chooses');
    const unnamed = check(one, { format: 'ultralytics', fileName: 'model.yaml' }).findings.filter((f) => f.code === 'CL013').map((f) => f.message);
    assert.deepStrictEqual(unnamed, ["Figures for scale 'n', the only one in `scales`."]);
  });
});
