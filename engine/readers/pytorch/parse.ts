// Python source → the reader's syntax tree (ast.ts), through @lezer/python: a pure-JavaScript,
// error-tolerant LR parser (no WebAssembly, no native build), so the engine parses Python
// itself and stays free of I/O. A half-typed line becomes an error node; the statements around
// it still parse, so hints stay on while the user types.
import { parser } from '@lezer/python';
import { TreeFragment, type SyntaxNode, type Tree } from '@lezer/common';
import type { Span } from '../../types';
import type { Arg, ClassDef, Expr, FunctionDef, Generator, ImportName, Param, SliceExpr, Stmt } from './ast';

export interface ParsedModule {
  body: Stmt[];
  /** Spans of the syntax errors lezer recovered from. */
  errors: Span[];
}

/**
 * The last trees parsed, for incremental re-parsing: after a keystroke only the changed region of
 * a document is parsed again (lezer reuses the rest), as an editor's own highlighter does.
 */
const recent: Array<{ text: string; fragments: readonly TreeFragment[] }> = [];
const RECENT = 8;

function parseTree(text: string): Tree {
  // The cached text that differs least (longest common prefix and suffix) from this one.
  let best: { entry: (typeof recent)[number]; prefix: number; suffix: number } | undefined;
  for (const entry of recent) {
    const old = entry.text;
    let prefix = 0;
    const max = Math.min(old.length, text.length);
    while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
    if (!best || prefix + suffix > best.prefix + best.suffix) best = { entry, prefix, suffix };
  }
  let fragments: readonly TreeFragment[] | undefined;
  if (best && best.prefix + best.suffix > text.length / 2) {
    const old = best.entry.text;
    fragments = TreeFragment.applyChanges(best.entry.fragments, [{ fromA: best.prefix, toA: old.length - best.suffix, fromB: best.prefix, toB: text.length - best.suffix }]);
  }
  const tree = parser.parse(text, fragments);
  if (best && best.entry.text === text) return tree;
  recent.unshift({ text, fragments: TreeFragment.addTree(tree) });
  if (recent.length > RECENT) recent.pop();
  return tree;
}

export function parsePython(text: string): ParsedModule {
  const tree = parseTree(text);
  const errors: Span[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) errors.push({ start: n.from, end: Math.max(n.to, n.from + 1) });
    },
  });
  return { body: new Converter(text).block(tree.topNode), errors };
}

const SKIP = new Set(['Comment', '(', ')', '[', ']', '{', '}', ',', ':', 'newline', 'indent', 'dedent']);

class Converter {
  constructor(private readonly text: string) {}

  private span(n: SyntaxNode): Span {
    return { start: n.from, end: n.to };
  }

  private src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  /** Children without comments and error nodes. */
  private kids(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment' && !c.type.isError) out.push(c);
    return out;
  }

  /** Meaningful children: no punctuation. */
  private parts(n: SyntaxNode): SyntaxNode[] {
    return this.kids(n).filter((c) => !SKIP.has(c.name));
  }

  block(n: SyntaxNode): Stmt[] {
    const out: Stmt[] = [];
    for (const c of this.kids(n)) {
      if (c.name === ':' || c.name === 'Body') {
        if (c.name === 'Body') out.push(...this.block(c));
        continue;
      }
      const s = this.stmt(c);
      if (s) out.push(s);
    }
    return out;
  }

  private body(n: SyntaxNode | undefined): Stmt[] {
    return n ? this.block(n) : [];
  }

  private stmt(n: SyntaxNode): Stmt | undefined {
    const span = this.span(n);
    const k = this.kids(n);
    switch (n.name) {
      case 'ExpressionStatement': {
        const items = this.exprList(k, 0, k.length);
        return { t: 'expr', e: items, span };
      }
      case 'AssignStatement': {
        // targets (comma lists) separated by `=`, the last group is the value; a TypeDef is an annotation.
        const groups: SyntaxNode[][] = [[]];
        for (const c of k) {
          if (c.name === 'AssignOp') groups.push([]);
          else if (c.name !== 'TypeDef') groups[groups.length - 1].push(c);
        }
        const annotated = k.some((c) => c.name === 'TypeDef');
        if (groups.length < 2) return k[0]?.name === 'VariableName' && annotated ? { t: 'annotation', name: this.src(k[0]), span } : { t: 'pass', span }; // a bare annotation `x: int`
        const exprs = groups.map((g) => this.exprList(g, 0, g.length));
        return { t: 'assign', targets: exprs.slice(0, -1), value: exprs[exprs.length - 1], span, ...(annotated ? { annotated } : {}) };
      }
      case 'UpdateStatement': {
        const op = k.find((c) => c.name === 'UpdateOp');
        if (!op || k.length < 3) return { t: 'unsupported', what: 'this statement', span };
        const i = k.indexOf(op);
        return { t: 'aug', target: this.exprList(k, 0, i), op: this.src(op).slice(0, -1), value: this.exprList(k, i + 1, k.length), span };
      }
      case 'ReturnStatement': {
        const rest = k.slice(1);
        return { t: 'return', value: rest.length ? this.exprList(rest, 0, rest.length) : undefined, span };
      }
      case 'PassStatement':
        return { t: 'pass', span };
      case 'BreakStatement':
        return { t: 'break', span };
      case 'ContinueStatement':
        return { t: 'continue', span };
      case 'ScopeStatement':
        return { t: 'declare', span };
      case 'IfStatement': {
        const branches: Array<{ test: Expr; body: Stmt[] }> = [];
        let orelse: Stmt[] | undefined;
        for (let i = 0; i < k.length; i++) {
          const w = k[i].name;
          if (w === 'if' || w === 'elif') {
            const test = k[i + 1];
            const body = k.slice(i + 2).find((c) => c.name === 'Body');
            if (test && test.name !== 'Body') branches.push({ test: this.expr(test), body: this.body(body) });
          } else if (w === 'else') orelse = this.body(k.slice(i + 1).find((c) => c.name === 'Body'));
        }
        if (!branches.length) return { t: 'unsupported', what: 'this if statement', span };
        return { t: 'if', branches, orelse, span };
      }
      case 'ForStatement': {
        const iIn = k.findIndex((c) => c.name === 'in');
        const bodies = k.filter((c) => c.name === 'Body');
        if (iIn < 0 || !bodies.length) return { t: 'unsupported', what: 'this for loop', span };
        const iBody = k.indexOf(bodies[0]);
        return { t: 'for', target: this.exprList(k, 1, iIn), iter: this.exprList(k, iIn + 1, iBody), body: this.body(bodies[0]), orelse: bodies[1] ? this.body(bodies[1]) : undefined, span };
      }
      case 'FunctionDefinition':
        return { t: 'def', def: this.funcDef(n, []), span };
      case 'ClassDefinition':
        return { t: 'class', def: this.classDef(n), span };
      case 'DecoratedStatement': {
        const decorators = k.filter((c) => c.name === 'Decorator').map((d) => this.decorator(d));
        const inner = k.find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition');
        if (!inner) return { t: 'unsupported', what: 'this decorated statement', span };
        if (inner.name === 'ClassDefinition') return { t: 'class', def: { ...this.classDef(inner), decorators }, span };
        return { t: 'def', def: this.funcDef(inner, decorators), span };
      }
      case 'ImportStatement':
        return { t: 'import', names: this.imports(n), span };
      case 'RaiseStatement':
        return { t: 'raise', e: k[1] ? this.expr(k[1]) : undefined, span };
      case 'AssertStatement': {
        const comma = k.findIndex((c) => c.name === ',');
        return { t: 'assert', test: k[1] && k[1].name !== ',' ? this.expr(k[1]) : { t: 'const', v: true, span }, msg: comma > 0 && k[comma + 1] ? this.expr(k[comma + 1]) : undefined, span };
      }
      case 'WhileStatement': {
        const bodies = k.filter((c) => c.name === 'Body');
        if (!k[1] || k[1].name === 'Body' || !bodies.length) return { t: 'unsupported', what: 'this while loop', span };
        return { t: 'while', test: this.expr(k[1]), body: this.body(bodies[0]), orelse: bodies[1] ? this.body(bodies[1]) : undefined, span };
      }
      case 'WithStatement': {
        // with a as x, b: the items between `with` and the body.
        const iBody = k.findIndex((c) => c.name === 'Body');
        if (iBody < 0) return { t: 'unsupported', what: 'this with statement', span };
        const items: Array<{ ctx: Expr; target?: Expr }> = [];
        for (let i = 1; i < iBody; i++) {
          const c = k[i];
          if (c.name === ',' || c.name === '(' || c.name === ')') continue;
          if (c.name === 'as' && items.length && k[i + 1]) items[items.length - 1].target = this.expr(k[++i]);
          else items.push({ ctx: this.expr(c) });
        }
        return { t: 'with', items, body: this.body(k[iBody]), span };
      }
      case 'TryStatement':
        return this.tryStatement(k, span);
      case 'DeleteStatement':
        return { t: 'unsupported', what: 'a del statement', span };
      default:
        if (/Statement$/.test(n.name)) return { t: 'unsupported', what: `a ${n.name.replace(/Statement$/, '').toLowerCase()} statement`, span };
        // A lone expression lezer did not wrap (recovered syntax): evaluate nothing.
        return undefined;
    }
  }

  /** try / except [types [as name]] / else / finally, each keyword followed by its body. */
  private tryStatement(k: SyntaxNode[], span: Span): Stmt {
    const out: Extract<Stmt, { t: 'try' }> = { t: 'try', body: [], handlers: [], span };
    for (let i = 0; i < k.length; i++) {
      const w = k[i].name;
      const iBody = k.findIndex((c, j) => j > i && c.name === 'Body');
      if (iBody < 0) break;
      const body = this.body(k[iBody]);
      if (w === 'try') out.body = body;
      else if (w === 'except') {
        const head = k.slice(i + 1, iBody);
        const iAs = head.findIndex((c) => c.name === 'as');
        const types = head[0] && head[0].name !== 'as' ? this.expr(head[0]) : undefined;
        out.handlers.push({ types, name: iAs >= 0 && head[iAs + 1] ? this.src(head[iAs + 1]) : undefined, body, span: { start: k[i].from, end: k[iBody].to } });
      } else if (w === 'else') out.orelse = body;
      else if (w === 'finally') out.final = body;
      else continue;
      i = iBody;
    }
    return out;
  }

  private decorator(d: SyntaxNode): Expr {
    const k = this.kids(d).filter((c) => c.name !== 'At');
    // `@a.b(...)`: the decorator's dotted name, then maybe an argument list.
    let e: Expr | undefined;
    for (const c of k) {
      if (c.name === 'VariableName') e = e ? { t: 'attr', obj: e, name: this.src(c), span: { start: e.span.start, end: c.to } } : { t: 'name', id: this.src(c), span: this.span(c) };
      else if (c.name === 'ArgList' && e) e = { t: 'call', fn: e, args: this.args(c), span: { start: e.span.start, end: c.to } };
    }
    return e ?? { t: 'unsupported', what: 'a decorator', span: this.span(d) };
  }

  private funcDef(n: SyntaxNode, decorators: Expr[]): FunctionDef {
    const k = this.kids(n);
    const name = k.find((c) => c.name === 'VariableName');
    const params = k.find((c) => c.name === 'ParamList');
    const body = k.find((c) => c.name === 'Body');
    return { name: name ? this.src(name) : '?', nameSpan: name ? this.span(name) : this.span(n), params: params ? this.params(params) : [], body: this.body(body), decorators, span: this.span(n) };
  }

  private classDef(n: SyntaxNode): ClassDef {
    const k = this.kids(n);
    const name = k.find((c) => c.name === 'VariableName');
    const argList = k.find((c) => c.name === 'ArgList');
    const bases = argList ? this.args(argList).filter((a) => a.kind === 'pos').map((a) => a.value) : [];
    return { name: name ? this.src(name) : '?', nameSpan: name ? this.span(name) : this.span(n), bases, body: this.body(k.find((c) => c.name === 'Body')), span: this.span(n) };
  }

  private params(n: SyntaxNode): Param[] {
    const out: Param[] = [];
    let kind: Param['kind'] = 'pos';
    const k = this.kids(n);
    for (let i = 0; i < k.length; i++) {
      const c = k[i];
      if (c.name === '*') {
        const next = k[i + 1];
        if (next?.name === 'VariableName') {
          out.push({ name: this.src(next), kind: 'star', span: this.span(next) });
          i++;
        }
        kind = 'kwonly';
      } else if (c.name === '**') {
        const next = k[i + 1];
        if (next?.name === 'VariableName') out.push({ name: this.src(next), kind: 'dstar', span: this.span(next) });
        i++;
      } else if (c.name === 'VariableName') {
        const p: Param = { name: this.src(c), kind, span: this.span(c) };
        let j = i + 1;
        if (k[j]?.name === 'TypeDef') j++;
        if (k[j]?.name === 'AssignOp' && k[j + 1]) {
          p.default = this.expr(k[j + 1]);
          j += 2;
        }
        i = j - 1;
        out.push(p);
      }
    }
    return out;
  }

  private imports(n: SyntaxNode): ImportName[] {
    const k = this.kids(n).filter((c) => c.name !== '(' && c.name !== ')');
    const out: ImportName[] = [];
    const dotted = (from: number): [string, number] => {
      let s = '';
      let i = from;
      while (i < k.length && (k[i].name === 'VariableName' || k[i].name === '.' || k[i].name === 'Ellipsis')) s += this.src(k[i++]);
      return [s, i];
    };
    if (k[0]?.name === 'from') {
      const [module, i] = dotted(1);
      for (let j = i + 1; j < k.length; j++) {
        const c = k[j];
        if (c.name === '*') out.push({ module, as: '*' });
        else if (c.name === 'VariableName') {
          const name = this.src(c);
          if (k[j + 1]?.name === 'as' && k[j + 2]) {
            out.push({ module, name, as: this.src(k[j + 2]) });
            j += 2;
          } else out.push({ module, name, as: name });
        }
      }
      return out;
    }
    let i = 1;
    while (i < k.length) {
      const [module, next] = dotted(i);
      i = next;
      if (k[i]?.name === 'as' && k[i + 1]) {
        out.push({ module, as: this.src(k[i + 1]) });
        i += 2;
      } else if (module) out.push({ module, as: module.split('.')[0], bindsRoot: true });
      if (k[i]?.name === ',') i++;
      else if (i < k.length && k[i].name !== 'VariableName') i++;
    }
    return out;
  }

  /** Comma-separated expressions from k[from, to): one expression, or a tuple of them. */
  private exprList(k: SyntaxNode[], from: number, to: number): Expr {
    const items: Expr[] = [];
    let trailingComma = false;
    for (let i = from; i < to; i++) {
      const c = k[i];
      if (c.name === ',') {
        trailingComma = true;
        continue;
      }
      trailingComma = false;
      if (c.name === '*' && k[i + 1]) {
        const e = this.expr(k[++i]);
        items.push({ t: 'star', e, span: { start: c.from, end: e.span.end } });
      } else items.push(this.expr(c));
    }
    if (items.length === 1 && !trailingComma) return items[0];
    const start = k[from]?.from ?? 0;
    const end = k[to - 1]?.to ?? start;
    return { t: 'tuple', items, span: { start, end } };
  }

  private args(n: SyntaxNode): Arg[] {
    const k = this.kids(n).filter((c) => c.name !== '(' && c.name !== ')');
    const out: Arg[] = [];
    for (let i = 0; i < k.length; i++) {
      const c = k[i];
      if (c.name === ',') continue;
      if ((c.name === '*' || c.name === '**') && k[i + 1]) {
        const value = this.expr(k[++i]);
        out.push({ kind: c.name === '*' ? 'star' : 'dstar', value, span: { start: c.from, end: value.span.end } });
      } else if (c.name === 'VariableName' && k[i + 1]?.name === 'AssignOp' && k[i + 2]) {
        const value = this.expr(k[i + 2]);
        out.push({ kind: 'kw', name: this.src(c), nameSpan: this.span(c), value, span: { start: c.from, end: value.span.end } });
        i += 2;
      } else if (k[i + 1]?.name === 'for') {
        // f(x for x in xs): a generator argument.
        const end = k.length;
        const value = this.comprehension('gen', k.slice(i, end), { start: c.from, end: k[end - 1].to });
        out.push({ kind: 'pos', value, span: value.span });
        break;
      } else {
        const value = this.expr(c);
        out.push({ kind: 'pos', value, span: value.span });
      }
    }
    return out;
  }

  private comprehension(kind: 'list' | 'gen' | 'set' | 'dict', k: SyntaxNode[], span: Span): Expr {
    if (!k.length || (kind === 'dict' && k.length < 2)) return { t: 'unsupported', what: 'this comprehension', span };
    let i = 0;
    let key: Expr | undefined;
    let elt: Expr;
    if (kind === 'dict') {
      key = this.expr(k[0]);
      elt = this.expr(k[1]);
      i = 2;
    } else elt = this.expr(k[i++]);
    const gens: Generator[] = [];
    while (i < k.length) {
      if (k[i].name === 'for') {
        const iIn = k.findIndex((c, j) => j > i && c.name === 'in');
        if (iIn < 0 || !k[iIn + 1]) break;
        let end = iIn + 1;
        while (end < k.length && k[end].name !== 'for' && k[end].name !== 'if') end++;
        // The iterable is one expression; a following `if` belongs to the generator.
        gens.push({ target: this.exprList(k, i + 1, iIn), iter: this.expr(k[iIn + 1]), ifs: [] });
        i = iIn + 2;
      } else if (k[i].name === 'if' && gens.length) {
        gens[gens.length - 1].ifs.push(this.expr(k[i + 1]));
        i += 2;
      } else i++;
    }
    if (!gens.length) return { t: 'unsupported', what: 'this comprehension', span };
    return { t: 'comp', kind, elt, key, gens, span };
  }

  expr(n: SyntaxNode): Expr {
    const span = this.span(n);
    const k = this.kids(n);
    switch (n.name) {
      case 'Number': {
        const s = this.src(n).replace(/_/g, '');
        if (/[jJ]$/.test(s)) return { t: 'unsupported', what: 'a complex number', span };
        const float = /[.eE]/.test(s) && !/^0[xX]/.test(s);
        const v = /^0[oO]/.test(s) ? parseInt(s.slice(2), 8) : /^0[bB]/.test(s) ? parseInt(s.slice(2), 2) : Number(s);
        return Number.isFinite(v) ? { t: 'num', v, float, span } : { t: 'unsupported', what: `the number ${this.src(n)}`, span };
      }
      case 'String':
        return { t: 'str', v: stringValue(this.src(n)), span };
      case 'ContinuedString': {
        const parts = k.flatMap((c) => (c.name === 'FormatString' ? this.formatParts(c) : [stringValue(this.src(c))]));
        return parts.every((p) => typeof p === 'string') ? { t: 'str', v: parts.join(''), span } : { t: 'fstr', parts, span };
      }
      case 'FormatString':
        return { t: 'fstr', parts: this.formatParts(n), span };
      case 'Boolean':
        return { t: 'const', v: this.src(n) === 'True', span };
      case 'None':
        return { t: 'const', v: null, span };
      case 'Ellipsis':
        return { t: 'ellipsis', span };
      case 'VariableName':
        return { t: 'name', id: this.src(n), span };
      case 'ParenthesizedExpression': {
        const inner = this.parts(n);
        return inner.length === 1 ? this.expr(inner[0]) : { t: 'unsupported', what: 'this expression', span };
      }
      case 'MemberExpression': {
        const obj = k[0] ? this.expr(k[0]) : undefined;
        if (!obj) return { t: 'unsupported', what: 'this expression', span };
        if (k[1]?.name === '.') {
          const prop = k[2];
          if (!prop) return { t: 'unsupported', what: 'an unfinished attribute', span };
          return { t: 'attr', obj, name: this.src(prop), span };
        }
        return { t: 'index', obj, items: this.subscript(k.slice(1)), span };
      }
      case 'CallExpression': {
        const argList = k.find((c) => c.name === 'ArgList');
        if (!k[0] || !argList) return { t: 'unsupported', what: 'this call', span };
        return { t: 'call', fn: this.expr(k[0]), args: this.args(argList), span };
      }
      case 'BinaryExpression': {
        if (k.length < 3) return { t: 'unsupported', what: 'this expression', span };
        // `a is not b`, `a not in b`: two keyword tokens in the middle.
        const l = this.expr(k[0]);
        const r = this.expr(k[k.length - 1]);
        const op = k
          .slice(1, -1)
          .map((c) => this.src(c))
          .join(' ');
        // `a < b < c` is `a < b and b < c` (lezer nests it as `(a < b) < c`).
        if (COMPARISONS.has(op) && k[0].name === 'BinaryExpression' && l.t === 'bin' && COMPARISONS.has(l.op)) {
          return { t: 'bin', op: 'and', l, r: { t: 'bin', op, l: rightmost(l), r, span }, span };
        }
        return { t: 'bin', op, l, r, span };
      }
      case 'UnaryExpression': {
        if (k.length < 2) return { t: 'unsupported', what: 'this expression', span };
        // lezer reads `not a or b` as `not (a or b)`; Python's `not` binds tighter than and/or.
        if (this.src(k[0]) === 'not') return this.negateLeftmost(k[1], k[0].from);
        return { t: 'unary', op: this.src(k[0]), e: this.expr(k[1]), span };
      }
      case 'ConditionalExpression': {
        // body if test else orelse
        const iIf = k.findIndex((c) => c.name === 'if');
        const iElse = k.findIndex((c) => c.name === 'else');
        if (iIf !== 1 || iElse !== 3 || !k[4]) return { t: 'unsupported', what: 'this conditional expression', span };
        return { t: 'ifexp', body: this.expr(k[0]), test: this.expr(k[2]), orelse: this.expr(k[4]), span };
      }
      case 'TupleExpression':
        return { ...this.collection(k), t: 'tuple', span } as Expr;
      case 'ArrayExpression':
        return { ...this.collection(k), t: 'list', span } as Expr;
      case 'SetExpression':
        return { ...this.collection(k), t: 'set', span } as Expr;
      case 'DictionaryExpression': {
        const items: Array<{ k: Expr; v: Expr } | { spread: Expr }> = [];
        const p = this.parts(n);
        for (let i = 0; i < p.length; i++) {
          if (p[i].name === '**' && p[i + 1]) items.push({ spread: this.expr(p[++i]) });
          else if (p[i + 1]) {
            items.push({ k: this.expr(p[i]), v: this.expr(p[i + 1]) });
            i++;
          }
        }
        return { t: 'dict', items, span };
      }
      case 'ArrayComprehensionExpression':
        return this.comprehension('list', this.parts(n), span);
      case 'ComprehensionExpression':
        return this.comprehension('gen', this.parts(n), span);
      case 'SetComprehensionExpression':
        return this.comprehension('set', this.parts(n), span);
      case 'DictionaryComprehensionExpression':
        return this.comprehension('dict', this.parts(n), span);
      case 'LambdaExpression': {
        const params = k.find((c) => c.name === 'ParamList');
        const body = k[k.length - 1];
        return { t: 'lambda', params: params ? this.params(params) : [], body: this.expr(body), span };
      }
      default:
        return { t: 'unsupported', what: describe(n.name), span };
    }
  }

  /** `not` applied to the leftmost operand of an unparenthesised and/or chain. */
  private negateLeftmost(n: SyntaxNode, notStart: number): Expr {
    const k = this.kids(n);
    const op = k.length === 3 && n.name === 'BinaryExpression' ? this.src(k[1]) : '';
    if (op === 'and' || op === 'or') {
      const l = this.negateLeftmost(k[0], notStart);
      return { t: 'bin', op, l, r: this.expr(k[2]), span: { start: notStart, end: n.to } };
    }
    return { t: 'unary', op: 'not', e: this.expr(n), span: { start: notStart, end: n.to } };
  }

  /** An f-string's literal text and replacement fields (`{expr}`, `{expr!r}`; a format spec is kept as a flag). */
  private formatParts(n: SyntaxNode): Array<string | { e: Expr; spec: boolean }> {
    const src = this.src(n);
    const m = /^([a-zA-Z]*)('''|"""|'|")/.exec(src);
    const open = m ? m[0].length : 0;
    const close = m ? m[2].length : 0;
    const raw = /r/i.test(m?.[1] ?? '');
    const literal = (s: string) => (raw ? s : stringValue(`'${s.replace(/'/g, "\\'")}'`)).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    const parts: Array<string | { e: Expr; spec: boolean }> = [];
    let at = n.from + open;
    for (const r of this.kids(n)) {
      if (r.name !== 'FormatReplacement') continue;
      if (r.from > at) parts.push(literal(this.text.slice(at, r.from)));
      const inner = this.kids(r).find((c) => !['{', '}', 'FormatConversion', 'FormatSpec'].includes(c.name));
      parts.push({ e: inner ? this.expr(inner) : { t: 'unsupported', what: 'an empty f-string field', span: this.span(r) }, spec: this.kids(r).some((c) => c.name === 'FormatSpec') });
      at = r.to;
    }
    if (n.to - close > at) parts.push(literal(this.text.slice(at, n.to - close)));
    return parts;
  }

  private collection(k: SyntaxNode[]): { items: Expr[] } {
    const inner = k.filter((c) => !['(', ')', '[', ']', '{', '}'].includes(c.name));
    const list = this.exprList(inner, 0, inner.length);
    // exprList gives a tuple for several items (or a trailing comma), else the one item.
    if (!inner.length) return { items: [] };
    return { items: list.t === 'tuple' && (inner.length > 1 || inner.some((c) => c.name === ',')) ? list.items : [list] };
  }

  /** The items between `[` and `]`: expressions and slices, split at commas. */
  private subscript(k: SyntaxNode[]): Array<Expr | SliceExpr> {
    const inner = k.filter((c) => c.name !== '[' && c.name !== ']');
    const groups: SyntaxNode[][] = [[]];
    for (const c of inner) {
      if (c.name === ',') groups.push([]);
      else groups[groups.length - 1].push(c);
    }
    if (groups.length > 1 && !groups[groups.length - 1].length) groups.pop();
    return groups.map((g) => {
      if (!g.some((c) => c.name === ':')) return g.length === 1 ? this.expr(g[0]) : { t: 'unsupported', what: 'this subscript', span: g.length ? { start: g[0].from, end: g[g.length - 1].to } : { start: 0, end: 0 } };
      const parts: Array<Expr | undefined> = [undefined];
      for (const c of g) {
        if (c.name === ':') parts.push(undefined);
        else parts[parts.length - 1] = this.expr(c);
      }
      return { t: 'slice', lo: parts[0], hi: parts[1], step: parts[2], span: { start: g[0].from, end: g[g.length - 1].to } } as SliceExpr;
    });
  }
}

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=', 'in', 'not in', 'is', 'is not']);

/** The last operand of a (chained) comparison. */
function rightmost(e: Expr): Expr {
  return e.t === 'bin' && e.op === 'and' ? rightmost(e.r) : e.t === 'bin' ? e.r : e;
}

function describe(name: string): string {
  return name.replace(/Expression$/, ' expression').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The value of a Python string literal (prefixes r, b, u; escapes of the common kinds). */
export function stringValue(src: string): string {
  const m = /^([rRbBuU]*)('''|"""|'|")([\s\S]*?)\2$/.exec(src);
  if (!m) return src;
  const body = m[3];
  if (/r/i.test(m[1])) return body;
  return body.replace(/\\(n|t|r|\\|'|"|\n)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' })[c] ?? c);
}
