export * from './powertools';
export * from './redact';
