// The JSON Schema of the format (schemas/cnn-yaml.schema.json, for the Red Hat YAML extension):
// it accepts every example network, rejects structural mistakes the way the engine does, leaves
// unknown kinds (block names, typos) to the language server, and is exactly what
// scripts/gen-schema.mjs generates from the engine's table of kinds.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '../oracle';
import { check } from '../../engine';
import { KINDS, type ArgSpec } from '../../engine/kinds';

const schemaPath = join(repoRoot, 'schemas', 'cnn-yaml.schema.json');

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
  ajv.addKeyword('markdownDescription'); // VS Code's hover text; not a validation keyword
  return ajv;
}

function loadSchema(): any {
  return JSON.parse(readFileSync(schemaPath, 'utf8'));
}

function allExampleFiles(dir = join(repoRoot, 'examples')): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...allExampleFiles(path));
    else if (/\.cnn\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

const show = (errors: ErrorObject[] | null | undefined) => JSON.stringify(errors ?? [], null, 1).slice(0, 3000);
const engineErrors = (text: string) => check(text).findings.filter((f) => f.severity === 'error');

describe('schemas/cnn-yaml.schema.json', () => {
  let validate: ValidateFunction;
  const valid = (text: string) => validate(parse(text)) as boolean;

  before(() => {
    validate = newAjv().compile(loadSchema());
  });

  it('is a valid draft-07 schema', () => {
    const schema = loadSchema();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = newAjv();
    assert.equal(ajv.validateSchema(schema), true, show(ajv.errors));
  });

  it('is exactly what scripts/gen-schema.mjs generates from kinds.ts (no drift)', () => {
    const generated = execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-schema.mjs'), '--stdout'], { cwd: repoRoot, encoding: 'utf8' });
    const committed = readFileSync(schemaPath, 'utf8');
    assert.ok(generated.length > 1000, 'the generator printed almost nothing');
    assert.equal(committed, generated, 'schemas/cnn-yaml.schema.json is stale: run node scripts/gen-schema.mjs');
  });

  describe('every example network validates', () => {
    const files = allExampleFiles();
    it('there are examples, including examples/lecture/', () => {
      assert.ok(files.length >= 10);
      assert.ok(files.some((f) => f.includes(`${join('examples', 'lecture')}`)), 'no example under examples/lecture/');
    });
    for (const file of files) {
      it(relative(repoRoot, file), () => {
        const ok = validate(parse(readFileSync(file, 'utf8')));
        assert.equal(ok, true, show(validate.errors));
      });
    }
  });

  describe('mirrors the table of kinds', () => {
    it('has one property per built-in kind, with exactly its arguments and additionalProperties: false', () => {
      const props = loadSchema().definitions.layerMap.properties;
      for (const [kind, spec] of Object.entries(KINDS)) {
        assert.ok(props[kind], `no schema for kind ${kind}`);
        const args = props[kind].type === 'object' ? props[kind] : props[kind].anyOf.find((s: any) => s.type === 'object');
        assert.deepEqual(Object.keys(args.properties).sort(), Object.keys(spec.args).sort(), kind);
        assert.equal(args.additionalProperties, false, kind);
        assert.ok(props[kind].markdownDescription.includes(spec.doc), `${kind}: markdownDescription lacks the kind's doc`);
      }
    });

    it('offers the padding modes and upsample modes as enums', () => {
      const schema = loadSchema();
      const enums = JSON.stringify(schema.definitions.padding);
      for (const mode of ['valid', 'same', 'causal']) assert.ok(enums.includes(`"${mode}"`), mode);
      const mode = JSON.stringify(schema.definitions.layerMap.properties.upsample.anyOf[1].properties.mode);
      assert.ok(mode.includes('"enum":["nearest","linear","cubic"]'), mode);
    });
  });

  describe('rejects structural mistakes (which the engine rejects too)', () => {
    const cases: Array<[string, string, (e: ErrorObject) => boolean]> = [
      [
        'an unknown argument of a built-in kind',
        'input: [3, 32, 32]\nlayers:\n  - conv: {out: 8, kernel: 3, strid: 2}\n',
        (e) => e.keyword === 'additionalProperties' && e.instancePath === '/layers/0/conv' && e.params.additionalProperty === 'strid',
      ],
      ['input given as a string', 'input: "3x32x32"\nlayers:\n  - relu\n', (e) => e.instancePath === '/input' && e.keyword === 'type'],
      ['a string inside input', 'input: [3, "32", 32]\nlayers:\n  - relu\n', (e) => e.instancePath === '/input/1' && e.keyword === 'type'],
      ['padding: full', 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 8, kernel: 3, padding: full}\n', (e) => e.instancePath === '/layers/0/conv/padding'],
      ['kernel as an object', 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 8, kernel: {h: 3, w: 3}}\n', (e) => e.instancePath === '/layers/0/conv/kernel'],
      ['upsample mode: area', 'input: [3, 8, 8]\nlayers:\n  - upsample: {scale: 2, mode: area}\n', (e) => e.instancePath === '/layers/0/upsample/mode'],
      ['a missing required argument', 'input: [3, 32, 32]\nlayers:\n  - conv: {kernel: 3}\n', (e) => e.keyword === 'required' && e.params.missingProperty === 'out'],
      ['two kinds in one entry', 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 8, kernel: 3}\n    relu:\n', (e) => e.instancePath === '/layers/0'],
      ['an entry with no kind', 'input: [3, 32, 32]\nlayers:\n  - relu\n  - name: lonely\n', (e) => e.instancePath === '/layers/1'],
      ['an unknown top-level key', 'input: [3, 32, 32]\nlayer:\n  - relu\n', (e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'layer'],
      ['no layers', 'input: [3, 32, 32]\n', (e) => e.keyword === 'required' && e.params.missingProperty === 'layers'],
      ['a layer name with a dot', 'input: [3, 32, 32]\nlayers:\n  - relu:\n    name: a.b\n', (e) => e.instancePath === '/layers/0/name'],
      ['repeat: 0', 'input: [3, 32, 32]\nlayers:\n  - relu:\n    repeat: 0\n', (e) => e.instancePath === '/layers/0/repeat'],
      ['a block named like a built-in kind', 'input: [3, 32, 32]\nblocks:\n  conv:\n    layers: [relu]\nlayers:\n  - relu\n', (e) => e.keyword === 'propertyNames' || e.instancePath === '/blocks'],
      ['a block without layers', 'input: [3, 32, 32]\nblocks:\n  b:\n    params: {x: 1}\nlayers:\n  - b\n', (e) => e.keyword === 'required' && e.params.missingProperty === 'layers'],
      ['a map as a block argument', 'input: [3, 32, 32]\nblocks:\n  b:\n    params: {x: 1}\n    layers: [relu]\nlayers:\n  - b: {x: {y: 1}}\n', (e) => e.instancePath === '/layers/0/b/x'],
    ];
    for (const [what, text, expected] of cases) {
      it(what, () => {
        assert.equal(valid(text), false, 'the schema accepted it');
        assert.ok(validate.errors!.some(expected), `no error at the expected place: ${show(validate.errors)}`);
        assert.ok(engineErrors(text).length > 0, 'the engine accepts it: the schema is stricter than the format');
      });
    }
  });

  describe('accepts what the format allows', () => {
    const blockDoc = [
      'input: [3, 32, 32]',
      'params: {width: 8}',
      'blocks:',
      '  conv_relu:',
      '    params: {out: 16, k: 3}',
      '    layers:',
      '      - conv: {out: $out, kernel: $k, padding: $k // 2}',
      '      - relu',
      '  plain:',
      '    layers: [identity]',
      'layers:',
      '  - conv_relu: {out: $width * 2}',
      '    name: stem',
      '    repeat: 2',
      '  - conv_relu:',
      '  - plain',
      '  - add:',
      '    from: [stem, -1]',
      '',
    ].join('\n');
    const cases: Array<[string, string]> = [
      ['a document using blocks as kinds (with arguments, empty, bare)', blockDoc],
      ['expressions wherever a number is', 'input: [3, 32, 32]\nparams: {k: 3, p: 1, mode: same}\nlayers:\n  - conv: {out: "$max(8, in * 2)", kernel: [$k, $k], padding: [$p, [0, $p]]}\n  - conv: {out: "${k * 4}", kernel: $k, padding: $mode}\n  - maxpool: {kernel: $k - 1}\n'],
      ['every padding form', 'input: [1, 16, 16]\nlayers:\n  - conv: {out: 1, kernel: 3, padding: 1}\n  - conv: {out: 1, kernel: 3, padding: [1, 0]}\n  - conv: {out: 1, kernel: 3, padding: [[1, 1], [0, 2]]}\n  - conv: {out: 1, kernel: 3, padding: valid}\n  - conv: {out: 1, kernel: 3, padding: same}\n'],
      ['causal padding (1-D)', 'input: [1, 16]\nlayers:\n  - conv: {out: 1, kernel: 3, dilation: 2, padding: causal}\n'],
      ['empty arguments (`- batchnorm:` then name)', 'input: [3, 8, 8]\nlayers:\n  - batchnorm:\n    name: bn\n  - relu:\n'],
      ['weights and bias values', 'input: [1, 7]\nlayers:\n  - conv: {out: 1, kernel: 3, weights: [[[1, 0, -1]]], bias: [0.5]}\n'],
      ['adaptive size with null, upsample scale per axis, outputs list', 'input: [4, 8, 8]\nlayers:\n  - adaptive_avgpool: {size: [null, 2]}\n    name: small\n  - upsample: {scale: [1, 4], mode: linear}\n    name: big\noutputs: [small, big]\n'],
    ];
    for (const [what, text] of cases) {
      it(what, () => {
        assert.deepEqual(engineErrors(text).map((f) => f.message), [], 'the engine rejects this case itself: fix the test');
        assert.equal(valid(text), true, show(validate.errors));
      });
    }

    it('leaves unknown kinds to the language server (did-you-mean), but checks their value', () => {
      const typo = 'input: [3, 32, 32]\nlayers:\n  - convv: {out: 8, kernel: 3}\n';
      assert.equal(valid(typo), true, show(validate.errors));
      assert.ok(check(typo).findings.some((f) => f.code === 'CL003' && f.message.includes("did you mean 'conv'")));
      assert.equal(valid('input: [3, 32, 32]\nlayers:\n  - convv: 3\n'), false, 'a scalar value for an unknown kind');
    });
  });

  describe('every built-in kind: its required arguments suffice, any other key is rejected', () => {
    const sample: Record<string, unknown> = { int: 2, axes: 1, padding: 0, sizeAxes: 1, ints: [0] };
    for (const [kind, spec] of Object.entries(KINDS)) {
      it(kind, () => {
        const required = Object.entries(spec.args).filter(([, a]: [string, ArgSpec]) => a.default === undefined && !a.optional);
        const args = Object.fromEntries(required.map(([n, a]) => [n, a.type === 'enum' ? a.values![0] : sample[a.type]]));
        assert.ok(required.every(([, a]) => a.type in sample || a.type === 'enum'), `no sample value for a required ${kind} argument`);
        const doc = (a: Record<string, unknown>) => ({ input: [4, 8, 8], layers: [{ [kind]: a }] });
        assert.equal(validate(doc(args)), true, show(validate.errors));
        assert.equal(validate(doc({ ...args, not_an_argument: 1 })), false, 'an unknown argument was accepted');
        if (required.length) assert.equal(validate(doc({})), false, 'missing required arguments were accepted');
        for (const [name, a] of Object.entries(spec.args)) {
          if (a.type === 'ref') continue;
          assert.equal(validate(doc({ ...args, [name]: { x: 1 } })), false, `${kind}.${name} accepted a map`);
          assert.equal(validate(doc({ ...args, [name]: '$expr' })), true, `${kind}.${name} rejected an expression: ${show(validate.errors)}`);
        }
      });
    }
  });
});
