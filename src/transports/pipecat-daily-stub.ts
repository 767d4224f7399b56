/**
 * Stands in for `@daily-co/daily-js` in the WebSocket chunk (tsup aliases it here).
 * Pipecat's WebSocketTransport imports it only for DailyMediaManager, which we never
 * construct (we always pass our own media manager); daily-js is ~69 KB gzip of the
 * ~120 KB chunk and cannot be tree-shaken, so the alias is where it goes away (docs/ARCHITECTURE.md, "The lazy boundary").
 */
function unavailable(): never {
  throw new Error('convai-transport: @daily-co/daily-js is not bundled; DailyMediaManager cannot be used.');
}

const Daily = { getCallInstance: unavailable, createCallObject: unavailable };
export default Daily;
