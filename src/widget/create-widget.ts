import type { ConvaiClient } from '../client/convai-client.js';
import type { ChatMessage } from '../client/chat-log.js';
import { attachWidgetCallbacks, resolveWidgetClient, type ConvaiWidgetOptions } from './widget-options.js';
import { ConfigError } from '../errors/config-error.js';
import { injectWidgetStyles } from './widget-css.js';
import { attachLevelMeters } from './level-meter.js';
import { WidgetModel, connectLabel, speakerLabel, statusText, type WidgetSnapshot } from './widget-model.js';

export type { ConvaiWidgetOptions } from './widget-options.js';

/** What `createConvaiWidget` returns (the Convai Web SDK 1.2.0's `VanillaWidget`). */
export interface ConvaiWidgetHandle {
  /** The widget's root element (inside the container). */
  readonly element: HTMLElement;
  /** The client the widget drives: the one given, or the one it made from `apiKey`/`characterId`. */
  readonly client: ConvaiClient;
  /**
   * Removes the widget, its listeners and meters. A client that was given stays as it
   * is; a client the widget made is disconnected.
   */
  destroy(): void;
}

const mounted = new WeakMap<Element, ConvaiWidgetHandle>();
let instances = 0;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function meter(label: string, short: string): { row: HTMLElement; bar: HTMLElement } {
  const row = el('div', { class: 'cvw-meter' });
  const bar = el('div', { class: 'cvw-bar', role: 'meter', 'aria-label': label, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' });
  row.append(el('span', { 'aria-hidden': 'true' }, short), bar);
  return { row, bar };
}

/**
 * The widget without React: connect button, the transport in use and why, state,
 * mic toggle with level meters, the conversation, a text box. Text is only ever set
 * with `textContent` (bot text is untrusted). Mount once per container; mounting
 * again replaces the previous widget.
 * @example
 * const widget = createConvaiWidget(document.getElementById('chat')!, { convaiClient: client });
 * // later: widget.destroy(), destroyConvaiWidget(widget) or destroyConvaiWidget(container)
 */
export function createConvaiWidget(container: HTMLElement, options: ConvaiWidgetOptions): ConvaiWidgetHandle {
  if (!container || typeof container.appendChild !== 'function') {
    throw new ConfigError('container', 'Expected `container` to be a DOM element.');
  }
  const { client, owned } = resolveWidgetClient(options);
  mounted.get(container)?.destroy();
  injectWidgetStyles(container.ownerDocument);
  const id = `cvw-${++instances}`;
  const model = new WidgetModel(client);

  const root = el('section', { class: 'cvw', 'aria-labelledby': `${id}-title`, 'data-state': 'disconnected' });
  const title = el('h2', { class: 'cvw-title', id: `${id}-title` }, options.title ?? 'Convai');
  const dot = el('span', { class: 'cvw-dot', 'aria-hidden': 'true' });
  const connect = el('button', { type: 'button', class: 'cvw-connect cvw-primary' }, 'Connect');
  const status = el('p', { class: 'cvw-status', role: 'status' });
  const transportLine = el('p', { class: 'cvw-transport' });
  const transport = el('span', { 'data-testid': 'transport' });
  const moreReasons = el('span', { class: 'cvw-more' });
  transportLine.append(transport, moreReasons);
  const mic = el('button', { type: 'button', class: 'cvw-mic', 'aria-pressed': 'true' }, 'Mic on');
  const micMeter = meter('Microphone level', 'You');
  const botMeter = meter('Bot voice level', 'Bot');
  const meters = el('div', { class: 'cvw-meters' });
  meters.append(micMeter.row, botMeter.row);
  const controls = el('div', { class: 'cvw-controls' });
  controls.append(mic, meters);
  const log = el('ol', { class: 'cvw-log', role: 'log', 'aria-label': 'Conversation', 'data-empty': 'No messages yet.' });
  const form = el('form', { class: 'cvw-form' });
  const input = el('input', { id: `${id}-text`, type: 'text', autocomplete: 'off', placeholder: 'Type a message' });
  const send = el('button', { type: 'submit', class: 'cvw-send' }, 'Send');
  form.append(el('label', { for: `${id}-text`, class: 'cvw-sr' }, 'Message'), input, send);
  const error = el('p', { class: 'cvw-error', role: 'alert' });
  const head = el('div', { class: 'cvw-head' });
  head.append(dot, title, connect);
  root.append(head, status, transportLine, controls, log, form, error);

  const items = new Map<string, HTMLLIElement>();
  const renderMessages = (messages: readonly ChatMessage[]): void => {
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const keep = new Set<string>();
    for (const message of messages) {
      keep.add(message.id);
      let item = items.get(message.id);
      if (!item) {
        item = el('li', { class: 'cvw-msg', 'data-type': message.type });
        item.append(el('span', { class: 'cvw-who' }, speakerLabel(message)), el('span', { class: 'cvw-text' }));
        items.set(message.id, item);
        log.append(item);
      }
      const text = item.lastElementChild as HTMLElement;
      if (text.textContent !== message.content) text.textContent = message.content;
      item.setAttribute('data-final', String(message.isFinal));
    }
    for (const [key, item] of items) {
      if (!keep.has(key)) {
        item.remove();
        items.delete(key);
      }
    }
    // a streaming reply is announced once it is complete, not word by word
    log.setAttribute('aria-busy', String(messages.some((m) => !m.isFinal)));
    if (nearBottom) log.scrollTop = log.scrollHeight;
  };

  let last: WidgetSnapshot | undefined;
  const render = (): void => {
    const s = model.getSnapshot();
    if (s === last) return;
    root.setAttribute('data-state', s.state.agentState);
    connect.textContent = connectLabel(s.state);
    connect.classList.toggle('cvw-primary', !s.state.isConnected && !s.state.isConnecting);
    status.textContent = statusText(s);
    transport.replaceChildren();
    if (s.transport) {
      transport.append(el('strong', {}, `${s.transport.name}: `), s.transport.reason);
      moreReasons.textContent = s.transport.moreReasons.length ? `Also: ${s.transport.moreReasons.join('; ')}` : '';
    } else {
      moreReasons.textContent = '';
      transport.textContent = s.state.isConnecting ? 'Transport: choosing…' : 'Transport: not connected';
    }
    mic.setAttribute('aria-pressed', String(!s.micMuted));
    mic.textContent = s.micMuted ? 'Mic off' : 'Mic on';
    input.disabled = !s.state.isConnected;
    send.disabled = !s.state.isConnected;
    error.textContent = s.error ?? '';
    if (!last || last.messages !== s.messages) renderMessages(s.messages);
    last = s;
  };

  const onConnect = (): void => void model.toggleConnection();
  const onMic = (): void => void model.toggleMic();
  const onSubmit = (event: Event): void => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    void model.send(text).then((sent) => {
      if (!sent && !input.value) input.value = text;
    });
    input.focus();
  };
  connect.addEventListener('click', onConnect);
  mic.addEventListener('click', onMic);
  form.addEventListener('submit', onSubmit);
  const unsubscribe = model.subscribe(render);
  const detachCallbacks = attachWidgetCallbacks(client, options);
  const stopMeters = attachLevelMeters(client, { mic: micMeter.bar, bot: botMeter.bar }, {
    ...(options.micMeter !== undefined ? { micMeter: options.micMeter } : {}),
  });
  render();
  container.append(root);

  const handle: ConvaiWidgetHandle = {
    element: root,
    client,
    destroy: () => {
      if (mounted.get(container) !== handle) return;
      mounted.delete(container);
      unsubscribe();
      detachCallbacks();
      if (owned) void client.disconnect();
      stopMeters();
      connect.removeEventListener('click', onConnect);
      mic.removeEventListener('click', onMic);
      form.removeEventListener('submit', onSubmit);
      root.remove();
    },
  };
  mounted.set(container, handle);
  return handle;
}

/**
 * Removes a widget: given the handle `createConvaiWidget` returned (as in the Convai
 * Web SDK 1.2.0), or the container it was mounted in. Anything else is ignored.
 */
export function destroyConvaiWidget(widget: ConvaiWidgetHandle | HTMLElement): void {
  if (widget && typeof (widget as ConvaiWidgetHandle).destroy === 'function' && 'element' in widget) {
    (widget as ConvaiWidgetHandle).destroy();
    return;
  }
  if (widget && typeof widget === 'object') mounted.get(widget as HTMLElement)?.destroy();
}
