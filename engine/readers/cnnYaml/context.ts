// What the parts of the cnn-yaml reader (blocks.ts, entries.ts, references.ts) need from the
// reader that drives them (read.ts).
import type { NameReference, Span } from '../../types';
import type { Report } from '../../analyse/network';
import type { RawEntry, RawNode, RawSeq } from '../yaml/raw';

/** A block as defined under `blocks:`, before any use expands it. */
export interface BlockDef {
  name: string;
  keySpan: Span;
  span: Span;
  params: RawEntry[];
  layers?: RawSeq;
  outputs?: RawNode;
  uses: number;
}

export interface ReaderContext {
  readonly text: string;
  /** The document's block definitions, by name. */
  readonly blocks: Map<string, BlockDef>;
  readonly report: Report;
  /** Records a name written in `from`, `outputs` or `like`, or a block used as a kind (navigation). */
  addReference(ref: NameReference): void;
  /** Reports a key that is not one of `allowed`, with a did-you-mean. */
  unknownKey(e: RawEntry, allowed: readonly string[], what: string): void;
}
