// What the parts of the cnn-yaml reader (blocks.ts, entries.ts, references.ts) need from the
// reader that drives them (read.ts).
import type { NameReference } from '../../types';
import type { Report } from '../../analyse/network';
import type { RawEntry } from '../yaml/raw';
import type { BlockDef } from './blocks';

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
