/**
 * The diagnostics panel's styles: one plain string injected once per document, like the
 * widget's (`WIDGET_CSS`). Scoped under `.cvd`, themable through `--cvd-*` custom properties;
 * the timeline's colours are the same variables, so a theme recolours the picture too.
 */
export const DIAGNOSTICS_CSS = `
.cvd{--cvd-bg:#fff;--cvd-fg:#1b1f24;--cvd-muted:#5b6570;--cvd-line:#d6dbe1;--cvd-soft:#f2f4f7;--cvd-accent:#2157d6;--cvd-ok:#1a7f37;--cvd-warn:#9a6700;--cvd-err:#c62828;
  --cvd-host:#8a96a3;--cvd-srflx:#2f7de1;--cvd-relay:#1a7f37;--cvd-good-bg:#e3f6e8;--cvd-fair-bg:#fff4d6;--cvd-poor-bg:#ffeadb;--cvd-bad-bg:#fde3e3;
  box-sizing:border-box;display:flex;flex-direction:column;gap:12px;width:100%;max-width:860px;padding:16px;border:1px solid var(--cvd-line);border-radius:12px;
  background:var(--cvd-bg);color:var(--cvd-fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.cvd *,.cvd *::before,.cvd *::after{box-sizing:inherit}
.cvd-head{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
.cvd-title{margin:0;font-size:16px;font-weight:600;flex:1;min-width:12em}
.cvd button,.cvd .cvd-link{font:inherit;cursor:pointer;border-radius:8px;border:1px solid var(--cvd-line);background:var(--cvd-bg);color:var(--cvd-fg);padding:7px 12px;min-height:36px;text-decoration:none;display:inline-flex;align-items:center}
.cvd button:hover:not(:disabled),.cvd .cvd-link:hover{border-color:var(--cvd-accent)}
.cvd button:disabled{opacity:.5;cursor:not-allowed}
.cvd button:focus-visible,.cvd a:focus-visible,.cvd summary:focus-visible{outline:2px solid var(--cvd-accent);outline-offset:2px}
.cvd .cvd-primary{background:var(--cvd-accent);border-color:var(--cvd-accent);color:#fff}
.cvd-status{margin:0;color:var(--cvd-muted)}
.cvd-steps{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:6px}
.cvd-step{display:flex;align-items:center;gap:8px;padding:6px 10px;border:1px solid var(--cvd-line);border-radius:8px;font-size:13px}
.cvd-step::before{content:"";flex:none;width:10px;height:10px;border-radius:50%;background:var(--cvd-line)}
.cvd-step[data-status=running]::before{background:var(--cvd-accent);animation:cvd-pulse 1s ease-in-out infinite alternate}
.cvd-step[data-status=success]::before{background:var(--cvd-ok)}
.cvd-step[data-status=failed]::before,.cvd-step[data-status=aborted]::before{background:var(--cvd-err)}
.cvd-step-state{margin-left:auto;color:var(--cvd-muted);font-size:12px}
@keyframes cvd-pulse{from{opacity:.35}to{opacity:1}}
@media (prefers-reduced-motion:reduce){.cvd-step[data-status=running]::before{animation:none}}
.cvd-verdict{padding:12px 14px;border-radius:10px;border:1px solid var(--cvd-line)}
.cvd-verdict[hidden]{display:none}
.cvd-verdict[data-tone=good]{background:var(--cvd-good-bg);border-color:var(--cvd-ok)}
.cvd-verdict[data-tone=fair]{background:var(--cvd-fair-bg);border-color:var(--cvd-warn)}
.cvd-verdict[data-tone=poor]{background:var(--cvd-poor-bg);border-color:#d9792f}
.cvd-verdict[data-tone=bad]{background:var(--cvd-bad-bg);border-color:var(--cvd-err)}
.cvd-headline{margin:0 0 4px;font-size:16px;font-weight:600}
.cvd-todo{margin:4px 0;padding-left:20px}
.cvd-consequence{margin:4px 0 0}
.cvd-scope{margin:6px 0 0;font-size:13px}
.cvd-codes{margin:6px 0 0;font-size:12px;color:var(--cvd-muted)}
.cvd-section{margin:0;font-size:14px;font-weight:600}
.cvd-figure{margin:0;display:flex;flex-direction:column;gap:6px}
.cvd-tl-box{overflow-x:auto;border:1px solid var(--cvd-line);border-radius:8px;background:var(--cvd-bg)}
.cvd-timeline{display:block;font:11px system-ui,sans-serif}
.cvd-tick{fill:var(--cvd-muted)}
.cvd-grid{stroke:var(--cvd-line);stroke-width:1}
.cvd-lane-label{fill:var(--cvd-fg);font-size:12px}
.cvd-bar{fill:var(--cvd-soft);stroke:var(--cvd-line)}
.cvd-lane.cvd-t-ok .cvd-bar{fill:var(--cvd-good-bg);stroke:var(--cvd-ok)}
.cvd-lane.cvd-t-bad .cvd-bar{fill:var(--cvd-bad-bg);stroke:var(--cvd-err)}
.cvd-lane.cvd-t-busy .cvd-bar{stroke:var(--cvd-accent)}
.cvd-mark circle{stroke:var(--cvd-bg);stroke-width:1.5}
.cvd-mark.cvd-t-host circle{fill:var(--cvd-host)}
.cvd-mark.cvd-t-srflx circle{fill:var(--cvd-srflx)}
.cvd-mark.cvd-t-relay circle{fill:var(--cvd-relay)}
.cvd-mark path{stroke:var(--cvd-err);stroke-width:2.5;stroke-linecap:round}
.cvd-mark rect{fill:var(--cvd-muted)}
.cvd-mark.cvd-t-ok rect{fill:var(--cvd-ok)}
.cvd-mark.cvd-t-bad rect{fill:var(--cvd-err)}
.cvd-legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:0;padding:0;list-style:none;font-size:12px;color:var(--cvd-muted)}
.cvd-legend li{display:flex;align-items:center;gap:5px}
.cvd-key{display:inline-block;width:10px;height:10px;border-radius:50%}
.cvd-table-wrap{overflow-x:auto}
.cvd-table{border-collapse:collapse;width:100%;font-size:13px}
.cvd-table caption{text-align:left;font-weight:600;padding-bottom:4px}
.cvd-table th,.cvd-table td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--cvd-line);vertical-align:top}
.cvd-table td[data-tone=ok]{color:var(--cvd-ok);font-weight:600}
.cvd-table td[data-tone=bad]{color:var(--cvd-err);font-weight:600}
.cvd-table td[data-tone=skip]{color:var(--cvd-warn)}
.cvd-empty{color:var(--cvd-muted)}
.cvd-url{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:break-word}
.cvd-share-row{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.cvd-note{margin:0;font-size:13px;color:var(--cvd-muted);min-height:1.2em}
.cvd details summary{cursor:pointer;color:var(--cvd-muted)}
.cvd-report{margin:6px 0 0;padding:10px;border-radius:8px;background:var(--cvd-soft);font:12px/1.4 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere;max-height:320px;overflow:auto}
@media (max-width:520px){.cvd{padding:12px;border-radius:0;border-left:0;border-right:0}.cvd-table{font-size:12px}}
@media (prefers-color-scheme:dark){.cvd{--cvd-bg:#16191d;--cvd-fg:#e6e9ed;--cvd-muted:#9aa4ae;--cvd-line:#333a42;--cvd-soft:#23282e;--cvd-accent:#5b8cff;
  --cvd-good-bg:#13301d;--cvd-fair-bg:#33290c;--cvd-poor-bg:#3a2412;--cvd-bad-bg:#3b1616;--cvd-ok:#4cc26d;--cvd-err:#ff6b6b;--cvd-relay:#4cc26d}}
`;

export const DIAGNOSTICS_STYLE_ID = 'convai-diagnostics-styles';

/** Adds the styles to `doc` once; later panels (vanilla or React) find them there. */
export function injectDiagnosticsStyles(doc: Document = document): void {
  if (doc.getElementById(DIAGNOSTICS_STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = DIAGNOSTICS_STYLE_ID;
  style.textContent = DIAGNOSTICS_CSS;
  doc.head.appendChild(style);
}
