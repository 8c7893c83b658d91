import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { VALIDATORS_SOURCE } from './generated/validators.js';
import { KEYS, type KeyDefinition } from './registry.js';
import { type JsonSchema, type TypeSpec, toJsonSchema } from './type-spec.js';

const SCHEMA_ID = 'https://ccci.coop-cloud.invalid/schemas/recipe-meta.schema.json';

function keySchema(def: KeyDefinition): JsonSchema {
  const base = def.type ? toJsonSchema(def.type) : false;
  const description = `${def.meaning}${def.hook && def.type ? ` (may instead be the hook ${def.hook} in hooks.ts)` : ''}${def.type ? '' : ` (hook only: export ${def.hook} from hooks.ts)`}`;
  if (base === false) return { description, not: {} };
  return {
    description,
    ...(def.default !== null ? { default: def.default } : {}),
    ...(base as object),
  };
}

/** The JSON Schema of `recipe_meta.yml`, built from the registry. */
export function buildJsonSchema(): { [key: string]: unknown } {
  const properties: Record<string, JsonSchema> = {};
  for (const def of KEYS) properties[def.key] = keySchema(def);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'recipe_meta.yml — per-recipe CI settings of ccci',
    description:
      'Generated from the registry of @ccci/recipe-meta; do not edit. Keys starting with _ are private and allowed.',
    type: 'object',
    properties,
    patternProperties: { '^_': {} },
    additionalProperties: false,
  };
}

/** One type error of a value, located by its path inside the value. */
export interface ValueError {
  /** Path segments inside the key's value (`['0', 'tcp']`). */
  path: string[];
  /** When the error is about a map key rather than a value (propertyNames). */
  propertyName: string | null;
  keyword: string;
  params: Record<string, unknown>;
}

let validators: Record<string, ValidateFunction> | undefined;

/**
 * The validator of a data key, from the ajv standalone code generated at build time
 * (src/generated/validators.ts; a test fails when it is out of date): no ajv compile at run time.
 */
function validatorFor(def: KeyDefinition & { type: TypeSpec }): ValidateFunction {
  if (!validators) {
    const exports: Record<string, ValidateFunction> = {};
    // The generated CommonJS body assigns exports.KEY and may require ajv's runtime helpers.
    new Function('exports', 'require', VALIDATORS_SOURCE)(exports, createRequire(import.meta.url));
    validators = exports;
  }
  const v = validators[def.key];
  if (!v) throw new Error(`no generated validator for ${def.key}: run the generate script`);
  return v;
}

/** Type errors of `value` for a data key, de-noised (one error per real cause). */
export function checkValue(def: KeyDefinition & { type: TypeSpec }, value: unknown): ValueError[] {
  const validate = validatorFor(def);
  if (validate(value)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  return errors
    .filter((e) => !e.schemaPath.includes('/oneOf/'))
    .filter((e) => !e.schemaPath.includes('/propertyNames/'))
    .map((e) => ({
      path: e.instancePath
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
      propertyName: e.keyword === 'propertyNames' ? String(e.params['propertyName'] ?? '') : null,
      keyword: e.keyword,
      params: e.params as Record<string, unknown>,
    }));
}
