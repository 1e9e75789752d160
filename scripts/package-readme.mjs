// The README of the package (convlens.vsix): what VS Code's Extensions view shows. That view
// keeps only https, http and command links and data: images (VS Code's markdown document
// sanitizer), and an installed extension is often read offline. So the package README is
// README.md up to the `<!-- package README ends here -->` line (the developer sections stay on the
// repository) with
//   - every image embedded as a data: URI (it shows offline, from the package itself),
//   - every relative link turned into its text (a relative link does nothing there),
// and fenced code left as it is.
//   node scripts/package-readme.mjs [out]     (default dist/README.md)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_END = '<!-- package README ends here -->';
const MIME = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml' };
const isExternal = (href) => /^(https?:|mailto:|#)/i.test(href);

/** Transforms one line of markdown prose (not inside a code fence). */
function transformLine(line, base) {
  // Images first: ![alt](path "title")
  line = line.replace(/!\[([^\]]*)\]\(([^)\s]+)(\s+"[^"]*")?\)/g, (all, alt, src) => {
    if (isExternal(src) || src.startsWith('data:')) return all;
    const file = resolve(base, src);
    const mime = MIME[extname(file).toLowerCase()];
    if (!mime) throw new Error(`package README: unsupported image ${src}`);
    return `![${alt}](data:${mime};base64,${readFileSync(file).toString('base64')})`;
  });
  // Relative links: [text](path) → text (inline code kept as code).
  return line.replace(/(?<!!)\[([^\]]+)\]\(([^)\s]+)\)/g, (all, text, href) => (isExternal(href) || href.startsWith('data:') ? all : text));
}

/** The package README for a README text (`base`: the folder its relative paths start from). */
export function packageReadme(text, base = root) {
  const end = text.indexOf(PACKAGE_END);
  const kept = end < 0 ? text : text.slice(0, end);
  let fenced = false;
  const out = kept.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return line;
    }
    // Inline code spans (between backticks) are kept as written.
    return fenced ? line : line.split(/(`[^`]*`)/).map((part) => (part.startsWith('`') ? part : transformLine(part, base))).join('');
  });
  return `${out.join('\n').trimEnd()}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = resolve(root, process.argv[2] ?? 'dist/README.md');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, packageReadme(readFileSync(join(root, 'README.md'), 'utf8')));
  console.log(`package-readme: wrote ${target}`);
}
