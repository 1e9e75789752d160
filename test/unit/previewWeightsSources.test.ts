// Where the preview finds a network's weights file without being asked (client/src/weightsSources.ts).
import * as assert from 'node:assert/strict';
import { networkStem, weightsBeside, weightsFromComment, weightsFromSetting } from '../../client/src/weightsSources';

describe('preview weights: files named for a network', () => {
  it('a comment in the network file names the weights file', () => {
    assert.equal(weightsFromComment('# my net\n# convlens: weights=best.pt\nbackbone:\n'), 'best.pt');
    assert.equal(weightsFromComment('[net]\n; convlens: weights: ../weights/yolov3.weights  \n'), '../weights/yolov3.weights');
    assert.equal(weightsFromComment('#convlens:weights = "runs/train exp/best.pt"'), 'runs/train exp/best.pt');
    assert.equal(weightsFromComment('name: x  # convlens: weights=a.pt'), undefined, 'only a whole-line comment');
    assert.equal(weightsFromComment('# convlens: weights=\n'), undefined);
    assert.equal(weightsFromComment('# weights=best.pt'), undefined);
    assert.equal(weightsFromComment('# convlens: weights=a.pt\n# convlens: weights=b.pt'), 'a.pt', 'the first counts');
  });

  it('the setting, with ${stem} for the network name', () => {
    assert.equal(weightsFromSetting('${stem}.weights', 'yolov3.cfg'), 'yolov3.weights');
    assert.equal(weightsFromSetting(' weights/best.pt ', 'x.yaml'), 'weights/best.pt');
    assert.equal(weightsFromSetting('', 'x.yaml'), undefined);
    assert.equal(weightsFromSetting(3, 'x.yaml'), undefined);
    assert.equal(networkStem('resnet.cnn.yaml'), 'resnet');
  });

  it('a file beside the network whose name says it belongs to it', () => {
    assert.equal(weightsBeside('yolov3.cfg', ['yolov3.cfg', 'yolov3.weights', 'yolov4.weights'], false), 'yolov3.weights');
    assert.equal(weightsBeside('yolov8n.yaml', ['yolov8n.yaml', 'best.pt', 'yolov8n.pt'], true), 'yolov8n.pt');
    assert.equal(weightsBeside('yolov8n.yaml', ['yolov8n.yaml', 'last.pt', 'best.pt'], true), 'best.pt');
    assert.equal(weightsBeside('net.cnn.yaml', ['net.cnn.yaml', 'best.pt'], false), undefined, 'best.pt says nothing about a cnn.yaml');
    assert.equal(weightsBeside('yolov3.cfg', ['yolov3-tiny.weights'], false), undefined);
  });
});
