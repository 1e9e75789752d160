// `convlens check examples/`: the torchvision networks stay quiet by default (CL205 on ResNet's max
// pool and CL303 on VGG/AlexNet are hints, counted but printed only with --hints), and the closing
// line counts the findings by severity.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../oracle';
import { runCli } from './helpers';

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
