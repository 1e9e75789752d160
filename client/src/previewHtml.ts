// The preview page's HTML with a strict CSP: scripts only with the nonce, styles from the
// webview's own origin or with the nonce, no network (connect-src only to fetch the worker's
// script from the extension's own resources), workers from blob: URLs. The page fills the
// panel: the toolbar on top, then the network strip and the maps, each scrolling on its own.
import { TILE_MAX, TILE_MIN } from '../../protocol/preview';

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
  <button id="impulse" class="secondary toggle" aria-pressed="false" title="A single 1 at the centre: each map shows its response, zoomed to where it reaches (the receptive field)">Impulse</button>
  <button id="pick-image" hidden title="Use a PNG or JPEG from the workspace">Image…</button>
  <label>Seed <input id="seed" type="number" min="0" step="1" value="0"></label>
  <button id="reseed" title="Draw new random weights">Re-seed</button>
  <label>Normalise <select id="norm"><option value="map">per map</option><option value="layer">per layer</option><option value="global">globally</option></select></label>
  <label>Order <select id="order"><option value="activity">most active first</option><option value="index">by index</option></select></label>
  <label title="Size of the maps">Size <input id="tile-size" type="range" min="${TILE_MIN}" max="${TILE_MAX}" step="8" value="128"></label>
  <label id="slice-label" hidden>Slice <input id="slice" type="range" min="0" max="1" step="0.01" value="0.5"></label>
  <label id="input-shape-label" hidden title="Sizes for the model's dynamic input dimensions, with or without the batch (1x3x224x224 or 3x224x224); Enter runs it, and it is remembered for the file. The setting convlens.onnx.inputShape gives the sizes for files without one.">Input shape <input id="input-shape" type="text" spellcheck="false" placeholder="1x3x224x224"></label>
  <button id="table-toggle" class="secondary toggle" aria-pressed="false" title="The network as a table: per layer its output shape, parameters, MACs and receptive field, with the findings">Table</button>
  <button id="graph-toggle" class="secondary toggle" aria-pressed="true" title="Show the network beside the maps">Graph</button>
  <button id="save-npy" class="secondary" title="Save the input and every layer's output as .npy files">Save .npy</button>
  <span id="status" role="status"></span>
</header>
<div id="weights-bar"><span id="weights-info" role="note"></span><button id="load-weights" class="secondary" hidden title="Run the network with a trained weights file (.pt, .pth, Darknet .weights)">Load weights…</button><button id="random-weights" class="secondary" hidden title="Run with random weights again">Random weights</button></div>
<div id="errors" role="alert"></div>
<div id="content">
  <nav id="graph" aria-label="Layers"><div id="graph-inner"></div></nav>
  <main id="layers"></main>
  <div id="table"><div id="findings"></div><div id="table-body"><table id="net-table"></table><aside id="table-details" hidden></aside></div></div>
</div>
<div id="matrix" hidden></div>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}

const STYLE = `
:root { color-scheme: light dark; }
[hidden] { display: none !important; }
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); margin: 0; padding: 0; height: 100vh; display: flex; flex-direction: column; overflow: hidden; }
#toolbar { flex: none; display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; padding: 6px 12px; border-bottom: 1px solid var(--vscode-panel-border, #ccc); }
select, input, button { font: inherit; color: var(--vscode-input-foreground, inherit); background: var(--vscode-input-background, transparent); border: 1px solid var(--vscode-input-border, #aaa); padding: 2px 4px; }
button { color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0e639c); border: none; padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground, #1177bb); }
button.secondary, button.toggle[aria-pressed="false"] { color: var(--vscode-button-secondaryForeground, inherit); background: var(--vscode-button-secondaryBackground, #ddd); }
button.toggle[aria-pressed="true"] { color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0e639c); }
#seed { width: 6em; }
#input-shape { width: 9em; }
#sample { max-width: 15em; }
#tile-size { width: 7em; vertical-align: middle; }
#weights-bar { flex: none; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; padding: 3px 12px; font-size: 12px; border-bottom: 1px solid var(--vscode-panel-border, #ccc); }
#weights-bar:has(#weights-info:empty) { display: none; }
#weights-info[data-weights="random"] { color: var(--vscode-editorWarning-foreground, #b58900); }
#weights-info[data-weights="refused"] { color: var(--vscode-errorForeground, #c00); }
#weights-bar button { padding: 1px 8px; font-size: 11px; }
#status { color: var(--vscode-descriptionForeground, #666); }
#errors:not(:empty) { flex: none; margin: 6px 12px; padding: 6px 10px; color: var(--vscode-errorForeground, #c00); border-left: 3px solid var(--vscode-inputValidation-errorBorder, #c00); background: var(--vscode-inputValidation-errorBackground, transparent); white-space: pre-wrap; }
#content { flex: 1; min-height: 0; display: flex; }
#graph { flex: none; width: 150px; overflow-y: auto; overflow-x: hidden; border-right: 1px solid var(--vscode-panel-border, #ddd); }
body.no-graph #graph { display: none; }
#graph-inner { position: relative; }
#graph .graph-edges { position: absolute; left: 0; top: 0; z-index: 1; pointer-events: none; }
#graph .edge { fill: none; stroke: var(--vscode-descriptionForeground, #888); stroke-width: 1.2; opacity: 0.75; }
#graph .node { stroke: var(--vscode-editor-background, #fff); stroke-width: 1; fill: var(--vscode-descriptionForeground, #888); }
#graph .node.k-conv { fill: var(--vscode-charts-blue, #3b7dd8); }
#graph .node.k-pool { fill: var(--vscode-charts-green, #388a34); }
#graph .node.k-merge { fill: var(--vscode-charts-orange, #d18616); }
#graph .node.k-linear { fill: var(--vscode-charts-purple, #8f4bb7); }
#graph .node.k-input { fill: var(--vscode-foreground, #222); }
.graph-row { position: absolute; left: 0; right: 0; height: 18px; line-height: 18px; padding-left: var(--lanes-width, 20px); padding-right: 4px; font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; }
.graph-row.k-other { color: var(--vscode-descriptionForeground, #666); }
.graph-row:hover { background: var(--vscode-list-hoverBackground, rgba(128,128,128,0.15)); }
.graph-row.in-view { background: var(--vscode-list-inactiveSelectionBackground, rgba(128,128,128,0.2)); }
.graph-row.in-group { padding-left: calc(var(--lanes-width, 20px) + 8px); }
.graph-group { position: absolute; left: 0; right: 0; height: 18px; line-height: 18px; padding-left: var(--lanes-width, 20px); padding-right: 4px; font-size: 11px; font-weight: bold; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; color: var(--vscode-foreground, #222); }
.graph-group:hover { background: var(--vscode-list-hoverBackground, rgba(128,128,128,0.15)); }
.graph-row.current { color: var(--vscode-list-activeSelectionForeground, inherit); background: var(--vscode-list-activeSelectionBackground, rgba(0,119,255,0.3)); font-weight: bold; }
#layers { flex: 1; min-width: 0; overflow-y: auto; padding: 0 12px 24px; }
section.layer { margin: 10px 0; padding: 6px 8px; border: 1px solid var(--vscode-panel-border, #ddd); border-radius: 3px; content-visibility: auto; contain-intrinsic-size: auto 300px; }
div.group { margin: 10px 0; border-left: 2px solid var(--vscode-panel-border, #ddd); padding-left: 8px; }
.group-summary { cursor: pointer; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; font-weight: bold; }
.group-summary::before { content: '▸'; width: 1em; }
div.group[data-open="true"] > .group-summary::before { content: '▾'; }
.group-summary .kind, .group-summary .count, .group-summary .shape { color: var(--vscode-descriptionForeground, #666); font-weight: normal; }
.group-summary:focus-visible { outline: 1px solid var(--vscode-focusBorder, #07f); }
.range { font-family: var(--vscode-editor-font-family, monospace); font-weight: normal; color: var(--vscode-descriptionForeground, #666); }
.range.far { color: var(--vscode-editorWarning-foreground, #b58900); }
section.layer.current { border-color: var(--vscode-focusBorder, #07f); box-shadow: 0 0 0 1px var(--vscode-focusBorder, #07f); }
section.layer.pending { opacity: 0.55; }
section.layer h3 { margin: 0 0 4px; font-size: 1em; cursor: pointer; display: flex; gap: 10px; flex-wrap: wrap; align-items: baseline; }
section.layer h3 .kind { color: var(--vscode-descriptionForeground, #666); font-weight: normal; }
section.layer .stats { color: var(--vscode-descriptionForeground, #666); font-weight: normal; font-family: var(--vscode-editor-font-family, monospace); }
.section-bar { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; margin: 0 0 6px; font-size: 11px; color: var(--vscode-descriptionForeground, #666); }
.legend { display: inline-flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; font-family: var(--vscode-editor-font-family, monospace); }
.legend-bar { width: 96px; height: 10px; border: 1px solid var(--vscode-panel-border, #ccc); }
.legend-note { font-family: var(--vscode-font-family, sans-serif); }
.tools { margin-left: auto; display: flex; gap: 4px; }
.tools button { padding: 1px 8px; font-size: 11px; }
.maps { display: flex; flex-wrap: wrap; gap: 4px; }
.map { position: relative; line-height: 0; }
.map canvas { image-rendering: pixelated; display: block; cursor: crosshair; }
.map canvas.overlay { position: absolute; left: 0; top: 0; pointer-events: none; }
.map .label { position: absolute; left: 1px; top: 1px; font-size: 9px; line-height: 1; color: #000; background: rgba(255,255,255,0.7); padding: 0 2px; pointer-events: none; }
.map.zoomed { flex-basis: 100%; }
.zoom-caption { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; margin-top: 3px; line-height: 1.4; font-size: 11px; }
.zoom-readout { font-family: var(--vscode-editor-font-family, monospace); }
.zoom-close { margin-left: auto; padding: 0 8px; }
.pager { margin-top: 4px; display: flex; gap: 6px; align-items: center; }
.pager button { padding: 1px 8px; }
.value { margin-top: 3px; font-family: var(--vscode-editor-font-family, monospace); }
#table { display: none; flex: 1; min-width: 0; overflow: auto; padding: 6px 12px 24px; }
body.table-view #table { display: block; }
body.table-view #layers, body.table-view #graph { display: none; }
#findings ul { margin: 0 0 8px; padding-left: 18px; }
#findings li.error { color: var(--vscode-errorForeground, #c00); }
#findings li.warning { color: var(--vscode-editorWarning-foreground, #b58900); }
#table-body { display: flex; gap: 12px; align-items: flex-start; }
#net-table { border-collapse: collapse; font-size: 12px; }
#net-table th, #net-table td { padding: 1px 8px; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--vscode-panel-border, #eee); }
#net-table th:first-child, #net-table td:first-child, #net-table td.kind { text-align: left; }
#net-table td.num { font-family: var(--vscode-editor-font-family, monospace); }
#net-table tr.layer-row { cursor: pointer; }
#net-table tr.layer-row:hover { background: var(--vscode-list-hoverBackground, rgba(128,128,128,0.15)); }
#net-table tr.layer-row.in-group td:first-child { padding-left: 20px; }
#net-table tr.group-row td { font-weight: bold; }
#net-table tr.totals td { font-weight: bold; border-top: 2px solid var(--vscode-panel-border, #ccc); }
#net-table tr.current { background: var(--vscode-list-activeSelectionBackground, rgba(0,119,255,0.3)); color: var(--vscode-list-activeSelectionForeground, inherit); }
#table-details { position: sticky; top: 0; min-width: 260px; max-width: 420px; padding: 6px 10px; border: 1px solid var(--vscode-widget-border, #ccc); background: var(--vscode-editorWidget-background, #f6f6f6); font-size: 12px; }
#table-details pre { margin: 2px 0 6px; white-space: pre-wrap; font-family: var(--vscode-editor-font-family, monospace); }
#matrix { position: fixed; inset: 30px 20px; overflow: auto; z-index: 3; padding: 10px; background: var(--vscode-editorWidget-background, #f6f6f6); border: 1px solid var(--vscode-widget-border, #999); box-shadow: 0 2px 10px rgba(0,0,0,0.35); }
#matrix table { border-collapse: collapse; font-family: var(--vscode-editor-font-family, monospace); font-size: 11px; }
#matrix td, #matrix th { border: 1px solid var(--vscode-panel-border, #ccc); padding: 1px 4px; text-align: right; min-width: 2.2em; }
#matrix td.zero { color: var(--vscode-disabledForeground, #aaa); }
#matrix .ok { color: var(--vscode-testing-iconPassed, #1a7f37); font-weight: bold; }
#matrix .bad { color: var(--vscode-errorForeground, #c00); font-weight: bold; }
`;
