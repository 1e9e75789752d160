// Loads every rule file (each registers itself) and re-exports the registry.
export * from './registry';
import './coverage';
import './padding';
import './pooling';
import './transposed';
import './field';
import './structure';
