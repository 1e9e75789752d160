// The YAML tree the readers work on: maps, lists and scalars, each with its exact source span
// (UTF-16 offsets into the document). Both parsers (parse.ts with the `yaml` package, fastYaml.ts
// for plain files) produce it.
import type { Span } from '../../types';

export interface RawScalar {
  type: 'scalar';
  value: string | number | boolean | null;
  /** True for quoted strings: `"3"` stays a string, never an expression or number. */
  quoted: boolean;
  span: Span;
}
export interface RawEntry {
  key: string;
  keySpan: Span;
  value: RawNode;
  /** From the key to the end of the value. */
  span: Span;
}
export interface RawMap {
  type: 'map';
  entries: RawEntry[];
  flow: boolean;
  span: Span;
}
export interface RawSeq {
  type: 'seq';
  items: RawNode[];
  flow: boolean;
  span: Span;
}
export type RawNode = RawScalar | RawMap | RawSeq;
