import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: JsonObject }> }> }>
  >;
  components: { schemas: Record<string, JsonObject> };
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Makes OpenAPI 3.0 schemas strict JSON Schema: `nullable` becomes `anyOf [.., null]`, and an object schema
 * that lists its properties allows no others, so an undocumented field in a live response fails the check.
 */
function strict(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!isObject(schema)) return schema;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'nullable') continue;
    copy[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]))
        : strict(value);
  }
  if (isObject(copy.properties) && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return schema.nullable === true ? { anyOf: [copy, { type: 'null' }] } : copy;
}

/** Checks live JSON responses against the bridge's own OpenAPI document. */
export class OpenApiChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ template: string; pattern: RegExp }>;

  constructor(private readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    const components = Object.fromEntries(
      Object.entries(doc.components.schemas).map(([name, schema]) => [name, strict(schema)]),
    );
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: components } });
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }))
      .sort((a, b) => b.template.length - a.template.length);
  }

  templateOf(path: string): string | undefined {
    const bare = path.split('?')[0];
    return this.templates.find((t) => t.pattern.test(bare))?.template;
  }

  /** Problems with one live response; empty when it matches the documented schema. */
  check(method: string, path: string, status: number, body: unknown): string[] {
    const template = this.templateOf(path);
    if (!template) return [`${method} ${path}: not in the OpenAPI document`];
    const operation = this.doc.paths[template][method.toLowerCase()];
    if (!operation) return [`${method} ${template}: method not documented`];
    const schema = operation.responses?.[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return [`${method} ${template} ${status}: response not documented`];
    const key = `${method} ${template} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const rewritten = JSON.parse(
        JSON.stringify(strict(schema)).replace(/"#\/components/g, '"openapi#/components'),
      ) as JsonObject;
      validate = this.ajv.compile(rewritten);
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${key}: ${error.instancePath || '(root)'} ${error.message ?? ''}`,
    );
  }
}
