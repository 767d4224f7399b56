// The React hook and widget. The app renders in StrictMode (development double
// effects included): `useConvaiClient` still connects once.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConvaiWidget, useConvaiClient } from 'convai-transport/react';
import type { ConvaiClient } from 'convai-transport';
// `transport: 'auto'` (the page's default) needs the negotiator entry
import 'convai-transport/auto';
import { loadPageSetup, type PageSetup } from '../shared/page-config.js';

declare global {
  interface Window {
    convaiClient?: ConvaiClient;
  }
}

function App({ setup }: { setup: PageSetup }) {
  const client = useConvaiClient(setup.config, { autoConnect: setup.autoConnect });
  window.convaiClient = client;
  return (
    <>
      <h1>Convai, with React</h1>
      <ul className="notes">
        {setup.notes.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <ConvaiWidget convaiClient={client} title="Convai (React)" />
    </>
  );
}

const root = createRoot(document.getElementById('root')!);
const strict = new URLSearchParams(location.search).get('strict') !== '0';
try {
  const setup = await loadPageSetup();
  root.render(strict ? <StrictMode><App setup={setup} /></StrictMode> : <App setup={setup} />);
} catch (error) {
  root.render(<p className="page-error">{error instanceof Error ? error.message : String(error)}</p>);
}
