/**
 * A tiny description language for the value types of the registry. One spec yields the JSON
 * Schema fragment (for ajv and machine-docs), the TypeScript type text (for the generated
 * types) and the human "expected" text used in docs and error messages.
 */
export type TypeSpec =
  /** Every string is bounded: settings end up in logs, results and comments. */
  | { kind: 'string'; pattern?: string; minLength?: number; maxLength: number; text: string }
  | { kind: 'integer'; min: number; max: number; text: string }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly (string | boolean)[]; name?: string }
  | {
      kind: 'list';
      of: TypeSpec;
      minItems?: number;
      maxItems: number;
      unique?: boolean;
    }
  | {
      kind: 'map';
      keys: {
        pattern?: string;
        values?: readonly string[];
        name?: string;
        text: string;
        maxLength: number;
      };
      of: TypeSpec;
      maxEntries: number;
    }
  | {
      kind: 'object';
      /** Name of the generated TypeScript interface. */
      name: string;
      props: Readonly<Record<string, { spec: TypeSpec; required: boolean; doc: string }>>;
      /** Exactly one of these property names must be present. */
      exactlyOneOf?: readonly string[];
    };

export type JsonSchema = { [key: string]: unknown } | boolean;

/** JSON Schema (draft 2020-12 subset that ajv's default draft-07 also accepts) for a spec. */
export function toJsonSchema(spec: TypeSpec): JsonSchema {
  switch (spec.kind) {
    case 'string':
      return {
        type: 'string',
        ...(spec.minLength !== undefined ? { minLength: spec.minLength } : {}),
        maxLength: spec.maxLength,
        ...(spec.pattern !== undefined ? { pattern: spec.pattern } : {}),
      };
    case 'integer':
      return { type: 'integer', minimum: spec.min, maximum: spec.max };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { enum: [...spec.values] };
    case 'list':
      return {
        type: 'array',
        items: toJsonSchema(spec.of),
        ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}),
        maxItems: spec.maxItems,
        ...(spec.unique ? { uniqueItems: true } : {}),
      };
    case 'map':
      return {
        type: 'object',
        propertyNames:
          spec.keys.values !== undefined
            ? { enum: [...spec.keys.values] }
            : { pattern: spec.keys.pattern ?? '', maxLength: spec.keys.maxLength },
        additionalProperties: toJsonSchema(spec.of),
        maxProperties: spec.maxEntries,
      };
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      for (const [name, p] of Object.entries(spec.props)) properties[name] = toJsonSchema(p.spec);
      const required = Object.entries(spec.props)
        .filter(([, p]) => p.required)
        .map(([n]) => n);
      return {
        type: 'object',
        properties,
        additionalProperties: false,
        ...(required.length ? { required } : {}),
        ...(spec.exactlyOneOf
          ? { oneOf: spec.exactlyOneOf.map((name) => ({ required: [name] })) }
          : {}),
      };
    }
  }
}

/** TypeScript type text; object specs are referred to by their interface name. */
export function toTsType(spec: TypeSpec): string {
  switch (spec.kind) {
    case 'string':
      return 'string';
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return spec.name ?? unionText(spec.values);
    case 'list': {
      const inner = toTsType(spec.of);
      return inner.includes('|') ? `readonly (${inner})[]` : `readonly ${inner}[]`;
    }
    case 'map': {
      const keys = spec.keys.name ?? (spec.keys.values ? unionText(spec.keys.values) : undefined);
      return keys
        ? `Readonly<Partial<Record<${keys}, ${toTsType(spec.of)}>>>`
        : `Readonly<Record<string, ${toTsType(spec.of)}>>`;
    }
    case 'object':
      return spec.name;
  }
}

function unionText(values: readonly (string | boolean)[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' | ');
}

/** Named union types reachable from `spec` (emitted as type aliases). */
export function namedUnions(
  spec: TypeSpec,
): { name: string; values: readonly (string | boolean)[] }[] {
  switch (spec.kind) {
    case 'enum':
      return spec.name ? [{ name: spec.name, values: spec.values }] : [];
    case 'list':
      return namedUnions(spec.of);
    case 'map':
      return [
        ...(spec.keys.name && spec.keys.values
          ? [{ name: spec.keys.name, values: spec.keys.values }]
          : []),
        ...namedUnions(spec.of),
      ];
    case 'object':
      return Object.values(spec.props).flatMap((p) => namedUnions(p.spec));
    default:
      return [];
  }
}

/** Every object spec reachable from `spec`, for emitting interfaces. */
export function objectSpecs(spec: TypeSpec): Extract<TypeSpec, { kind: 'object' }>[] {
  switch (spec.kind) {
    case 'list':
    case 'map':
      return objectSpecs(spec.of);
    case 'object':
      return [spec, ...Object.values(spec.props).flatMap((p) => objectSpecs(p.spec))];
    default:
      return [];
  }
}

/** Human text of the expected type, as shown in docs and error messages. */
export function describeSpec(spec: TypeSpec): string {
  switch (spec.kind) {
    case 'string':
    case 'integer':
      return spec.text;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return spec.values.map((v) => String(v)).join(' / ');
    case 'list':
      return `a list of ${describeSpec(spec.of)}${spec.unique ? ' (no duplicates)' : ''}`;
    case 'map':
      return `a map of ${spec.keys.text} → ${describeSpec(spec.of)}`;
    case 'object': {
      const parts = Object.entries(spec.props).map(
        ([n, p]) => `${n}${p.required ? '' : '?'}: ${describeSpec(p.spec)}`,
      );
      const one = spec.exactlyOneOf ? `; exactly one of ${spec.exactlyOneOf.join(', ')}` : '';
      return `{${parts.join(', ')}}${one}`;
    }
  }
}
