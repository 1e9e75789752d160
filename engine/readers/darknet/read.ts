// The darknet reader: walks a .cfg file section by section, as darknet's parse_network_cfg does.
// [net] gives the input; every later section is darknet layer 0, 1, 2, … and reads the output
// of the section before it, or (route, shortcut) the outputs of the layers it names by absolute
// or relative index. Each section becomes one entry whose engine layers are analysed as they are
// added (analyse/network.ts); [yolo] and [region] sections are the network's outputs.
import type { Analysis, EntryResult, LayerOrigin, NameReference, Span } from '../../types';
import type { ReadOptions } from '../options';
import { didYouMean, own } from '../../kinds';
import { identityField, summarise } from '../../analyse/receptiveField';
import { MAX_LAYERS, NetworkBuilder, TooManyLayers, type Value } from '../../analyse/network';
import { documentTooLarge } from '../size';
import { parseCfg, type CfgSection } from './parse';
import { ACTIVATIONS, PRINT_NAMES, SECTION_KEYS, SECTION_KINDS, UNSUPPORTED_ACTIVATIONS, UNSUPPORTED_SECTIONS, YOLOR_KINDS, YOLOR_SECTIONS } from './keys';
import { SECTION_READERS, type SectionScope } from './sections';
import { darknetNative, sectionFlops, type SectionFlops } from './native';
import { darknetListing } from './listing';

/** Reads a darknet .cfg document into its analysis (without the lint rules: see check.ts). */
export function readDarknet(text: string, options: ReadOptions = {}): Analysis {
  return new DarknetReader(text, options).run();
}

/** darknet reads integers with atoi into an int: larger values are not what the file says. */
const INT_MAX = 2 ** 31 - 1;
const INTEGER = /^([+-]?\d+)(#.*)?$/;
const FLOAT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(#.*)?$/;

/** A section's place in the walk. */
interface Layer {
  section: CfgSection;
  kind?: string;
  entry?: EntryResult;
  /** Its output; undefined when it has none ConvLens can use (reported). */
  output?: Value;
  /** Why a route to it has no input (already reported at the section itself otherwise). */
  unroutable?: string;
}

class DarknetReader {
  private readonly net = new NetworkBuilder();
  private readonly report = this.net.report;
  private readonly layers: Layer[] = [];
  private readonly references: NameReference[] = [];
  private readonly flops: SectionFlops[] = [];
  private readonly outputs: Analysis['outputs'] = [];
  private complete = true;
  /** The first section only YOLOR's cfg reader knows (darknet's totals do not apply then). */
  private yolor?: CfgSection;

  constructor(private readonly text: string, private readonly options: ReadOptions) {}

  run(): Analysis {
    const result: Analysis = { ...this.net.start(), references: this.references };
    if (this.options.fileName) result.name = this.options.fileName.replace(/^.*[\\/]/, '').replace(/\.cfg$/i, '');
    const tooLarge = documentTooLarge(this.text);
    if (tooLarge) {
      this.net.findings.push(tooLarge);
      return this.net.finish(result);
    }
    const sections = parseCfg(this.text, this.report);
    if (!sections.length) {
      this.report('schema', 'This file has no sections; a darknet network starts with `[net]` (width, height, channels), then one section per layer.', { start: 0, end: Math.min(this.text.length, 1) });
      return this.net.finish(result);
    }
    const [head, ...rest] = sections;
    result.anchor = head.header;
    const input = this.readNet(head, result);
    result.rowCount = rest.length;
    for (const section of rest) {
      const layer: Layer = { section };
      this.layers.push(layer);
      try {
        this.readLayer(layer, input);
      } catch (err) {
        if (!(err instanceof TooManyLayers)) throw err;
        this.report('bounds', `The network has more than ${MAX_LAYERS.toLocaleString('en-US')} engine layers; analysis stopped here.`, section.header);
        this.complete = false;
        break;
      }
    }
    result.outputs = this.outputs;
    result.entries.push(...this.layers.flatMap((l) => (l.entry ? [l.entry] : [])));
    result.definitions = this.layers.flatMap((l) => (l.entry ? [{ name: l.entry.name, span: l.section.header, entry: l.section.span }] : []));
    if (this.yolor) this.report('formatNote', `${this.yolor.type} is a section of YOLOR's cfgs (WongKinYiu/yolor), which darknet does not read ("Type not recognized"): darknet's BFLOPs do not apply to this file and are not shown.`, this.yolor.header);
    else if (this.complete && input) result.native = darknetNative(this.flops);
    return this.net.finish(result);
  }

  // ---------------------------------------------------------------- [net]

  private readNet(section: CfgSection, result: Analysis): Value | undefined {
    if (SECTION_KINDS[section.type] !== 'net') {
      this.report('schema', `A darknet network starts with a \`[net]\` section (width, height, channels); this file starts with \`${section.type}\`.`, section.header);
      this.complete = false;
      return undefined;
    }
    const scope = this.scope(section, undefined);
    const entry = this.entry(section, 'net', 'net');
    result.entries.push(entry);
    if (!this.knownKeys(section, 'net')) return undefined;
    let width = scope.int('width', 0, 0);
    let height = scope.int('height', 0, 0);
    const channels = scope.int('channels', 0, 0);
    const size = this.options.imageSize;
    if (size !== undefined && (size !== width || size !== height)) {
      this.report('formatNote', `Analysed at ${size}×${size} (the image size ConvLens was given); this file's [net] says ${width || '?'}×${height || '?'}.`, section.header);
      width = height = size;
    }
    for (const [key, value] of [['width', width], ['height', height], ['channels', channels]] as const) {
      if (value === 0) this.report('schema', `[net] needs \`${key}=\` (darknet stops with "No input parameters supplied" or "must output image").`, section.header);
    }
    if (!width || !height || !channels) {
      this.complete = false;
      return undefined;
    }
    result.input = [channels, height, width];
    entry.shape = result.input;
    const axes = [identityField(), identityField()];
    return { index: -1, name: 'input', shape: result.input, rf: { kind: 'local', axes, summary: summarise(axes) } };
  }

  // ---------------------------------------------------------------- layers

  private readLayer(layer: Layer, input: Value | undefined): void {
    const { section } = layer;
    const index = this.layers.length - 1;
    const kind = own(SECTION_KINDS, section.type);
    if (!kind || kind === 'net') {
      this.unknownSection(section, kind === 'net');
      this.complete = false;
      return;
    }
    layer.kind = kind;
    if (YOLOR_KINDS.has(kind)) this.yolor ??= section;
    const entry = (layer.entry = this.entry(section, `${index} ${PRINT_NAMES[kind]}`, kind));
    const previous = index === 0 ? input : this.layers[index - 1].output;
    const first = this.net.layers.length;
    const output = this.knownKeys(section, kind) ? SECTION_READERS[kind](this.scope(section, previous, index)) : undefined;
    this.net.credit(entry, first);
    entry.isBlock = entry.layers.length > 1;
    entry.listing = darknetListing(kind, section, index, entry.layers.map((i) => this.net.layers[i]));
    if (!output) {
      this.complete = false;
      return;
    }
    entry.shape = output.shape;
    entry.rf = output.rf;
    entry.inputShape = entry.layers.length ? this.net.layers[entry.layers[0]].inputShapes[0] : previous?.shape;
    if (kind === 'yolo' || kind === 'region') {
      layer.unroutable = `${entry.name} is a detection layer; ConvLens does not model its output as an input`;
      this.outputs.push({ name: output.name, shape: output.shape, index: output.index });
    } else layer.output = output;
    // A [shortcut] adds one tensor per `from=` entry (AlexeyAB counts c·h·w for each).
    const adds = kind === 'shortcut' ? section.option('from')!.value.split(',').length : 0;
    const flops = sectionFlops(kind, entry.layers.map((i) => this.net.layers[i]), adds);
    this.flops.push(flops);
    if (flops.alexeyab !== undefined) entry.listing.bflops = flops.alexeyab;
  }

  private entry(section: CfgSection, name: string, kind: string): EntryResult {
    return { span: section.span, kindKey: section.header, name, kind, isBlock: false, instances: 1, layers: [], params: 0, buffers: 0, macs: 0 };
  }

  private unknownSection(section: CfgSection, repeatedNet: boolean): void {
    const name = section.type.replace(/^\[|\]$/g, '');
    if (repeatedNet) this.report('schema', `Only the first section is \`${section.type}\`; darknet would read this one as a layer it does not know.`, section.header);
    else if (own(YOLOR_SECTIONS, section.type)) this.report('unknownKind', `${section.type} is a section of YOLOR's cfgs (WongKinYiu/yolor reads them in PyTorch; darknet stops with "Type not recognized"): ${YOLOR_SECTIONS[section.type]}. ConvLens does not model this one: this layer's figures, those of every layer that reads it and the network's totals are withheld.`, section.header);
    else if (UNSUPPORTED_SECTIONS.has(section.type)) this.report('unknownKind', `ConvLens does not read darknet's ${section.type} sections; this layer's figures, and those of every layer that reads it, are withheld.`, section.header);
    else {
      const suggestion = didYouMean(name, Object.keys(SECTION_KINDS).map((k) => k.slice(1, -1)));
      this.report('unknownKind', `Darknet has no ${section.type} section ("Type not recognized")${suggestion ? `; did you mean [${suggestion}]?` : '.'}`, section.name.end > section.name.start ? section.name : section.header, undefined, suggestion ? { replacement: suggestion } : undefined);
    }
  }

  /** Reports keys darknet does not read and modelled keys with values ConvLens does not model; false when the section's figures must be withheld. */
  private knownKeys(section: CfgSection, kind: string): boolean {
    const keys = SECTION_KEYS[kind];
    let ok = true;
    for (const o of section.options) {
      if (keys.reads.includes(o.key) || keys.ignored.includes(o.key)) continue;
      const fallback = own(keys.unsupported, o.key);
      if (fallback !== undefined) {
        if (section.option(o.key) === o && !sameValue(o.value, fallback)) {
          this.report('unknownArgument', `ConvLens does not model darknet's \`${o.key}=${o.value}\` in ${section.type}; this layer's figures are withheld.`, o.keySpan);
          ok = false;
        }
        continue;
      }
      const suggestion = didYouMean(o.key, [...keys.reads, ...keys.ignored, ...Object.keys(keys.unsupported)]);
      this.report('unknownArgument', `darknet's ${section.type} has no option \`${o.key}\` (it prints "Unused field")${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`, o.keySpan, undefined, suggestion ? { replacement: suggestion } : undefined);
      // A typo can hide an option that shapes the layer: withhold; the input and the detection
      // checks do not depend on unknown keys.
      if (kind !== 'net' && kind !== 'yolo' && kind !== 'region' && kind !== 'cost') ok = false;
    }
    return ok;
  }

  // ---------------------------------------------------------------- what a section function sees

  private scope(section: CfgSection, previous: Value | undefined, index = -1): SectionScope {
    const at = (key: string): Span => section.option(key)?.valueSpan ?? section.header;
    const bad = (key: string, message: string) => {
      this.report('badValue', message, at(key));
      return undefined;
    };
    const int = (key: string, fallback: number, min = -INT_MAX): number | undefined => {
      const o = section.option(key);
      if (!o) return fallback;
      const m = INTEGER.exec(o.value);
      if (!m) return bad(key, `\`${key}\` must be a whole number; darknet reads \`${o.value}\` with atoi as ${atoi(o.value)}.`);
      const v = Number(m[1]);
      if (Math.abs(v) > INT_MAX) return bad(key, `\`${key}=${m[1]}\` does not fit darknet's 32-bit int.`);
      if (v < min) return bad(key, `\`${key}\` must be at least ${min}, got ${v}.`);
      return v;
    };
    const list = (key: string): string[] | 'missing' | undefined => {
      const o = section.option(key);
      if (!o) return 'missing';
      if (o.value.includes('#')) return bad(key, `darknet reads the inline comment of \`${key}=\` as part of the list; put the comment on its own line.`) as undefined;
      return o.value.split(',');
    };
    return {
      previous,
      int,
      float: (key, fallback) => {
        const o = section.option(key);
        if (!o) return fallback;
        const m = FLOAT.exec(o.value);
        return m ? Number(m[1]) : bad(key, `\`${key}\` must be a number, got \`${o.value}\`.`);
      },
      ints: (key) => {
        const items = list(key);
        if (items === undefined || items === 'missing') return items;
        const bad1 = items.find((s) => !/^[+-]?\d+$/.test(s) || Math.abs(Number(s)) > INT_MAX);
        return bad1 === undefined ? items.map(Number) : bad(key, `\`${key}\` must be whole numbers separated by commas; \`${bad1}\` is not one.`);
      },
      has: (key) => section.option(key) !== undefined,
      inputs: (key) => this.inputsOf(section, index, key, list(key)),
      layer: (suffix, kind, args, inputs, keys = {}) => this.net.addLayer({ name: `${index}.${suffix}`, kind, args, inputs, origin: this.origin(section, keys) }),
      activation: (x, fallback) => {
        const o = section.option('activation');
        const name = o?.value ?? fallback;
        const act = own(ACTIVATIONS, name);
        if (act === undefined) {
          const suggestion = UNSUPPORTED_ACTIVATIONS.has(name) ? undefined : didYouMean(name, Object.keys(ACTIVATIONS));
          const why = UNSUPPORTED_ACTIVATIONS.has(name) ? `ConvLens does not run darknet's \`${name}\` activation` : name.includes('#') ? `darknet reads the inline comment as part of the activation's name (\`${name}\`) and does not find it` : `darknet has no activation \`${name}\``;
          this.report('badValue', `${why}: shapes and counts are shown, the feature maps cannot be computed.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`, at('activation'), undefined, suggestion ? { replacement: suggestion } : undefined);
          return x;
        }
        if (!act) return x;
        return this.net.addLayer({ name: `${index}.${name}`, kind: act.kind, args: act.args ?? {}, inputs: [x], origin: this.origin(section, act.args ? { slope: 'activation' } : {}) }) ?? x;
      },
      note: (key, message) => this.report('formatNote', message, at(key)),
      error: (code, key, message) => this.report(code, message, at(key)),
      detectionChannels: (x, expected, formula) => this.detectionChannels(section, index, x, expected, formula),
    };
  }

  private origin(section: CfgSection, keys: Record<string, string>): LayerOrigin {
    const args: LayerOrigin['args'] = {};
    for (const [arg, key] of Object.entries(keys)) {
      const o = section.option(key);
      args[arg] = o ? { key: o.keySpan, value: o.valueSpan } : { key: section.header, value: section.header };
    }
    return { entry: section.span, kindKey: section.header, innerEntry: section.span, blockPath: [], args };
  }

  /** The outputs of the layers a route `layers=` or shortcut `from=` names (negative: relative to this layer). */
  private inputsOf(section: CfgSection, index: number, key: string, items: string[] | 'missing' | undefined): Value[] | undefined {
    if (items === undefined) return undefined;
    if (items === 'missing') {
      this.report('schema', `${section.type} needs \`${key}=\` (the layers it reads, by index: 0 is the first layer after [net], −1 the one before this).`, section.header);
      return undefined;
    }
    const o = section.option(key)!;
    const values: Value[] = [];
    let offset = o.valueSpan.start;
    let ok = true;
    for (const item of items) {
      // The item's span in the text (spaces inside the list are not part of darknet's value).
      const comma = this.text.indexOf(',', offset);
      const end = comma < 0 || comma > o.valueSpan.end ? o.valueSpan.end : comma;
      let s = offset;
      let e = end;
      while (s < e && /\s/.test(this.text[s])) s++;
      while (e > s && /\s/.test(this.text[e - 1])) e--;
      const span = { start: s, end: e };
      offset = end + 1;
      if (!/^[+-]?\d+$/.test(item)) {
        this.report('badValue', `\`${key}\` lists layer indexes; \`${item}\` is not one.`, span);
        ok = false;
        continue;
      }
      const target = Number(item) < 0 ? index + Number(item) : Number(item);
      if (target < 0 || target >= index) {
        const readable = index === 0 ? 'none: it is the first layer' : `layers 0 to ${index - 1}${Number(item) < 0 ? ` (−1 to −${index})` : ''}`;
        this.report('unknownName', `\`${item}\` names layer ${target}; ${section.type} (layer ${index}) can read ${readable}.`, span);
        ok = false;
        continue;
      }
      const t = this.layers[target];
      if (t.entry) this.references.push({ name: t.entry.name, span, target: t.section.header, kind: 'layer' });
      if (t.unroutable) {
        this.report('unknownName', `${t.unroutable}.`, span, [{ span: t.section.header, message: t.entry!.name }]);
        ok = false;
      } else if (!t.output) ok = false; // (its own finding says why)
      else values.push(t.output);
    }
    return ok ? values : undefined;
  }

  /** CL110 at the `filters=` of the convolution before a [yolo] / [region] layer. */
  private detectionChannels(section: CfgSection, index: number, x: Value, expected: number, formula: string): void {
    const got = x.shape![0];
    if (got === expected) return;
    const before = index > 0 ? this.layers[index - 1] : undefined;
    const conv = before?.kind === 'convolutional' ? before.section : undefined;
    const filters = conv?.option('filters');
    const related = [{ span: section.header, message: `${section.type}: ${formula} = ${expected}` }];
    const message = `${section.type} (layer ${index}) expects ${formula} = ${expected} channels, but ${conv ? `filters=${got} gives` : 'its input has'} ${got}. Darknet stops: "filters= in the [convolutional]-layer doesn't correspond to classes= or mask=".`;
    const data = conv ? { filters: expected, formula, ...(filters ? {} : { insertAfter: conv.header.end }) } : undefined;
    this.report('detectionChannels', message, filters?.valueSpan ?? conv?.header ?? section.header, related, data);
  }
}

/** atoi: the leading integer of a string, 0 when there is none. */
function atoi(s: string): number {
  const m = /^[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : 0;
}

function sameValue(value: string, fallback: string): boolean {
  const a = FLOAT.exec(value);
  const b = FLOAT.exec(fallback);
  return a && b ? Number(a[1]) === Number(b[1]) : value === fallback;
}
