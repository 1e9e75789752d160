// Mocha runner for the Restricted Mode pass of the end-to-end tests (an untrusted workspace):
// test/e2e/run.mjs opens a second code-server with workspace trust on and runs this suite.
import * as path from 'path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000 });
  mocha.addFile(path.join(__dirname, 'restricted.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed.`)) : resolve()));
  });
}
