// Loads every rule file (each registers itself) and re-exports the registry.
export * from './registry';
