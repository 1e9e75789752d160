// Completion: layer kinds and blocks after `- ` (snippets with the required arguments), argument
// names of the entry's kind (or the block's parameters), enum values (padding modes, upsample
// modes, booleans), names in `from:`/`outputs:`/`like:`, and `$` parameters.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { KINDS, type Analysis } from '../../../engine';
import { RESERVED_KEYS, type KindSpec } from '../../../engine/kinds';
import type { Snapshot } from '../service';
import { contains } from './util';

/** `conv(out, kernel, stride = 1, padding = 0, …)` */
export function signature(kind: string, spec: KindSpec): string {
  const args = Object.entries(spec.args).map(([n, a]) => (a.default === undefined ? (a.optional ? `${n}?` : n) : `${n} = ${JSON.stringify(a.default)}`));
  return `${kind}(${args.join(', ')})`;
}

function kindSnippet(kind: string, spec: KindSpec): string {
  const req = spec.snippet ?? [];
  if (spec.merges) return `${kind}:\n  from: [\${1:input}, \${2:-1}]`;
  if (!req.length) return kind;
  const SAMPLE: Record<string, string> = { out: '64', kernel: '3', stride: '2', size: '1', groups: '2', scale: '2', padding: '1' };
  return `${kind}: {${req.map((a, i) => `${a}: \${${i + 1}:${SAMPLE[a] ?? ''}}`).join(', ')}}`;
}

/** The kind of the entry the cursor is in: the nearest `- kind:` line above at a smaller indent. */
function enclosingKind(lines: string[], line: number, indent: number): string | undefined {
  for (let l = line; l >= 0; l--) {
    const m = /^(\s*)-\s+([A-Za-z_]\w*)\s*:/.exec(lines[l]);
    if (m && (l === line || m[1].length < indent)) return m[2];
    if (l < line && /^\S/.test(lines[l])) return undefined;
  }
  return undefined;
}

/** The analysis to take blocks and names from: the current one, or the last that parsed. */
const structure = (snap: Snapshot): Analysis => snap.lastParsed ?? snap.analysis;

function scopeNames(snap: Snapshot, offset: number): string[] {
  const a = structure(snap);
  const block = a.blocks.find((b) => contains(b.span, offset));
  const inScope = a.definitions.filter((d) => {
    const defBlock = a.blocks.find((b) => contains(b.span, d.span.start));
    return defBlock === block;
  });
  const names = inScope.map((d) => d.name);
  if (!a.definitions.length) {
    // The document does not parse (often while typing): fall back to the `name:` values written.
    const text = block ? snap.text.slice(block.span.start, block.span.end) : snap.text;
    names.push(...[...text.matchAll(/^[ \t]+(?:-\s+)?name\s*:\s*([A-Za-z_][\w-]*)/gm)].map((m) => m[1]));
  }
  return ['input', ...new Set(names)];
}

function paramNames(snap: Snapshot, offset: number): string[] {
  const names: string[] = [];
  const block = structure(snap).blocks.find((b) => contains(b.span, offset));
  if (block) names.push(...block.params.map((p) => p.name));
  const top = /^params\s*:\s*\{([^}]*)\}/m.exec(snap.text);
  if (top) names.push(...[...top[1].matchAll(/([A-Za-z_]\w*)\s*:/g)].map((m) => m[1]));
  else {
    const block = /^params\s*:\s*\n((?:[ \t]+.*\n?)*)/m.exec(snap.text);
    if (block) names.push(...[...block[1].matchAll(/^[ \t]+([A-Za-z_]\w*)\s*:/gm)].map((m) => m[1]));
  }
  return [...new Set(names), 'in'];
}

export function completion(snap: Snapshot, position: Position): CompletionItem[] {
  const lines = snap.text.split('\n');
  const lineText = lines[position.line] ?? '';
  const before = lineText.slice(0, position.character);
  const offset = snap.lines.offset(position.line, position.character);
  const blocks = structure(snap).blocks;

  // `$` parameters.
  const dollar = /\$\{?([A-Za-z_]\w*)?$/.exec(before);
  if (dollar) {
    return paramNames(snap, offset).map((n) => ({ label: n, kind: CompletionItemKind.Variable, detail: n === 'in' ? 'incoming channel count' : 'parameter' }));
  }

  // Names: `from: x`, `from: [a, x`, `outputs: [x`, `like: x`.
  if (/\b(from|outputs|like)\s*:\s*(\[[^\]]*)?[\w.-]*$/.test(before) || (/^\s*-\s*[\w.]*$/.test(before) && /^\s*(from|outputs)\s*:\s*$/.test(lines[position.line - 1] ?? ''))) {
    return scopeNames(snap, offset).map((n) => ({ label: n, kind: n === 'input' ? CompletionItemKind.Constant : CompletionItemKind.Reference, detail: n === 'input' ? 'the network (or block) input' : 'layer' }));
  }

  // A kind after `- `.
  if (/^\s*-\s+[A-Za-z_]*$/.test(before)) {
    const items: CompletionItem[] = Object.entries(KINDS).map(([kind, spec]) => ({
      label: kind,
      kind: CompletionItemKind.Function,
      detail: signature(kind, spec),
      documentation: { kind: MarkupKind.Markdown, value: spec.doc },
      insertText: kindSnippet(kind, spec),
      insertTextFormat: InsertTextFormat.Snippet,
    }));
    for (const b of blocks) {
      items.push({
        label: b.name,
        kind: CompletionItemKind.Module,
        detail: `block ${b.name}(${b.params.map((p) => `${p.name} = ${JSON.stringify(p.default)}`).join(', ')})`,
        insertText: b.params.length ? `${b.name}: {${b.params.map((p, i) => `${p.name}: \${${i + 1}:${p.default ?? ''}}`).join(', ')}}` : b.name,
        insertTextFormat: InsertTextFormat.Snippet,
      });
    }
    return items;
  }

  // Enum values after `arg: `.
  const valueOf = /([A-Za-z_]\w*)\s*:\s*[\w-]*$/.exec(before);
  const indent = /^\s*(?:-\s+)?/.exec(lineText)?.[0].length ?? 0;
  const kind = enclosingKind(lines, position.line, indent);
  if (valueOf && kind && !/\{\s*$/.test(before)) {
    const arg = valueOf[1];
    const spec = KINDS[kind]?.args[arg];
    if (spec && arg !== kind) {
      const values = spec.values ?? (spec.type === 'bool' || spec.type === 'bias' ? ['true', 'false'] : []);
      if (values.length) return values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, detail: `${kind}.${arg}`, documentation: spec.doc }));
      if (spec.type === 'ref') return scopeNames(snap, offset).map((n) => ({ label: n, kind: CompletionItemKind.Reference }));
      return [];
    }
  }

  // Argument names: inside `kind: {…` on the same line, or on an indented line of the entry.
  const flow = /-\s+([A-Za-z_]\w*)\s*:\s*\{([^}]*)$/.exec(before);
  const entryKind = flow?.[1] ?? (/^\s+[A-Za-z_]*$/.test(before) ? kind : undefined);
  if (entryKind) {
    const written = new Set([...(flow?.[2] ?? '').matchAll(/([A-Za-z_]\w*)\s*:/g)].map((m) => m[1]));
    const items: CompletionItem[] = [];
    const spec = KINDS[entryKind];
    const block = blocks.find((b) => b.name === entryKind);
    if (spec) {
      for (const [name, a] of Object.entries(spec.args)) {
        if (written.has(name)) continue;
        items.push({
          label: name,
          kind: CompletionItemKind.Property,
          detail: `${entryKind}.${name}: ${a.type}${a.default !== undefined ? ` = ${JSON.stringify(a.default)}` : a.optional ? ' (optional)' : ' (required)'}`,
          documentation: { kind: MarkupKind.Markdown, value: a.doc },
          insertText: `${name}: `,
          sortText: a.default === undefined && !a.optional ? `0${name}` : `1${name}`,
        });
      }
    } else if (block) {
      for (const p of block.params) {
        if (written.has(p.name)) continue;
        items.push({ label: p.name, kind: CompletionItemKind.Property, detail: `${block.name}.${p.name} = ${JSON.stringify(p.default)}`, insertText: `${p.name}: ` });
      }
    }
    if (!flow) {
      for (const k of RESERVED_KEYS) items.push({ label: k, kind: CompletionItemKind.Keyword, detail: 'entry key', insertText: `${k}: `, sortText: `2${k}` });
    }
    return items;
  }

  // Top-level keys at column 0.
  if (/^[A-Za-z_]*$/.test(before)) {
    return ['name', 'input', 'params', 'blocks', 'layers', 'outputs'].map((k) => ({ label: k, kind: CompletionItemKind.Keyword, insertText: `${k}: ` }));
  }
  return [];
}
