// The size bound every reader applies before reading a document: a stray 10 MB file must not
// freeze the editor, and no real network file comes near it.
import type { Finding } from '../types';
import { CODES } from '../codes';

/** Larger documents are refused: resnet101.cnn.yaml is 6 KB, yolov4.cfg 12 KB, and `yaml` needs seconds per 10 MB. */
export const MAX_TEXT = 1_000_000;

/** A located CL010 error (on the first line) when the document is beyond MAX_TEXT, else undefined. */
export function documentTooLarge(text: string): Finding | undefined {
  if (text.length <= MAX_TEXT) return undefined;
  const end = text.indexOf('\n') < 0 ? Math.min(text.length, 200) : Math.min(text.indexOf('\n'), 200);
  const mb = (text.length / 1e6).toFixed(1);
  return { code: CODES.bounds.code, severity: 'error', message: `This document has ${text.length.toLocaleString('en-US')} characters (${mb} MB); ConvLens analyses network files up to ${MAX_TEXT.toLocaleString('en-US')} characters (resnet101 takes about 6,000).`, span: { start: 0, end } };
}
