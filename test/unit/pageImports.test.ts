// The preview page's modules import each other one way (issue 22's "House"): state → layout →
// paint, with the user's events reported back through events.ts to one handler (controller.ts).
// A cycle among webview/src's modules, type-only imports included, fails here with its loop.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { importsOf } from './architecture.test';
import { findCycle } from './importCycles.test';

const root = resolve(__dirname, '..', '..', '..');
const page = join(root, 'webview', 'src', 'page');

describe("the preview page's imports are one-way", () => {
  it('webview/src has no import cycle, type-only imports included', () => {
    const cycle = findCycle(join(root, 'webview', 'src'));
    assert.strictEqual(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
  });

  it('the state and the events modules import no other module of the page (they are the bottom of the flow)', () => {
    for (const bottom of ['state.ts', 'events.ts']) {
      const deps = importsOf(readFileSync(join(page, bottom), 'utf8'))
        .map((i) => i.spec)
        .filter((s) => s.startsWith('./') && s !== './state');
      assert.deepStrictEqual(deps, [], `${bottom} imports ${deps.join(', ')}`);
    }
  });
});
