// Ingestion's storage, one concern per file: the batch transaction and its message-id dedup
// (store-events.ts), identities and merges (identity.repository.ts), declared traits
// (declared-traits.ts), newsletter sign-ups (sign-ups.ts). Its rules are in domain/identity.ts,
// domain/sign-ups.ts and domain/events.ts.
export { storeEvents, type IngestionOptions, type StoredOutcome } from './store-events.js';
