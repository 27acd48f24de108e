import type { TSchema } from '@sinclair/typebox';

export type JsonSchema = Record<string, unknown>;

/** Keywords whose values are data, not schemas: never searched for `$id`. */
const DATA_KEYWORDS = new Set(['examples', 'example', 'default', 'const', 'enum']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns TypeBox schemas (the ones handlers validate with) into plain JSON Schema for the document.
 * Every schema that carries an `$id` becomes a named component, referenced wherever it appears;
 * TypeBox's own `Type.Ref(id)` references are pointed at the same components.
 */
/**
 * The server fills in a property that has a default (Ajv's useDefaults), so a client may leave it
 * out: the document must not call it required.
 */
function requiredWithoutDefaults(required: unknown[], properties: Record<string, unknown>): unknown[] {
  return required.filter((name) => {
    const property = typeof name === 'string' ? properties[name] : undefined;
    return !(isObject(property) && 'default' in property);
  });
}

export function createSchemaComponents() {
  const components: Record<string, JsonSchema> = {};
  const refTo = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  function convert(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(convert);
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id') continue;
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out.$ref = refTo(value).$ref;
      else out[key] = DATA_KEYWORDS.has(key) ? value : convert(value);
    }
    if (Array.isArray(node.required) && isObject(node.properties)) out.required = requiredWithoutDefaults(node.required, node.properties);
    const id = node.$id;
    if (typeof id !== 'string') return out;
    components[id] ??= out;
    return refTo(id);
  }

  return {
    components,
    /** A JSON copy of `schema` (TypeBox's symbol keys dropped) with `$id` schemas hoisted. */
    toJsonSchema(schema: TSchema | JsonSchema): JsonSchema {
      return convert(JSON.parse(JSON.stringify(schema))) as JsonSchema;
    },
    /** The properties of an object schema (or of the objects an allOf combines), for parameters. */
    propertiesOf(schema: TSchema | JsonSchema): { name: string; schema: JsonSchema; required: boolean }[] {
      const plain = JSON.parse(JSON.stringify(schema)) as JsonSchema;
      const parts = Array.isArray(plain.allOf) ? (plain.allOf as JsonSchema[]) : [plain];
      return parts.flatMap((part) => {
        const properties = isObject(part.properties) ? part.properties : {};
        const required = new Set(Array.isArray(part.required) ? requiredWithoutDefaults(part.required, properties) : []);
        return Object.entries(properties).map(([name, value]) => ({ name, schema: convert(value) as JsonSchema, required: required.has(name) }));
      });
    },
  };
}

export type SchemaComponents = ReturnType<typeof createSchemaComponents>;
