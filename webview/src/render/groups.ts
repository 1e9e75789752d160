// Groups of layers for the preview: the YOLO row, Darknet section or block use each layer comes
// from (a yolov8n has 220 layers in 23 rows), and the short names the network strip shows
// inside a group (the part after the group's name, never cut to the same text as a sibling).
import type { Analysis } from '../../../engine/types';

/** The group a layer belongs to: the top-level entry (or block instance) that made it. */
export interface LayerGroup {
  /** What its layers' names start with (`model.2`, `12`, `block.1`), followed by a dot. */
  name: string;
  /** The entry's kind as written (`C2f`, `convolutional`, `vgg_block`). */
  kind: string;
}

/**
 * Each layer's group, by layer index: the top-level entry that produced it when that entry made
 * more than one layer (a repeated block: each instance its own group, `block.0`, `block.1`);
 * null for a layer that stands alone.
 */
export function layerGroups(a: Analysis): Array<LayerGroup | null> {
  if (a.format === 'onnx') return moduleGroups(a);
  const members = new Map<string, { kind: string; layers: number[] }>();
  for (const e of a.entries) {
    if (e.inBlock !== undefined || e.layers.length < 2) continue;
    for (const i of e.layers) {
      const name = a.layers[i]?.name;
      if (name === undefined) continue;
      // A repeated entry's instances are `name.0`, `name.1`…: each is a group of its own.
      const instance = e.instances > 1 ? new RegExp(`^${escape(e.name)}\\.(\\d+)(\\.|$)`).exec(name) : null;
      const key = `${e.span.start}:${instance ? instance[1] : ''}`;
      const m = members.get(key) ?? { kind: e.kind, layers: [] };
      m.layers.push(i);
      members.set(key, m);
    }
  }
  const groups: Array<LayerGroup | null> = a.layers.map(() => null);
  for (const m of members.values()) {
    if (m.layers.length < 2) continue; // a group of one layer is no group
    // Named by what its layers' names share (`model.2`; a Darknet section `0` for `0.conv`, `0.bn`).
    const name = commonPrefix(m.layers.map((i) => a.layers[i].name));
    if (!name) continue;
    for (const i of m.layers) groups[i] = { name, kind: m.kind };
  }
  return groups;
}

/**
 * An ONNX model's groups: the exporter's top-level modules (`layer1` of `layer1.0.conv1`), each a
 * run of two or more consecutive layers; its own output (a residual add named `layer1`) is in it.
 */
function moduleGroups(a: Analysis): Array<LayerGroup | null> {
  const top = a.layers.map((l) => l.name.split('.')[0]);
  const groups: Array<LayerGroup | null> = a.layers.map(() => null);
  for (let i = 0; i < top.length; ) {
    let j = i;
    while (j + 1 < top.length && top[j + 1] === top[i]) j++;
    for (let k = i; j > i && k <= j; k++) groups[k] = { name: top[i], kind: 'module' };
    i = j + 1;
  }
  return groups;
}

/** The dotted path every name starts with (`model.2` of `model.2.cv1.conv` and `model.2.m.0.add`), '' if none. */
function commonPrefix(names: string[]): string {
  let parts = names[0].split('.');
  for (const n of names.slice(1)) {
    const p = n.split('.');
    let k = 0;
    while (k < parts.length && k < p.length && parts[k] === p[k]) k++;
    parts = parts.slice(0, k);
  }
  // A group name is a strict prefix: a layer named exactly like it would have nothing left to show.
  while (parts.length && names.some((n) => n === parts.join('.'))) parts = parts.slice(0, -1);
  return parts.join('.');
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A layer's name inside its group: what follows the group's name (`model.2.m.0.cv1.conv` in `model.2` → `m.0.cv1.conv`). */
export function nameInGroup(name: string, group: string | null): string {
  return group && name.startsWith(`${group}.`) && name.length > group.length + 1 ? name.slice(group.length + 1) : name;
}

/**
 * Labels of at most `max` characters for names shown together: a name that is too long keeps its
 * first part and its end around an ellipsis, with as much of its end as it takes to differ from
 * every other label (the end names the layer: `cv1.conv` vs `cv2.conv`).
 */
export function shortLabels(names: string[], max: number): string[] {
  const labels = names.map((n) => (n.length <= max ? n : cut(n, max, 0)));
  // Where two cut labels read the same, give those more of their end (and less of their start).
  for (let pass = 0; pass < max; pass++) {
    const seen = new Map<string, number[]>();
    labels.forEach((l, i) => seen.set(l, [...(seen.get(l) ?? []), i]));
    let changed = false;
    for (const same of seen.values()) {
      if (same.length < 2) continue;
      for (const i of same) {
        if (names[i].length <= max) continue;
        const next = cut(names[i], max, pass + 1);
        if (next !== labels[i]) {
          labels[i] = next;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return labels;
}

/** `name` in `max` characters: its head, '…', its tail; `shift` moves characters from head to tail. */
function cut(name: string, max: number, shift: number): string {
  const room = Math.max(1, max - 1);
  const head = Math.max(0, Math.min(Math.floor(room / 3), room - 1) - shift);
  return `${name.slice(0, head)}…${name.slice(name.length - (room - head))}`;
}
