// Every example network in examples/ analyses cleanly: no finding of severity error, at least
// one layer, and every layer gets a shape.
import { strict as assert } from 'node:assert';
import { analyse } from '../../engine';
import { describeFindings, errors, exampleFiles, readExample } from './helpers/examples';

describe('examples/*.cnn.yaml', () => {
  const files = exampleFiles();

  it('there are example networks', () => {
    assert.ok(files.length > 0, 'examples/ holds no *.cnn.yaml file');
  });

  for (const file of files) {
    it(`${file} analyses with no error and at least one layer`, () => {
      const a = analyse(readExample(file));
      assert.deepEqual(errors(a), [], describeFindings(errors(a)));
      assert.ok(a.layers.length > 0, 'no layers');
      const shapeless = a.layers.filter((l) => l.shape === undefined).map((l) => l.name);
      assert.deepEqual(shapeless, [], 'layers without a shape');
      assert.ok(a.outputs.length > 0 && a.outputs.every((o) => o.shape !== undefined), 'outputs have shapes');
    });
  }
});
