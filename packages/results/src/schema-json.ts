import { resultsSchema } from './schema.js';

/** The exported schema file's exact text (what machine-docs/results.schema.json must contain). */
export function resultsSchemaJson(): string {
  return `${JSON.stringify(resultsSchema, null, 2)}\n`;
}
