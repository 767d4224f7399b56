// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { StrictMode, act, createElement as h } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createDiagnosticsPanel, type ProbeReport } from '../../src/diagnostics/index.js';
import { ConvaiDiagnostics } from '../../src/react/convai-diagnostics.js';

/**
 * The panel's DOM in happy-dom, which has no RTCPeerConnection: a real probe run that ends,
 * without any network, in the verdict for a browser without WebRTC.
 */
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const stun = [{ urls: 'stun:127.0.0.1:3478' }];
let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.replaceChildren();
});

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await act(() => new Promise((r) => setTimeout(r, 5)));
  expect(check()).toBe(true);
};

describe('createDiagnosticsPanel (DOM)', () => {
  it('bad options: a ConfigError naming the field, and nothing mounted', () => {
    const host = document.body.appendChild(document.createElement('div'));
    const fieldOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return (e as { field?: string }).field;
      }
      return undefined;
    };
    expect(fieldOf(() => createDiagnosticsPanel(host, { iceServers: [{ urls: 'turn:127.0.0.1:3478' }] }))).toBe('iceServers[0].credential');
    expect(fieldOf(() => createDiagnosticsPanel(host, { iceServers: stun, policy: 'any' as 'all' }))).toBe('policy');
    expect(fieldOf(() => createDiagnosticsPanel(host, { iceServers: stun, deadlineMs: 0 }))).toBe('deadlineMs');
    expect(fieldOf(() => createDiagnosticsPanel(null as unknown as HTMLElement, { iceServers: stun }))).toBe('element');
    expect(host.childElementCount).toBe(0);
  });

  it('runs from the button, shows the verdict with advice, then destroy() removes everything', async () => {
    const host = document.body.appendChild(document.createElement('div'));
    const reports: ProbeReport[] = [];
    const panel = createDiagnosticsPanel(host, { iceServers: stun, onReport: (r) => reports.push(r), shareBaseUrl: 'https://support.example.com/check?token=abc' });
    // no policy in the link: none was set, so whoever opens it gets the same automatic choice
    expect(panel.shareUrl).toBe('https://support.example.com/check?ice=stun%3A127.0.0.1%3A3478&deadline=3000');
    expect(host.querySelector('.cvd-copy')!.hasAttribute('disabled')).toBe(true);
    (host.querySelector('.cvd-run') as HTMLButtonElement).click();
    await until(() => reports.length === 1);
    expect(panel.report).toBe(reports[0]);
    expect(host.querySelector('.cvd-verdict')!.getAttribute('data-verdict')).toBe('websocket');
    expect(host.querySelector('.cvd-headline')!.textContent).toBe('This browser has WebRTC turned off or does not support it.');
    expect(host.querySelector('[role=status]')!.textContent).toMatch(/^Done in/);
    expect(host.querySelector('.cvd-report')!.textContent).toMatch(/^Verdict: websocket/);
    expect(host.querySelector('.cvd-copy')!.hasAttribute('disabled')).toBe(false);
    panel.destroy();
    expect(host.childElementCount).toBe(0);
  });
});

describe('ConvaiDiagnostics (React, StrictMode)', () => {
  it('one panel, one finished check; an inline options object does not rebuild it; a new setting does; unmount removes it', async () => {
    const container = document.body.appendChild(document.createElement('div'));
    const reports: ProbeReport[] = [];
    const render = (deadlineMs: number): void =>
      act(() => root!.render(h(StrictMode, null, h(ConvaiDiagnostics, { iceServers: [{ urls: 'stun:127.0.0.1:3478' }], deadlineMs, autoStart: true, onReport: (r) => reports.push(r) }))));
    root = createRoot(container);
    render(2000);
    await until(() => reports.length >= 1);
    // StrictMode mounted twice; the first panel was destroyed with its check
    expect(container.querySelectorAll('.cvd')).toHaveLength(1);
    expect(reports).toHaveLength(1);
    const first = container.querySelector('.cvd');
    render(2000);
    expect(container.querySelector('.cvd')).toBe(first);
    render(2500);
    expect(container.querySelector('.cvd')).not.toBe(first);
    expect(container.querySelectorAll('.cvd')).toHaveLength(1);
    act(() => root!.unmount());
    root = undefined;
    expect(container.querySelectorAll('.cvd')).toHaveLength(0);
  });
});
