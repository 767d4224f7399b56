// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { StrictMode, act, createElement as h, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { useConvaiClient } from '../../src/react/use-convai-client.js';
import { ConvaiWidget } from '../../src/react/convai-widget.js';
import type { ConvaiClient, ClientInternals } from '../../src/client/convai-client.js';
import { FakeSession } from '../support/fake-session.js';

/**
 * The hook under React 19's StrictMode (vitest runs React's development build, so
 * every effect really mounts, unmounts and mounts again), with a scripted session.
 */

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let fetches = 0;
let sessions: FakeSession[] = [];
const internals: ClientInternals = {
  fetch: async () => {
    fetches += 1;
    return new Response(JSON.stringify({ character_session_id: 's', room_url: 'ws://127.0.0.1:9', token: 't' }), { status: 200 });
  },
  createLiveKitSession: (onMessage, options) => {
    const session = new FakeSession('livekit', onMessage, options.enableMic);
    sessions.push(session);
    return session;
  },
};
const config = { apiKey: 'k', characterId: 'c', url: 'http://127.0.0.1:9', transport: 'livekit' as const };

let root: Root | undefined;
let seen: ConvaiClient[] = [];
let renders = 0;

function App({ autoConnect, widget = false }: { autoConnect: boolean; widget?: boolean }) {
  const client = useConvaiClient(config, { autoConnect }, internals);
  renders += 1;
  if (!seen.includes(client)) seen.push(client);
  return widget ? h(ConvaiWidget, { convaiClient: client, micMeter: false }) : h('p', null, client.state.agentState);
}

async function render(node: ReactNode): Promise<HTMLElement> {
  const container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root!.render(node));
  return container;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
  fetches = 0;
  sessions = [];
  seen = [];
  renders = 0;
  document.body.replaceChildren();
});

describe('useConvaiClient', () => {
  it('StrictMode + autoConnect: one backend call, one session, and the state re-renders', async () => {
    const container = await render(h(StrictMode, null, h(App, { autoConnect: true })));
    await act(async () => {
      await seen[0]!.connect();
      await tick();
    });
    expect(fetches).toBe(1);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.disconnects).toBe(0);
    expect(seen[0]!.state.isConnected).toBe(true);
    expect(container.textContent).toBe('connected');
  });

  it('disconnects on a real unmount (after the StrictMode remount window)', async () => {
    await render(h(StrictMode, null, h(App, { autoConnect: true })));
    const client = seen[0]!;
    await act(async () => {
      await client.connect();
    });
    await act(async () => root!.unmount());
    root = undefined;
    await expect.poll(() => client.state.isConnected).toBe(false);
    expect(sessions[0]!.disconnects).toBe(1);
  });

  it('without autoConnect nothing connects, and the widget renders the client', async () => {
    const container = await render(h(App, { autoConnect: false, widget: true }));
    await act(tick);
    expect(fetches).toBe(0);
    expect(container.querySelector('.cvw-connect')!.textContent).toBe('Connect');
    expect(container.querySelector('[data-testid=transport]')!.textContent).toBe('Transport: not connected');
    expect(renders).toBeGreaterThan(0);
  });
});
