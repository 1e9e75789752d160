// Mocha runner loaded by VS Code's extension host (extensionTestsPath) in the end-to-end tests:
// test/e2e/run.mjs opens code-server with this file's compiled form, out/test/e2e/suite/index.js.
// The host calls run(); when it settles, the workbench reports an exit code (0 = all passed).
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000 });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
