// Test page for the diagnostics panel: the test mounts a panel through `window.mountPanel`
// (so credentials reach the page through page.evaluate, never through its URL or markup)
// and reads the last report back for comparison with the downloaded file.
import { createDiagnosticsPanel, type DiagnosticsPanelHandle, type DiagnosticsPanelOptions, type ProbeReport } from '../../../src/diagnostics/index.js';

declare global {
  interface Window {
    mountPanel(options: DiagnosticsPanelOptions): void;
    panelReport(): ProbeReport | undefined;
    panelShareUrl(): string | undefined;
  }
}

let handle: DiagnosticsPanelHandle | undefined;
const app = document.body.appendChild(document.createElement('main'));

window.mountPanel = (options) => {
  handle?.destroy();
  handle = createDiagnosticsPanel(app, options);
};
window.panelReport = () => handle?.report;
window.panelShareUrl = () => handle?.shareUrl;
