// The one way a layer rule refuses a layer: a finding code, PyTorch's reason, the argument to
// underline and data for the quick fix.
import type { CodeKey } from '../../codes';

/** A problem that stops this layer from having an output shape. */
export class LayerError extends Error {
  constructor(readonly codeKey: CodeKey, message: string, readonly arg?: string, readonly data?: Record<string, unknown>) {
    super(message);
  }
}
