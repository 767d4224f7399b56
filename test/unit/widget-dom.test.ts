// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { ConvaiClient } from '../../src/client/convai-client.js';
import { createConvaiWidget, destroyConvaiWidget } from '../../src/widget/create-widget.js';
import { WIDGET_STYLE_ID } from '../../src/widget/widget-css.js';
import { FakeSession } from '../support/fake-session.js';

/** The vanilla widget's DOM, driven through a real ConvaiClient over a scripted session. */

let sessions: FakeSession[] = [];
const connectAnswer = { character_session_id: 's1', room_url: 'ws://127.0.0.1:9', token: 't' };

function makeClient(failWith?: Error): ConvaiClient {
  return new ConvaiClient(
    { apiKey: 'k', characterId: 'c', url: 'http://127.0.0.1:9', transport: 'livekit', backendRetries: 0 },
    {
      fetch: async () => new Response(JSON.stringify(connectAnswer), { status: 200, headers: { 'content-type': 'application/json' } }),
      createLiveKitSession: (onMessage, options) => {
        const session = new FakeSession('livekit', onMessage, options.enableMic);
        session.failWith = failWith;
        sessions.push(session);
        return session;
      },
    },
  );
}

function mount(failWith?: Error): { container: HTMLElement; client: ConvaiClient; q: <T extends Element = HTMLElement>(s: string) => T } {
  const container = document.createElement('div');
  document.body.append(container);
  const client = makeClient(failWith);
  createConvaiWidget(container, { convaiClient: client });
  return { container, client, q: <T extends Element>(s: string) => container.querySelector(s) as T };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  sessions = [];
  document.body.replaceChildren();
});

describe('createConvaiWidget', () => {
  it('renders an accessible, disconnected widget and injects its styles once', () => {
    const a = mount();
    mount();
    expect(document.querySelectorAll(`#${WIDGET_STYLE_ID}`)).toHaveLength(1);
    expect(a.q('.cvw-connect').textContent).toBe('Connect');
    expect(a.q('[role=status]').textContent).toBe('Disconnected');
    expect(a.q('[data-testid=transport]').textContent).toBe('Transport: not connected');
    expect(a.q('[role=log]').getAttribute('aria-label')).toBe('Conversation');
    expect(a.container.querySelectorAll('[role=meter]')).toHaveLength(2);
    const input = a.q<HTMLInputElement>('input');
    expect(input.disabled).toBe(true);
    expect(a.q(`label[for="${input.id}"]`).textContent).toBe('Message');
    expect(a.q('.cvw-mic').getAttribute('aria-pressed')).toBe('true');
  });

  it('connects from the button, shows the transport and why, sends text and shows the streamed reply', async () => {
    const { q, client } = mount();
    q<HTMLButtonElement>('.cvw-connect').click();
    await expect.poll(() => client.state.isConnected).toBe(true);
    expect(q('[data-testid=transport]').textContent).toBe('WebRTC: chosen by the app');
    expect(q('.cvw-connect').textContent).toBe('Disconnect');
    expect(q('[role=status]').textContent).toBe('Connected');

    const input = q<HTMLInputElement>('input');
    expect(input.disabled).toBe(false);
    input.value = '  hi there ';
    q<HTMLFormElement>('form').dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }));
    await flush();
    expect(sessions[0]!.sent.map((m) => JSON.parse(m))).toEqual([{ type: 'user_text_message', data: { text: 'hi there' } }]);
    expect(input.value).toBe('');

    const session = sessions[0]!;
    session.deliver({ type: 'bot-llm-started', data: {} });
    session.deliver({ type: 'bot-llm-text', data: { text: 'You said: ' } });
    const log = q('[role=log]');
    expect(log.getAttribute('aria-busy')).toBe('true');
    expect(q('.cvw-msg[data-type=bot-llm-text]').getAttribute('data-final')).toBe('false');
    session.deliver({ type: 'bot-llm-text', data: { text: '<img src=x onerror=alert(1)>' } });
    session.deliver({ type: 'bot-llm-stopped', data: {} });
    const items = [...log.querySelectorAll('.cvw-msg')].map((li) => [li.getAttribute('data-type'), li.querySelector('.cvw-text')!.textContent]);
    expect(items).toEqual([
      ['user', 'hi there'],
      ['bot-llm-text', 'You said: <img src=x onerror=alert(1)>'],
    ]);
    // bot text is text, never markup
    expect(log.querySelector('img')).toBeNull();
    expect(log.getAttribute('aria-busy')).toBe('false');
  });

  it('toggles the mic on the session and in the UI', async () => {
    const { q, client } = mount();
    q<HTMLButtonElement>('.cvw-connect').click();
    await expect.poll(() => client.state.isConnected).toBe(true);
    q<HTMLButtonElement>('.cvw-mic').click();
    await flush();
    expect(sessions[0]!.micEnabled).toBe(false);
    expect(q('.cvw-mic').getAttribute('aria-pressed')).toBe('false');
    expect(q('[role=status]').textContent).toBe('Connected (mic off)');
  });

  it('shows a failed connect in the alert region', async () => {
    const { q } = mount(new Error('room refused'));
    q<HTMLButtonElement>('.cvw-connect').click();
    await expect.poll(() => q('[role=alert]').textContent).toMatch(/room refused/);
    expect(q('.cvw-connect').textContent).toBe('Connect');
  });

  it('destroy removes the widget and leaves the client alone; remounting replaces', async () => {
    const { container, client } = mount();
    createConvaiWidget(container, { convaiClient: client });
    expect(container.querySelectorAll('.cvw')).toHaveLength(1);
    destroyConvaiWidget(container);
    expect(container.children).toHaveLength(0);
    await client.connect();
    expect(client.state.isConnected).toBe(true);
    const handle = createConvaiWidget(container, { convaiClient: client });
    // a widget mounted on a connected client shows it as connected
    expect(container.querySelector('[data-testid=transport]')!.textContent).toBe('WebRTC: chosen by the app');
    handle.destroy();
    handle.destroy();
    expect(container.children).toHaveLength(0);
  });

  it('names the bad argument', () => {
    expect(() => createConvaiWidget(null as unknown as HTMLElement, { convaiClient: makeClient() })).toThrow(
      expect.objectContaining({ name: 'ConfigError', field: 'container' }),
    );
    expect(() => createConvaiWidget(document.createElement('div'), {} as never)).toThrow(
      expect.objectContaining({ field: 'convaiClient' }),
    );
  });
});
