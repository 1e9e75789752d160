// The preview page's HTML with a strict CSP: scripts only with the nonce, styles from the
// webview's own origin or with the nonce, no network (connect-src only to fetch the worker's
// script from the extension's own resources), workers from blob: URLs.

export interface HtmlOptions {
  /** webview.cspSource (the origin of local resources), or '' in a plain browser page. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  workerUri: string;
  title?: string;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  const rnd = new Uint8Array(32);
  (globalThis.crypto ?? require('node:crypto').webcrypto).getRandomValues(rnd);
  for (const b of rnd) s += chars[b % chars.length];
  return s;
}

export function contentSecurityPolicy(o: Pick<HtmlOptions, 'cspSource' | 'nonce'>): string {
  const src = o.cspSource ? ` ${o.cspSource}` : '';
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' allows compiling the kernels' WebAssembly only, never JavaScript eval.
    `script-src 'nonce-${o.nonce}' 'wasm-unsafe-eval'`,
    `style-src 'nonce-${o.nonce}'${src}`,
    `img-src${src} data: blob:`,
    `worker-src blob:${src}`,
    `connect-src${src || " 'self'"}`,
    "font-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderHtml(o: HtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(o.title ?? 'ConvLens: feature maps')}</title>
<style nonce="${esc(o.nonce)}">${STYLE}</style>
</head>
<body data-worker-uri="${esc(o.workerUri)}" data-status="starting">
<header id="toolbar">
  <label>Input <select id="sample"></select></label>
  <button id="pick-image" hidden title="Use a PNG or JPEG from the workspace">Image…</button>
  <label>Seed <input id="seed" type="number" min="0" step="1" value="0"></label>
  <button id="reseed" title="Draw new random weights">Re-seed</button>
  <label>Normalise <select id="norm"><option value="map">per map</option><option value="layer">per layer</option><option value="global">globally</option></select></label>
  <label id="slice-label" hidden>Slice <input id="slice" type="range" min="0" max="1" step="0.01" value="0.5"></label>
  <span id="status" role="status"></span>
</header>
<div id="errors" role="alert"></div>
<main id="layers"></main>
<div id="matrix" hidden></div>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}

const STYLE = `
:root { color-scheme: light dark; }
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); margin: 0; padding: 0 12px 24px; }
#toolbar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; padding: 8px 0; background: var(--vscode-editor-background, #fff); border-bottom: 1px solid var(--vscode-panel-border, #ccc); }
select, input, button { font: inherit; color: var(--vscode-input-foreground, inherit); background: var(--vscode-input-background, transparent); border: 1px solid var(--vscode-input-border, #aaa); padding: 2px 4px; }
button { color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0e639c); border: none; padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground, #1177bb); }
button.secondary { color: var(--vscode-button-secondaryForeground, inherit); background: var(--vscode-button-secondaryBackground, #ddd); }
#seed { width: 6em; }
#status { color: var(--vscode-descriptionForeground, #666); }
#errors:not(:empty) { margin: 8px 0; padding: 6px 10px; color: var(--vscode-errorForeground, #c00); border-left: 3px solid var(--vscode-inputValidation-errorBorder, #c00); background: var(--vscode-inputValidation-errorBackground, transparent); white-space: pre-wrap; }
section.layer { margin: 10px 0; padding: 6px 8px; border: 1px solid var(--vscode-panel-border, #ddd); border-radius: 3px; }
section.layer.current { border-color: var(--vscode-focusBorder, #07f); box-shadow: 0 0 0 1px var(--vscode-focusBorder, #07f); }
section.layer.pending { opacity: 0.55; }
section.layer h3 { margin: 0 0 4px; font-size: 1em; cursor: pointer; display: flex; gap: 10px; flex-wrap: wrap; align-items: baseline; }
section.layer h3 .kind { color: var(--vscode-descriptionForeground, #666); font-weight: normal; }
section.layer .stats { color: var(--vscode-descriptionForeground, #666); font-weight: normal; font-family: var(--vscode-editor-font-family, monospace); }
.maps { display: flex; flex-wrap: wrap; gap: 4px; }
.map { position: relative; line-height: 0; }
.map canvas { image-rendering: pixelated; display: block; }
.map canvas.overlay { position: absolute; left: 0; top: 0; pointer-events: none; }
.map .label { position: absolute; right: 1px; bottom: 1px; font-size: 9px; line-height: 1; color: #000; background: rgba(255,255,255,0.6); padding: 0 1px; pointer-events: none; }
.pager { margin-top: 4px; display: flex; gap: 6px; align-items: center; }
.pager button { padding: 1px 8px; }
.value { margin-top: 3px; font-family: var(--vscode-editor-font-family, monospace); }
#matrix { position: fixed; inset: 30px 20px; overflow: auto; z-index: 3; padding: 10px; background: var(--vscode-editorWidget-background, #f6f6f6); border: 1px solid var(--vscode-widget-border, #999); box-shadow: 0 2px 10px rgba(0,0,0,0.35); }
#matrix table { border-collapse: collapse; font-family: var(--vscode-editor-font-family, monospace); font-size: 11px; }
#matrix td, #matrix th { border: 1px solid var(--vscode-panel-border, #ccc); padding: 1px 4px; text-align: right; min-width: 2.2em; }
#matrix td.zero { color: var(--vscode-disabledForeground, #aaa); }
#matrix .ok { color: var(--vscode-testing-iconPassed, #1a7f37); font-weight: bold; }
#matrix .bad { color: var(--vscode-errorForeground, #c00); font-weight: bold; }
`;
