/** CloudFormation intrinsic functions as plain data, for the template generator. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export const ref = (name: string): Obj => ({ Ref: name });
export const getAtt = (resource: string, attribute: string): Obj => ({ 'Fn::GetAtt': [resource, attribute] });
export const sub = (text: string, vars?: Obj): Obj => ({ 'Fn::Sub': vars ? [text, vars] : text });
export const join = (sep: string, items: Json): Obj => ({ 'Fn::Join': [sep, items] });
export const ifCond = (cond: string, yes: Json, no: Json): Obj => ({ 'Fn::If': [cond, yes, no] });
export const noValue = ref('AWS::NoValue');

/** `obtain-url/{file_name}` → `ObtainUrlFileName`: logical ids from names and paths. */
export const pascal = (s: string) => s.replace(/(^|[-_/{}]+)([a-z0-9])/gi, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');

/** The logical id of a function's Lambda resource (its role, log group… add suffixes). */
export const functionId = (name: string) => `${pascal(name)}Function`;
