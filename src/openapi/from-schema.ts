/**
 * A TypeScript type from a (const) JSON Schema of the OpenAPI document: enough
 * of JSON Schema 2020-12 for the schemas we write ($ref to components, const,
 * enum, oneOf/anyOf, type or type arrays, object properties/required/
 * additionalProperties, array items). Used to check the client's hand-written
 * types against the document at compile time.
 */
import type { ComponentSchemas } from './document.js';

type Primitive<T> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? unknown[]
          : T extends 'object'
            ? Record<string, unknown>
            : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectOf<S> = S extends { properties: infer P }
  ? Simplify<
      {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: FromSchema<P[K]>;
      } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: FromSchema<P[K]>;
      } & (S extends { additionalProperties: infer A }
          ? A extends false
            ? unknown
            : A extends true
              ? Record<string, unknown>
              : Record<string, FromSchema<A>>
          : unknown)
    >
  : S extends { additionalProperties: infer A }
    ? A extends false
      ? Record<string, never>
      : Record<string, A extends true ? unknown : FromSchema<A>>
    : Record<string, unknown>;

type RequiredKeys<S> = S extends { required: readonly (infer R)[] } ? R : never;

type Typed<S> = S extends { type: infer T }
  ? T extends readonly (infer U)[]
    ? { [K in U & string]: K extends 'object' ? ObjectOf<S> : K extends 'array' ? ArrayOf<S> : Primitive<K> }[U & string]
    : T extends 'object'
      ? ObjectOf<S>
      : T extends 'array'
        ? ArrayOf<S>
        : Primitive<T>
  : S extends { properties: unknown }
    ? ObjectOf<S>
    : unknown;

type ArrayOf<S> = S extends { items: infer I } ? FromSchema<I>[] : unknown[];

export type FromSchema<S> = S extends { $ref: `#/components/schemas/${infer N}` }
  ? N extends keyof ComponentSchemas
    ? FromSchema<ComponentSchemas[N]>
    : never
  : S extends { const: infer C }
    ? C
    : S extends { enum: readonly (infer E)[] }
      ? E
      : S extends { oneOf: readonly (infer O)[] }
        ? O extends unknown
          ? FromSchema<O>
          : never
        : S extends { anyOf: readonly (infer O)[] }
          ? O extends unknown
            ? FromSchema<O>
            : never
          : Typed<S>;

/** The type of a named component schema. */
export type Schema<N extends keyof ComponentSchemas> = FromSchema<ComponentSchemas[N]>;

/** True when A and B are assignable both ways (optional vs required and extra properties are told apart). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
