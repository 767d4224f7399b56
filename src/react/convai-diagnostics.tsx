import { useEffect, useRef } from 'react';
import { createDiagnosticsPanel, type DiagnosticsPanelHandle, type DiagnosticsPanelOptions } from '../diagnostics/create-panel.js';

export interface ConvaiDiagnosticsProps extends DiagnosticsPanelOptions {
  /** Added to the wrapping element's class. */
  readonly className?: string;
  /** Receives the panel's handle (run, cancel, the last report) once mounted, and `undefined` on unmount. */
  readonly onHandle?: (handle: DiagnosticsPanelHandle | undefined) => void;
}

/**
 * The diagnostics panel for React: mounts `createDiagnosticsPanel` in a `div` and destroys it
 * on unmount (StrictMode's extra mount cancels the first check, so one runs). The panel is
 * rebuilt when a setting changes; the settings are compared by value, so an inline
 * `iceServers` array does not restart the check on every render.
 */
export function ConvaiDiagnostics({ className, onHandle, onReport, ...options }: ConvaiDiagnosticsProps) {
  const host = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onHandle, onReport });
  callbacks.current = { onHandle, onReport };
  const key = JSON.stringify(options);
  useEffect(() => {
    if (!host.current) return undefined;
    const handle = createDiagnosticsPanel(host.current, { ...options, onReport: (r) => callbacks.current.onReport?.(r) });
    callbacks.current.onHandle?.(handle);
    return () => {
      handle.destroy();
      callbacks.current.onHandle?.(undefined);
    };
    // `key` stands for `options`, by value
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return <div ref={host} className={className} />;
}
