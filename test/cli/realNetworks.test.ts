// `convlens check examples/`: the torchvision networks stay quiet by default (CL205 on ResNet's max
// pool and CL303 on VGG/AlexNet are hints, counted but printed only with --hints), and the closing
// line counts the findings by severity. YOLO and darknet files, even empty or on standard input,
// are read in their own format.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const REAL = ['alexnet', 'vgg11', 'vgg16', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'mobilenet_v2'];

describe('cli check: real networks stay quiet', () => {
  it('check examples/ prints nothing for the torchvision networks and counts by severity', () => {
    const r = runCli(['check', 'examples'], { cwd: repoRoot });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    for (const name of REAL) assert.deepEqual(lines.filter((l) => l.startsWith(`examples/${name}.cnn.yaml:`)), [], name);
    assert.match(lines[lines.length - 1], /^\d+ files checked: 0 errors, \d+ warnings?, \d+ info, \d+ hints \(not shown: --hints shows them\)$/);
    assert.doesNotMatch(r.stdout, / hint /);
  });

  it('--hints prints them: the ResNet max pool’s floor/ceil note and VGG’s field', () => {
    const r = runCli(['check', '--hints', join('examples', 'resnet18.cnn.yaml'), join('examples', 'vgg16.cnn.yaml')], { cwd: repoRoot });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^examples\/resnet18\.cnn\.yaml:\d+:\d+ hint CL205 maxpool: /m);
    assert.match(r.stdout, /^examples\/vgg16\.cnn\.yaml:\d+:\d+ hint CL303 /m);
    assert.match(r.stdout, /\n2 files checked: 0 errors, 0 warnings, 0 info, 2 hints\n$/);
  });
});

describe('cli: YOLO and darknet files are told what their own format needs', () => {
  it('an empty .cfg and an empty yolov8n.yaml, not "needs `input` and `layers`"', () => {
    const t = tempTree({ 'empty.cfg': '', 'comments.cfg': '# nothing yet\n', 'yolov8n.yaml': '' });
    try {
      const r = runCli(['check', 'empty.cfg', 'comments.cfg', 'yolov8n.yaml'], { cwd: t.dir });
      assert.doesNotMatch(r.stdout, /`input` and `layers`/);
      assert.match(r.stdout, /^empty\.cfg:1:1 error CL002 This file has no sections; a darknet network starts with `\[net\]`/m);
      assert.match(r.stdout, /^comments\.cfg:1:1 error CL002 This file has no sections; /m);
      assert.match(r.stdout, /^yolov8n\.yaml:1:1 error CL012 The document is empty: an Ultralytics model is a YAML map with `nc` and the `backbone:` and `head:` lists/m);
    } finally {
      t.remove();
    }
  });

  it('standard input: a YOLO model or a darknet cfg is read as one', () => {
    const yolo = runCli(['summary', '--json', '-'], { input: readFileSync(join(repoRoot, 'examples', 'ultralytics', 'yolov8n.yaml'), 'utf8') });
    assert.equal(JSON.parse(yolo.stdout).format, 'ultralytics');
    const cfg = runCli(['summary', '--json', '-'], { input: readFileSync(join(repoRoot, 'examples', 'darknet', 'yolov3-tiny.cfg'), 'utf8') });
    assert.equal(JSON.parse(cfg.stdout).totals.params, 8852366);
  });
});
