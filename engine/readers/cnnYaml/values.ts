// `$` expressions in a cnn-yaml value (FORMAT.md "Blocks"): `$out`, `$(in // 4)`, `${max(8, width / 2)}`.
// Values are evaluated where a layer or block is used, with the parameters in scope and `in`, the
// channel count arriving there.
import type { Report } from '../../analyse/network';
import { didYouMean } from '../../kinds';
import type { RawNode } from '../yaml/raw';
import { evaluate, expressionBody, ExpressionError, isExpression } from './expressions';

export type ParamValue = unknown;

export interface Env {
  /** Parameter lookup: the block's parameters, then the top level's. */
  params: Map<string, ParamValue>[];
  inChannels?: number;
}

/** A YAML value with `$` expressions evaluated. undefined = an error was reported. */
export function evalValue(node: RawNode, env: Env, report: Report): unknown {
  if (node.type === 'seq') {
    const out: unknown[] = [];
    for (const item of node.items) {
      const v = evalValue(item, env, report);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (node.type === 'map') {
    report('schema', 'A map is not allowed here: expected a number, text, true/false or a list.', node.span);
    return undefined;
  }
  const v = node.value;
  if (typeof v === 'string' && isExpression(v)) {
    const body = expressionBody(v);
    const bare = body.trim();
    const lookup = (name: string): unknown => {
      if (name === 'in') return env.inChannels;
      for (const scope of env.params) if (scope.has(name)) return scope.get(name);
      return undefined;
    };
    // `$name` alone may stand for any value (a list, `same`…); arithmetic needs numbers.
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(bare)) {
      const found = lookup(bare);
      if (found !== undefined) return found;
      if (bare === 'in') {
        report('expression', '`in` (the incoming channel count) is not known here.', node.span);
        return undefined;
      }
    }
    try {
      return evaluate(body, (name) => {
        const x = lookup(name);
        if (x === undefined) return undefined;
        if (typeof x !== 'number') throw new ExpressionError(`'${name}' is ${JSON.stringify(x)}, not a number`);
        return x;
      });
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      const names = new Set<string>(['in']);
      for (const scope of env.params) for (const k of scope.keys()) names.add(k);
      const unknown = /unknown name '([^']+)'/.exec(err.message);
      const suggestion = unknown ? didYouMean(unknown[1], names) : undefined;
      report('expression', `In \`${v.trim()}\`: ${err.message}${suggestion ? `; did you mean '${suggestion}'?` : '.'}`, node.span, undefined, suggestion ? { replacement: suggestion, name: unknown![1] } : undefined);
      return undefined;
    }
  }
  return v;
}
