export { lambdaContext, type LambdaIdentity } from '../lambda-context.js';

/** Lambda-style names for in-process functions, e.g. 'local-get-obtain-file_name'. */
export const functionNameFor = (method: string, resource: string) =>
  `local-${method.toLowerCase()}-${resource.replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-+|-+$/g, '')}`;
