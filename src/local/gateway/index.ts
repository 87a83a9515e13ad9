export { startGateway } from './server.js';
export type { AccessLogEntry, Gateway, GatewayOptions, HttpMethod, ProxyHandler, Route, TokenAuthorizer } from './types.js';
export { GATEWAY_RESPONSES } from './responses.js';
