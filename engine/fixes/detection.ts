// CL110 (darknet): the `filters=` a [yolo] or [region] layer needs, in the convolution before it.
import { registerFix } from './registry';

registerFix(
  'CL110',
  (_text, _analysis, finding) => {
    const { filters, formula, insertAfter } = finding.data ?? {};
    if (typeof filters !== 'number') return [];
    const title = `Set filters to ${filters}${typeof formula === 'string' ? ` (${formula})` : ''}`;
    // Without a `filters=` line darknet uses 1: add one under the header.
    const edit = typeof insertAfter === 'number' ? { span: { start: insertAfter, end: insertAfter }, newText: `\nfilters=${filters}` } : { span: finding.span, newText: String(filters) };
    return [{ title, isPreferred: true, edits: [edit] }];
  },
  ['darknet'],
);
