// The launcher lives with the local backend (the demo starts coturn too).
export { startCoturn, type Coturn, type CoturnOptions } from '../../examples/backend/coturn.js';
