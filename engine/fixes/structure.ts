// CL401: insert `- flatten` before a linear layer that still sees spatial axes.
import { registerFix } from './registry';
import { layerOf } from './values';
import { insertEntryBefore, locate } from './edit';

registerFix('CL401', (text, analysis, finding) => {
  const layer = layerOf(analysis, finding);
  if (!layer) return [];
  const loc = locate(text, layer.origin.kindKey);
  if (!loc.seq || loc.index === undefined) return [];
  const item = loc.seq.items[loc.index];
  // A linear with `from:` would not read the flatten; relative references that reach back over
  // the new entry would shift: leave those to the user.
  if (item.type === 'map' && item.entries.some((e) => e.key === 'from')) return [];
  for (let j = loc.index + 1; j < loc.seq.items.length; j++) {
    const it = loc.seq.items[j];
    if (it.type !== 'map') continue;
    const from = it.entries.find((e) => e.key === 'from')?.value;
    const refs = from ? (from.type === 'seq' ? from.items : [from]) : [];
    if (refs.some((r) => r.type === 'scalar' && typeof r.value === 'number' && j + r.value < loc.index! + 1)) return [];
  }
  const edits = insertEntryBefore(text, layer.origin.kindKey, 'flatten');
  if (!edits) return [];
  const flat = (finding.data?.flat as number | undefined) ?? layer.inputShapes[0].reduce((a, b) => a * b, 1);
  return [{ title: `Insert flatten before ${layer.name} (linear then takes ${flat} features → [${(layer.args as Record<string, any>).out}])`, isPreferred: true, edits }];
});
