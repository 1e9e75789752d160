// Offsets ↔ line/column for a document's text (0-based, UTF-16 like LSP and JS strings).
import type { Span } from './types';

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  offset(line: number, character: number): number {
    if (line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[line] + character, line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length);
  }
  range(span: Span) {
    return { start: this.position(span.start), end: this.position(span.end) };
  }
  get lineCount(): number {
    return this.starts.length;
  }
}
