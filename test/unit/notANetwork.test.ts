// CL012: a document that is not a network at all gets one finding on its first line, and
// nothing else; a network being written (a known key, or a near miss of one) keeps its own codes.
import * as assert from 'node:assert/strict';
import { check } from '../../engine';

const findings = (text: string) => check(text).findings.map((f) => ({ code: f.code, at: text.slice(f.span.start, f.span.end) }));

describe('engine: documents that are not networks (CL012)', () => {
  it('an empty or comment-only document', () => {
    assert.deepEqual(findings(''), [{ code: 'CL012', at: '' }]);
    assert.deepEqual(findings('# todo\n'), [{ code: 'CL012', at: '' }]);
  });

  it('a YAML list or a single value, shown on the first line only', () => {
    assert.deepEqual(findings('- conv: {out: 8, kernel: 3}\n- relu\n'), [{ code: 'CL012', at: '- conv: {out: 8, kernel: 3}' }]);
    assert.deepEqual(findings('just some words\n'), [{ code: 'CL012', at: 'just some words' }]);
  });

  it('a map none of whose keys is a network key (a CI config), with the keys named', () => {
    const text = 'services:\n  web:\n    image: nginx\nvolumes: {}\n';
    const a = check(text);
    assert.deepEqual(a.findings.map((f) => f.code), ['CL012']);
    assert.match(a.findings[0].message, /^Not a network: its top-level keys \(`services`, `volumes`\)/);
    assert.equal(text.slice(a.findings[0].span.start, a.findings[0].span.end), 'services:');
  });

  it('a network being written is not CL012: one known key, or a misspelt one, keeps the precise findings', () => {
    assert.deepEqual(findings('name: draft\n').map((f) => f.code), ['CL002', 'CL002']);
    const misspelt = findings('inputs: [3, 8, 8]\nlayer:\n  - relu\n').map((f) => f.code);
    assert.ok(!misspelt.includes('CL012') && misspelt.includes('CL004'), misspelt.join(' '));
  });
});
