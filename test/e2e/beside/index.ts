// Mocha runner for the pass of the end-to-end tests beside another Python extension:
// test/e2e/run.mjs opens a code-server with the stand-in of test/e2e/python-standin installed
// and ConvLens in development mode, and runs this suite in the extension host.
import * as path from 'path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000 });
  mocha.addFile(path.join(__dirname, 'beside.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed.`)) : resolve()));
  });
}
