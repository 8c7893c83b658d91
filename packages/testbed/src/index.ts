// The fake forge and fake Drone live in their own folders (owned separately); the abra double,
// gateway, fixtures and swarm helpers are exported below them.
export * from './drone/index.js';
export * from './fixtures/index.js';
export * from './forge/index.js';
export {
  type Gateway,
  type GatewayOptions,
  hostsOfRule,
  type Route,
  routesOfService,
  startGateway,
} from './gateway.js';
export * from './testing/index.js';
