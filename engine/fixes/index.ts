// Quick fixes: pure functions from (document text, analysis, finding) to text edits. Each file
// registers its providers with the registry.
export * from './registry';
import './names';
import './values';
import './coverage';
import './kernels';
import './structure';
import './detection';
import './pytorch';
