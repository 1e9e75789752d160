// `$…` expressions in argument values: `$out`, `$out * 4`, `$(in // 4)`, `$max(8, width / 2)`,
// `${width * 2}`. Python-like arithmetic (// floors, % takes the divisor's sign, ** binds
// tighter than unary minus), over the parameters in scope and `in` (incoming channels).

export class ExpressionError extends Error {}

export type Scope = (name: string) => number | undefined;

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  min: { arity: [1, Infinity], fn: (...a) => Math.min(...a) },
  max: { arity: [1, Infinity], fn: (...a) => Math.max(...a) },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  round: { arity: [1, 1], fn: roundHalfEven },
  abs: { arity: [1, 1], fn: Math.abs },
};

/** Python's round(): halves go to the even neighbour (round(2.5) = 2). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function isExpression(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const c = value.charCodeAt(0);
  return c === 36 /* $ */ || ((c === 32 || c === 9) && value.trimStart().startsWith('$'));
}

/** The expression's source without its `$` / `${…}` wrapper. */
export function expressionBody(value: string): string {
  const s = value.trim();
  if (s.startsWith('${') && s.endsWith('}')) return s.slice(2, -1);
  return s.slice(1);
}

type Token = { kind: 'num' | 'id' | 'op' | 'end'; text: string; pos: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|\/\/|[-+*/%(),]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new ExpressionError(`unexpected character '${src.slice(pos).trim()[0]}'`);
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3]).length;
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1], pos: start });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', text: m[2], pos: start });
    else tokens.push({ kind: 'op', text: m[3], pos: start });
    pos = re.lastIndex;
  }
  tokens.push({ kind: 'end', text: '', pos: src.length });
  return tokens;
}

/** Evaluates an expression body (without `$`). Throws ExpressionError with a readable message. */
export function evaluate(body: string, scope: Scope): number {
  if (body.length > 1000) throw new ExpressionError('expression longer than 1000 characters');
  const tokens = tokenize(body);
  let i = 0;
  let depth = 0;
  const peek = () => tokens[i];
  const take = (text?: string): Token => {
    const t = tokens[i];
    if (text !== undefined && t.text !== text) throw new ExpressionError(t.kind === 'end' ? `expected '${text}' at the end` : `expected '${text}' but found '${t.text}'`);
    i++;
    return t;
  };

  const additive = (): number => {
    let v = multiplicative();
    while (peek().text === '+' || peek().text === '-') v = take().text === '+' ? v + multiplicative() : v - multiplicative();
    return v;
  };
  const multiplicative = (): number => {
    let v = unary();
    for (;;) {
      const op = peek().text;
      if (op !== '*' && op !== '/' && op !== '//' && op !== '%') return v;
      take();
      const r = unary();
      if (op === '*') v *= r;
      else if (r === 0) throw new ExpressionError(`division by zero`);
      else if (op === '/') v /= r;
      else if (op === '//') v = Math.floor(v / r);
      else v = v - r * Math.floor(v / r);
    }
  };
  const unary = (): number => {
    if (peek().text === '-') return take() && -unary();
    if (peek().text === '+') return take() && +unary();
    return power();
  };
  const power = (): number => {
    const base = primary();
    if (peek().text === '**') {
      take();
      return base ** unary();
    }
    return base;
  };
  const primary = (): number => {
    const t = take();
    if (t.kind === 'num') return Number(t.text);
    if (t.text === '(') {
      if (++depth > 100) throw new ExpressionError('expression nested too deeply');
      const v = additive();
      take(')');
      depth--;
      return v;
    }
    if (t.kind === 'id') {
      if (peek().text === '(') {
        const f = FUNCTIONS[t.text];
        if (!f) throw new ExpressionError(`unknown function '${t.text}' (known: ${Object.keys(FUNCTIONS).join(', ')})`);
        take('(');
        const args: number[] = [];
        if (peek().text !== ')') {
          args.push(additive());
          while (peek().text === ',') take() && args.push(additive());
        }
        take(')');
        if (args.length < f.arity[0] || args.length > f.arity[1]) throw new ExpressionError(`${t.text}() takes ${f.arity[0] === f.arity[1] ? f.arity[0] : `at least ${f.arity[0]}`} argument(s), got ${args.length}`);
        return f.fn(...args);
      }
      const v = scope(t.text);
      if (v === undefined) throw new ExpressionError(`unknown name '${t.text}'`);
      return v;
    }
    throw new ExpressionError(t.kind === 'end' ? 'the expression ends too early' : `unexpected '${t.text}'`);
  };

  const v = additive();
  if (peek().kind !== 'end') throw new ExpressionError(`unexpected '${peek().text}'`);
  if (!Number.isFinite(v)) throw new ExpressionError(`the result is not a finite number`);
  // As for integers written in the file (parse.ts): beyond 2^53 a value is not exact.
  if (Math.abs(v) > Number.MAX_SAFE_INTEGER) throw new ExpressionError(`the result ${v} is beyond 2^53 and cannot be represented exactly`);
  return v;
}
