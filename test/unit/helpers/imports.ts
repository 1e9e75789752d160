// The module specifiers a TypeScript file imports, read with a regular expression (enough for
// this code base's own style of imports).

export interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}

/** Every module specifier a TypeScript file imports (static, dynamic, require, re-export). */
export function importsOf(source: string): Import[] {
  const out: Import[] = [];
  const re = /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (let m; (m = re.exec(source)); ) {
    const spec = m[3] ?? m[4];
    const line = source.slice(0, m.index).split('\n').length;
    out.push({ spec, typeOnly: !!m[2], line });
  }
  return out;
}
