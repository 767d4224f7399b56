export { freePort, relayRange } from '../../examples/backend/ports.js';
