// The part of Python's syntax the PyTorch reader interprets, as a small typed tree with source
// spans (parse.ts builds it from @lezer/python's concrete tree). Anything else becomes an
// `unsupported` node that names the construct, so the interpreter can say what it did not follow.
import type { Span } from '../../types';

export type Expr =
  | { t: 'num'; v: number; float: boolean; span: Span }
  | { t: 'str'; v: string; span: Span }
  | { t: 'fstr'; parts: Array<string | { e: Expr; spec: boolean }>; span: Span }
  | { t: 'const'; v: boolean | null; span: Span }
  | { t: 'name'; id: string; span: Span }
  | { t: 'attr'; obj: Expr; name: string; span: Span }
  | { t: 'call'; fn: Expr; args: Arg[]; span: Span }
  | { t: 'index'; obj: Expr; items: Array<Expr | SliceExpr>; span: Span }
  | { t: 'bin'; op: string; l: Expr; r: Expr; span: Span }
  | { t: 'unary'; op: string; e: Expr; span: Span }
  | { t: 'ifexp'; test: Expr; body: Expr; orelse: Expr; span: Span }
  | { t: 'list' | 'tuple' | 'set'; items: Expr[]; span: Span }
  | { t: 'star'; e: Expr; span: Span }
  | { t: 'dict'; items: Array<{ k: Expr; v: Expr } | { spread: Expr }>; span: Span }
  | { t: 'comp'; kind: 'list' | 'gen' | 'set' | 'dict'; elt: Expr; key?: Expr; gens: Generator[]; span: Span }
  | { t: 'lambda'; params: Param[]; body: Expr; span: Span }
  | { t: 'ellipsis'; span: Span }
  | { t: 'unsupported'; what: string; span: Span };

export interface SliceExpr {
  t: 'slice';
  lo?: Expr;
  hi?: Expr;
  step?: Expr;
  span: Span;
}

export interface Generator {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export type Arg = { kind: 'pos' | 'star' | 'dstar'; value: Expr; span: Span } | { kind: 'kw'; name: string; nameSpan: Span; value: Expr; span: Span };

export interface Param {
  name: string;
  kind: 'pos' | 'star' | 'dstar' | 'kwonly';
  default?: Expr;
  span: Span;
}

export type Stmt =
  | { t: 'assign'; targets: Expr[]; value: Expr; span: Span; annotated?: boolean }
  /** `x: int` without a value (a dataclass field; binds nothing). */
  | { t: 'annotation'; name: string; span: Span }
  | { t: 'aug'; target: Expr; op: string; value: Expr; span: Span }
  | { t: 'expr'; e: Expr; span: Span }
  | { t: 'return'; value?: Expr; span: Span }
  | { t: 'if'; branches: Array<{ test: Expr; body: Stmt[] }>; orelse?: Stmt[]; span: Span }
  | { t: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse?: Stmt[]; span: Span }
  | { t: 'while'; test: Expr; body: Stmt[]; orelse?: Stmt[]; span: Span }
  | { t: 'try'; body: Stmt[]; handlers: ExceptHandler[]; orelse?: Stmt[]; final?: Stmt[]; span: Span }
  | { t: 'with'; items: Array<{ ctx: Expr; target?: Expr }>; body: Stmt[]; span: Span }
  | { t: 'def'; def: FunctionDef; span: Span }
  | { t: 'class'; def: ClassDef; span: Span }
  | { t: 'import'; names: ImportName[]; span: Span }
  | { t: 'raise'; e?: Expr; span: Span }
  | { t: 'assert'; test: Expr; msg?: Expr; span: Span }
  | { t: 'pass' | 'break' | 'continue' | 'declare'; span: Span }
  | { t: 'unsupported'; what: string; span: Span };

/** `except (ValueError, KeyError) as e:` */
export interface ExceptHandler {
  types?: Expr;
  name?: string;
  body: Stmt[];
  span: Span;
}

/** One bound name of an import: `import torch.nn as nn` → {module: 'torch.nn', as: 'nn'}. */
export interface ImportName {
  /** The module path (`torch.nn`), `..utils` for relative imports. */
  module: string;
  /** The name imported from the module (`from torch import nn` → `nn`); undefined for `import m`. */
  name?: string;
  /** The local name bound; `*` for a star import. */
  as: string;
  /** `import a.b` binds `a` to the package `a`. */
  bindsRoot?: boolean;
}

export interface FunctionDef {
  name: string;
  nameSpan: Span;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  span: Span;
  /** Defined by the reader's prelude (library helpers), not by the user's file. */
  prelude?: boolean;
}

export interface ClassDef {
  name: string;
  nameSpan: Span;
  bases: Expr[];
  decorators?: Expr[];
  body: Stmt[];
  span: Span;
}
