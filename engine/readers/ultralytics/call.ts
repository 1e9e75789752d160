// The constructor call parse_model makes for a row, written as Python: `C2f(c1=32, c2=32, n=1,
// shortcut=True)` — the row's arguments after the width and depth multiples, named after the
// module's signature (the yolov5 form of a signature for files that follow ultralytics/yolov5).

/** The parameter names of a signature `Name(a, b=1, k=(3, 3))`, or undefined when it has no parentheses. */
function parameterNames(signature: string): string[] | undefined {
  const open = signature.indexOf('(');
  const close = signature.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const names: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i <= close; i++) {
    const c = signature[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && i < close) depth--;
    else if ((c === ',' && depth === 0) || i === close) {
      const name = signature.slice(start, i).split('=')[0].trim();
      if (name) names.push(name);
      start = i + 1;
    }
  }
  return names;
}

/** The signature alternative for this file: `Detect(nc=80, ch=())  ·  yolov5: Detect(nc, anchors, ch)`. */
export function signatureFor(signature: string, v5: boolean): string {
  const forms = signature.split(/\s+·\s+/);
  const labelled = forms.find((f) => /^yolov5:\s*/.test(f));
  if (v5 && labelled) return labelled.replace(/^yolov5:\s*/, '');
  return forms.find((f) => !/^\w+:\s/.test(f)) ?? forms[0];
}

const MAX_VALUE = 40;

/** A value as Python prints it; long lists shortened after their first item. */
export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) {
    const full = `[${v.map(pythonRepr).join(', ')}]`;
    return full.length <= MAX_VALUE || v.length < 2 ? full : `[${pythonRepr(v[0])}, …]`;
  }
  return String(v);
}

/** `C2f(c1=32, c2=32, n=1, shortcut=True)`: the module called with the arguments parse_model passes (signature: signatureFor's). */
export function formatCall(module: string, signature: string, args: unknown[]): string {
  const names = parameterNames(signature) ?? [];
  const items = args.map((a, i) => (names[i] && !names[i].startsWith('*') ? `${names[i]}=${pythonRepr(a)}` : pythonRepr(a)));
  return `${module}(${items.join(', ')})`;
}
