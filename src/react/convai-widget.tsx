import { useEffect, useId, useInsertionEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent, type Ref } from 'react';
import type { ConvaiClient } from '../client/convai-client.js';
import { injectWidgetStyles } from '../widget/widget-css.js';
import { attachLevelMeters } from '../widget/level-meter.js';
import { WidgetModel, connectLabel, speakerLabel, statusText } from '../widget/widget-model.js';

export interface ConvaiWidgetProps {
  /** The client to drive, e.g. from `useConvaiClient`. The widget never disconnects it. */
  readonly convaiClient: ConvaiClient;
  /** @default 'Convai' */
  readonly title?: string;
  /** Meter the mic (opens a second capture of it while the mic is on). @default true */
  readonly micMeter?: boolean;
  /** Added to the root element's class. */
  readonly className?: string;
  /** 1.2.0 props accepted for compatibility; this widget has no video, screen share or separate voice mode. */
  readonly showVideo?: boolean;
  readonly showScreenShare?: boolean;
  readonly defaultVoiceMode?: boolean;
}

function Meter({ label, short, barRef }: { label: string; short: string; barRef: Ref<HTMLDivElement> }) {
  return (
    <div className="cvw-meter">
      <span aria-hidden="true">{short}</span>
      <div ref={barRef} className="cvw-bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={0} />
    </div>
  );
}

/**
 * The conversation widget for React: the same markup, styles and behaviour as
 * `createConvaiWidget` (both render a `WidgetModel`), so the two stay in step.
 */
export function ConvaiWidget({ convaiClient, title = 'Convai', micMeter = true, className }: ConvaiWidgetProps) {
  const model = useMemo(() => new WidgetModel(convaiClient), [convaiClient]);
  const s = useSyncExternalStore(model.subscribe, model.getSnapshot, model.getSnapshot);
  const id = useId();
  const [text, setText] = useState('');
  const micBar = useRef<HTMLDivElement>(null);
  const botBar = useRef<HTMLDivElement>(null);
  const log = useRef<HTMLOListElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const nearBottom = useRef(true);

  useInsertionEffect(() => injectWidgetStyles(), []);
  useEffect(() => {
    if (!micBar.current || !botBar.current) return undefined;
    return attachLevelMeters(convaiClient, { mic: micBar.current, bot: botBar.current }, { micMeter });
  }, [convaiClient, micMeter]);
  useLayoutEffect(() => {
    if (log.current && nearBottom.current) log.current.scrollTop = log.current.scrollHeight;
  }, [s.messages]);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    if (!text.trim()) return;
    const sent = text;
    setText('');
    void model.send(sent).then((ok) => {
      if (!ok) setText((current) => current || sent);
    });
    input.current?.focus();
  };
  const idle = !s.state.isConnected && !s.state.isConnecting;

  return (
    <section className={className ? `cvw ${className}` : 'cvw'} aria-labelledby={`${id}-title`} data-state={s.state.agentState}>
      <div className="cvw-head">
        <span className="cvw-dot" aria-hidden="true" />
        <h2 className="cvw-title" id={`${id}-title`}>
          {title}
        </h2>
        <button type="button" className={idle ? 'cvw-connect cvw-primary' : 'cvw-connect'} onClick={() => void model.toggleConnection()}>
          {connectLabel(s.state)}
        </button>
      </div>
      <p className="cvw-status" role="status">
        {statusText(s)}
      </p>
      <p className="cvw-transport">
        <span data-testid="transport">
          {s.transport ? (
            <>
              <strong>{s.transport.name}: </strong>
              {s.transport.reason}
            </>
          ) : s.state.isConnecting ? (
            'Transport: choosing…'
          ) : (
            'Transport: not connected'
          )}
        </span>
        <span className="cvw-more">{s.transport?.moreReasons.length ? `Also: ${s.transport.moreReasons.join('; ')}` : ''}</span>
      </p>
      <div className="cvw-controls">
        <button type="button" className="cvw-mic" aria-pressed={!s.micMuted} onClick={() => void model.toggleMic()}>
          {s.micMuted ? 'Mic off' : 'Mic on'}
        </button>
        <div className="cvw-meters">
          <Meter label="Microphone level" short="You" barRef={micBar} />
          <Meter label="Bot voice level" short="Bot" barRef={botBar} />
        </div>
      </div>
      <ol
        ref={log}
        className="cvw-log"
        role="log"
        aria-label="Conversation"
        aria-busy={s.messages.some((m) => !m.isFinal)}
        data-empty="No messages yet."
        onScroll={(e) => {
          const el = e.currentTarget;
          nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {s.messages.map((m) => (
          <li key={m.id} className="cvw-msg" data-type={m.type} data-final={String(m.isFinal)}>
            <span className="cvw-who">{speakerLabel(m)}</span>
            <span className="cvw-text">{m.content}</span>
          </li>
        ))}
      </ol>
      <form className="cvw-form" onSubmit={onSubmit}>
        <label htmlFor={`${id}-text`} className="cvw-sr">
          Message
        </label>
        <input
          ref={input}
          id={`${id}-text`}
          type="text"
          autoComplete="off"
          placeholder="Type a message"
          value={text}
          disabled={!s.state.isConnected}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="cvw-send" disabled={!s.state.isConnected}>
          Send
        </button>
      </form>
      <p className="cvw-error" role="alert">
        {s.error ?? ''}
      </p>
    </section>
  );
}
