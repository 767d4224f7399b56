// Zero-config connect with fallback: `transport: 'auto'` probes the network, connects
// over WebRTC where it works and loads the WebSocket chunk only where it does not.
// Nothing here imports `convai-transport/websocket`: the bundler must keep Pipecat
// in a lazy chunk (test/integration/bundle-boundary.test.ts builds this page).
import { ConvaiClient, createConvaiWidget } from 'convai-transport/vanilla';
// makes `transport: 'auto'` available (and the WebSocket chunk loadable on demand)
import 'convai-transport/auto';
import { loadPageSetup } from '../shared/page-config.js';

declare global {
  interface Window {
    /** For poking at from the devtools console. */
    convaiClient?: ConvaiClient;
  }
}

const notes = document.getElementById('notes')!;
const container = document.getElementById('widget')!;

function note(text: string, isError = false): void {
  const item = document.createElement('li');
  item.textContent = text;
  if (isError) item.className = 'page-error';
  notes.append(item);
}

try {
  const setup = await loadPageSetup();
  for (const line of setup.notes) note(line);
  const client = new ConvaiClient(setup.config);
  window.convaiClient = client;
  createConvaiWidget(container, { convaiClient: client, title: 'Convai (vanilla)' });
  if (setup.autoConnect) void client.connect().catch(() => undefined); // the widget shows the error
  window.addEventListener('pagehide', () => void client.disconnect());
} catch (error) {
  note(error instanceof Error ? error.message : String(error), true);
}
