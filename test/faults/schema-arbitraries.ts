import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas our zod route schemas publish in /openapi.json, so the
 * fuzzer follows every route as it is declared today, including routes added after this file.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  nullable?: boolean;
}

const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Values that break a field typed `type`: the other JSON types and edge cases of its own. */
function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const wrongs: fc.Arbitrary<unknown>[] = [anyJson, fc.constant(null)];
  if (type === 'string') wrongs.push(fc.constant(''), fc.string({ minLength: 1_000, maxLength: 3_000 }), fc.integer());
  if (type === 'number' || type === 'integer') wrongs.push(fc.constant('12abc'), fc.double({ noNaN: true }), fc.constant(1e308));
  if (type === 'array') wrongs.push(fc.constant([]), fc.dictionary(fc.string(), anyJson, { maxKeys: 2 }));
  if (type === 'object') wrongs.push(fc.array(anyJson, { maxLength: 3 }), fc.string());
  return fc.oneof(...wrongs);
}

function stringValue(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, minLength + 40);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'uri':
      return fc.webUrl();
    default:
      return fc.string({ minLength, maxLength, unit: 'grapheme' });
  }
}

/** Mostly schema-valid values; `mutate` makes one field in ten wrong so refusals are exercised too. */
export function arbitraryFor(schema: JsonSchema | undefined, mutate = true, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || depth > 6) return anyJson;
  const valid = validFor(schema, mutate, depth);
  return mutate ? fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: wrongValue(schema), weight: 1 }) : valid;
}

function validFor(schema: JsonSchema, mutate: boolean, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((alternative) => arbitraryFor(alternative, mutate, depth + 1)));
  if (schema.allOf !== undefined && schema.allOf.length > 0) return arbitraryFor(schema.allOf[0], mutate, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringValue(schema);
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1e6, -1e9), max: Math.min(schema.maximum ?? 1e6, 1e9) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(arbitraryFor(schema.items, mutate, depth + 1), { minLength, maxLength: Math.min(schema.maxItems ?? 5, minLength + 5) });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, propertySchema] of Object.entries(properties)) record[key] = arbitraryFor(propertySchema, mutate, depth + 1);
      const requiredKeys = Object.keys(properties).filter((key) => required.has(key));
      const known = fc.record(record, { requiredKeys });
      const extra =
        schema.additionalProperties === false || Object.keys(properties).length > 0
          ? fc.constant({})
          : fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), anyJson, { maxKeys: 4 });
      const withExtra = fc.tuple(known, extra).map(([values, more]) => ({ ...more, ...values }));
      // A required field dropped now and then: the refusal must name it.
      if (!mutate || required.size === 0) return withExtra;
      return fc.oneof(
        { arbitrary: withExtra, weight: 9 },
        { arbitrary: fc.tuple(withExtra, fc.constantFrom(...required)).map(([values, key]) => omit(values, key)), weight: 1 },
      );
    }
    default:
      return anyJson;
  }
}

function omit(values: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...values };
  delete copy[key];
  return copy;
}
