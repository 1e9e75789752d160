// docs/format.md, the user's guide to the format: every ```yaml block in it is a complete
// network that analyses with no error (and only the warnings it announces with `# expect CLxxx`),
// validates against the JSON Schema, and every figure it states in a `# → …` comment (shape,
// params, MACs, receptive field) or a `# total → …` comment is what the engine computes.
// The kinds reference in it is the one scripts/gen-schema.mjs generates from KINDS.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '../oracle';
import { check, KINDS, type Analysis, type EntryResult } from '../../engine';

const docPath = join(repoRoot, 'docs', 'format.md');
const lectureDir = join(repoRoot, 'examples', 'lecture');

interface Block {
  lang: string;
  text: string;
  /** 1-based line of the block's first content line in docs/format.md. */
  line: number;
}

function fencedBlocks(md: string): Block[] {
  const out: Block[] = [];
  const re = /^```([\w-]*)\n([\s\S]*?)^```\s*$/gm;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    out.push({ lang: m[1], text: m[2], line: md.slice(0, m.index).split('\n').length + 1 });
  }
  return out;
}

const num = (s: string) => Number(s.replace(/,/g, ''));

export interface Expectation {
  shape?: number[];
  params?: number;
  macs?: number;
  rf?: { global: true } | { global: false; size: number[]; jump: number; holes: boolean };
}

/** Parses the text after `→`: `[12, 14, 14], 1,308 params, 254,016 MACs, rf 6×6 /2 holes`. */
export function parseAnnotation(text: string): Expectation {
  const e: Expectation = {};
  let rest = text;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(rest);
    if (m) rest = rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length);
    return m;
  };
  const shape = take(/\[([\d,\s]*)\]/);
  if (shape) e.shape = shape[1].split(',').map((s) => Number(s.trim()));
  const params = take(/(\d[\d,]*) params\b/);
  if (params) e.params = num(params[1]);
  const macs = take(/(\d[\d,]*) MACs\b/);
  if (macs) e.macs = num(macs[1]);
  const rf = take(/\brf (global|\d+(?:×\d+)*)(?: \/(\d+))?( holes)?/);
  if (rf) e.rf = rf[1] === 'global' ? { global: true } : { global: false, size: rf[1].split('×').map(Number), jump: rf[2] ? Number(rf[2]) : 1, holes: Boolean(rf[3]) };
  if (!/^[\s,]*$/.test(rest)) throw new Error(`annotation '${text}' has parts that are not figures: '${rest.trim()}'`);
  if (!shape && !params && !macs && !rf) throw new Error(`annotation '${text}' states nothing`);
  return e;
}

/** Differences between what an annotation states and what the engine computed for the entry. */
function compare(e: Expectation, entry: EntryResult): string[] {
  const bad: string[] = [];
  if (e.shape && JSON.stringify(entry.shape) !== JSON.stringify(e.shape)) bad.push(`shape [${entry.shape?.join(', ')}], not [${e.shape.join(', ')}]`);
  if (e.params !== undefined && entry.params !== e.params) bad.push(`${entry.params.toLocaleString('en-US')} params, not ${e.params.toLocaleString('en-US')}`);
  if (e.macs !== undefined && entry.macs !== e.macs) bad.push(`${entry.macs.toLocaleString('en-US')} MACs, not ${e.macs.toLocaleString('en-US')}`);
  if (e.rf) {
    const rf = entry.rf;
    if (!rf) bad.push('no receptive field');
    else if (e.rf.global) {
      if (rf.kind !== 'global') bad.push(`a local field ${rf.summary.size.join('×')}, not global`);
    } else if (rf.kind === 'global') bad.push('a global field');
    else {
      const s = rf.summary;
      if (s.size.join('×') !== e.rf.size.join('×')) bad.push(`rf ${s.size.join('×')}, not ${e.rf.size.join('×')}`);
      const jumps = s.jump.map((j) => (j.den === 1 ? String(j.num) : `${j.num}/${j.den}`));
      const jump = e.rf.jump;
      if (jumps.some((j) => j !== String(jump))) bad.push(`jump ${jumps.join('×')}, not ${jump}`);
      const holes = s.holes.some((h) => h.length > 0);
      if (holes !== e.rf.holes) bad.push(holes ? 'the field has holes' : 'the field has no holes');
    }
  }
  return bad;
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Every `# → …` annotation with the entry it belongs to (the entry whose lines hold it). */
function annotations(text: string, a: Analysis): Array<{ line: number; text: string; entry?: EntryResult }> {
  const out: Array<{ line: number; text: string; entry?: EntryResult }> = [];
  const re = /#\s*→\s*(.*)$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = a.entries.filter((e) => e.span.start <= m!.index);
    const entry = before.reduce<EntryResult | undefined>((best, e) => (!best || e.span.start > best.span.start ? e : best), undefined);
    const line = lineOf(text, m.index);
    const inside = entry && lineOf(text, entry.span.start) <= line && line <= lineOf(text, entry.span.end);
    out.push({ line, text: m[1].trim(), entry: inside ? entry : undefined });
  }
  return out;
}

describe('docs/format.md', () => {
  const md = readFileSync(docPath, 'utf8');
  const blocks = fencedBlocks(md);
  const yamlBlocks = blocks.filter((b) => b.lang === 'yaml');

  it('has network examples, each a complete network (input: and layers:)', () => {
    assert.ok(yamlBlocks.length >= 12, `only ${yamlBlocks.length} yaml blocks`);
    const partial = yamlBlocks.filter((b) => !/^input:/m.test(b.text) || !/^layers:/m.test(b.text)).map((b) => `line ${b.line}`);
    assert.deepEqual(partial, [], 'yaml blocks that are not complete networks (use ```text for fragments)');
  });

  it('states figures in enough places to matter', () => {
    const n = yamlBlocks.reduce((k, b) => k + (b.text.match(/#\s*→/g)?.length ?? 0), 0);
    assert.ok(n >= 40, `only ${n} annotations`);
  });

  describe('every example', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    ajv.addKeyword('markdownDescription');
    const validate = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'schemas', 'cnn-yaml.schema.json'), 'utf8')));

    for (const block of yamlBlocks) {
      const title = `line ${block.line}: ${block.text.split('\n').find((l) => /^\s+- /.test(l))?.trim() ?? ''}`;
      it(`${title}: no error, only the announced warnings, the stated figures`, () => {
        const a = check(block.text);
        const errors = a.findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.message}`);
        assert.deepEqual(errors, [], 'errors');
        const expected = [...block.text.matchAll(/#\s*expect\s+(CL\d+)/g)].map((m) => m[1]).sort();
        const warnings = [...new Set(a.findings.filter((f) => f.severity === 'warning').map((f) => f.code))].sort();
        assert.deepEqual(warnings, expected, `warnings (announce them with # expect CLxxx): ${a.findings.map((f) => `${f.code} ${f.message}`).join('\n')}`);

        const problems: string[] = [];
        for (const ann of annotations(block.text, a)) {
          const where = `docs/format.md:${block.line + ann.line - 1}`;
          if (!ann.entry) {
            problems.push(`${where}: '# → ${ann.text}' is not on a line of a layer entry`);
            continue;
          }
          const bad = compare(parseAnnotation(ann.text), ann.entry);
          if (bad.length) problems.push(`${where}: ${ann.entry.name} has ${bad.join('; ')}`);
        }
        for (const m of block.text.matchAll(/#\s*total\s*→\s*(.*)$/gm)) {
          const e = parseAnnotation(m[1]);
          if (e.shape || e.rf) problems.push(`'# total → ${m[1]}' can only state params and MACs`);
          if (e.params !== undefined && e.params !== a.totals.params) problems.push(`total params ${a.totals.params.toLocaleString('en-US')}, not ${e.params.toLocaleString('en-US')}`);
          if (e.macs !== undefined && e.macs !== a.totals.macs) problems.push(`total MACs ${a.totals.macs.toLocaleString('en-US')}, not ${e.macs.toLocaleString('en-US')}`);
        }
        assert.deepEqual(problems, []);

        assert.equal(validate(parse(block.text)), true, `the schema rejects it: ${JSON.stringify(validate.errors, null, 1).slice(0, 2000)}`);
      });
    }
  });

  describe('the annotation checker itself', () => {
    it('reads every figure and refuses what it cannot read', () => {
      assert.deepEqual(parseAnnotation('[12, 14, 14], 1,308 params, 254,016 MACs, rf 6×6 /2'), {
        shape: [12, 14, 14],
        params: 1308,
        macs: 254016,
        rf: { global: false, size: [6, 6], jump: 2, holes: false },
      });
      assert.deepEqual(parseAnnotation('rf 13×13 holes').rf, { global: false, size: [13, 13], jump: 1, holes: true });
      assert.deepEqual(parseAnnotation('[32], rf global').rf, { global: true });
      assert.throws(() => parseAnnotation('[12, 14, 14], 1,308 parameters'), /not figures/);
      assert.throws(() => parseAnnotation('looks fine'), /not figures|states nothing/);
    });

    it('catches a wrong figure', () => {
      const text = 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 12, kernel: 6, stride: 2}   # → [12, 14, 14], 1,309 params, rf 6×6\n';
      const a = check(text);
      const [ann] = annotations(text, a);
      assert.ok(ann.entry, 'the annotation was not attached to the entry');
      assert.deepEqual(compare(parseAnnotation(ann.text), ann.entry!), ['1,308 params, not 1,309', 'jump 2×2, not 1']);
    });

    it('attaches an annotation on a continuation line to its entry, and none after the last', () => {
      const text = 'input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\n    name: c   # → [4, 6, 6]\n  - relu\n# → [4, 6, 6]\n';
      const anns = annotations(text, check(text));
      assert.equal(anns[0].entry?.name, 'c');
      assert.equal(anns[1].entry, undefined);
    });
  });

  describe('reference', () => {
    it('holds the kinds section exactly as scripts/gen-schema.mjs generates it', () => {
      const table = execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-schema.mjs'), '--table'], { cwd: repoRoot, encoding: 'utf8' }).trimEnd();
      assert.ok(table.includes('| `conv` |'), 'the generator printed no table');
      assert.ok(md.includes(table), 'the kinds section of docs/format.md is stale: run node scripts/gen-schema.mjs');
    });

    it('names every kind and every argument', () => {
      const missing: string[] = [];
      for (const [kind, spec] of Object.entries(KINDS)) {
        if (!md.includes(`| \`${kind}\` |`)) missing.push(kind);
        for (const arg of Object.keys(spec.args)) if (!md.includes(`| \`${arg}\` |`)) missing.push(`${kind}.${arg}`);
      }
      assert.deepEqual(missing, []);
    });

    it('explains every top-level key, reserved key and padding form', () => {
      for (const key of ['name', 'input', 'params', 'blocks', 'layers', 'outputs']) assert.ok(md.includes(`| \`${key}\` |`), key);
      for (const key of ['name', 'from', 'repeat']) assert.ok(md.includes(`- **\`${key}`), key);
      for (const form of ['padding: 2', 'padding: [0, 3]', 'padding: [[0, 1], [2, 2]]', 'padding: valid', 'padding: same', 'padding: causal']) assert.ok(md.includes(`| \`${form}\` |`), form);
    });
  });

  describe('examples/lecture/ files are examples of this page', () => {
    const files = readdirSync(lectureDir).filter((f) => /\.cnn\.ya?ml$/.test(f)).sort();
    it('there are some', () => assert.ok(files.length >= 3));
    for (const file of files) {
      it(file, () => {
        // The file is a leading comment (its title) followed by one yaml block of the page, verbatim.
        const body = readFileSync(join(lectureDir, file), 'utf8').replace(/^(#.*\n)+\n?/, '');
        assert.ok(yamlBlocks.some((b) => b.text === body), `${file} is not (any longer) an example of docs/format.md`);
      });
    }
  });
});
