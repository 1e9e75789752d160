// A section as darknet's own layer table lists it (`layer filters size/strd(dil) input -> output
// BF`): what it reads (−1 the layer before; route and shortcut name absolute indexes), its
// filters and window (the reader adds the BFLOPs AlexeyAB's darknet prints for it).
import type { EntryListing, LayerResult } from '../../types';
import type { CfgSection } from './parse';

/** `layers=` (route) or `from=` (shortcut and its kin) as absolute indexes; undefined when not whole numbers. */
function named(section: CfgSection, index: number): number[] | undefined {
  const o = section.option('layers') ?? section.option('from');
  if (!o) return undefined;
  const items = o.value.split(',').map((x) => x.trim());
  if (!items.every((x) => /^[+-]?\d+$/.test(x))) return undefined;
  return items.map((x) => (Number(x) < 0 ? index + Number(x) : Number(x)));
}

function windowText(layer: LayerResult | undefined): string {
  const a = layer?.args as { out?: number; groups?: number; kernel?: number[]; stride?: number[]; dilation?: number[]; scale?: number } | undefined;
  if (!a) return '';
  if (a.kernel && a.stride) {
    const [kh, kw] = a.kernel;
    const [sh, sw] = a.stride;
    const dil = a.dilation && a.dilation[0] > 1 ? `(${a.dilation[0]})` : '';
    const window = `${kh}×${kw}/${sh === sw ? sh : `${sh}×${sw}`}${dil}`;
    return a.out !== undefined ? `${a.out}${a.groups && a.groups > 1 ? `/${a.groups}` : ''} ${window}` : window;
  }
  return typeof a.scale === 'number' ? `×${a.scale}` : '';
}

/** The section's listing; its BFLOPs are added once its figures are known. */
export function darknetListing(kind: string, section: CfgSection, index: number, layers: LayerResult[]): EntryListing {
  const refs = named(section, index);
  const list = (xs: number[]) => (xs.length === 1 ? String(xs[0]) : `[${xs.join(', ')}]`);
  const from = !refs ? '-1' : kind === 'route' ? list(refs) : list([-1, ...refs]);
  return { index, from, arguments: windowText(layers[0]) };
}
