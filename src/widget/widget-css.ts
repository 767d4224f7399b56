/**
 * The widgets' styles, shared by the vanilla and the React widget. A plain string
 * injected once per document: no CSS-in-JS runtime, nothing for the app to bundle
 * or configure. Everything is scoped under `.cvw` and themable through the
 * `--cvw-*` custom properties.
 */
export const WIDGET_CSS = `
.cvw{--cvw-bg:#fff;--cvw-fg:#1b1f24;--cvw-muted:#5b6570;--cvw-line:#d6dbe1;--cvw-accent:#2157d6;--cvw-user:#e8efff;--cvw-bot:#f2f4f7;--cvw-ok:#1a7f37;--cvw-warn:#9a6700;--cvw-err:#c62828;
  box-sizing:border-box;display:flex;flex-direction:column;gap:10px;width:100%;max-width:440px;padding:14px;border:1px solid var(--cvw-line);border-radius:12px;
  background:var(--cvw-bg);color:var(--cvw-fg);font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.cvw *,.cvw *::before,.cvw *::after{box-sizing:inherit}
.cvw-head{display:flex;align-items:center;gap:8px}
.cvw-title{margin:0;font-size:15px;font-weight:600;flex:1}
.cvw-dot{width:10px;height:10px;border-radius:50%;background:var(--cvw-muted);flex:none}
.cvw[data-state=connecting] .cvw-dot{background:var(--cvw-warn)}
.cvw[data-state=listening] .cvw-dot,.cvw[data-state=thinking] .cvw-dot,.cvw[data-state=speaking] .cvw-dot{background:var(--cvw-ok)}
.cvw button{font:inherit;cursor:pointer;border-radius:8px;border:1px solid var(--cvw-line);background:var(--cvw-bg);color:var(--cvw-fg);padding:6px 12px}
.cvw button:hover:not(:disabled){border-color:var(--cvw-accent)}
.cvw button:disabled{opacity:.5;cursor:not-allowed}
.cvw button:focus-visible,.cvw input:focus-visible{outline:2px solid var(--cvw-accent);outline-offset:2px}
.cvw .cvw-primary{background:var(--cvw-accent);border-color:var(--cvw-accent);color:#fff}
.cvw-status{margin:0;color:var(--cvw-muted)}
.cvw-transport{margin:0;font-size:13px}
.cvw-transport strong{font-weight:600}
.cvw-more{display:block;color:var(--cvw-muted);font-size:12px}
.cvw-more:empty{display:none}
.cvw-controls{display:flex;align-items:center;gap:10px}
.cvw-meters{display:flex;flex-direction:column;gap:4px;flex:1}
.cvw-meter{display:flex;align-items:center;gap:6px;font-size:12px;color:var(--cvw-muted)}
.cvw-meter>span{width:28px}
.cvw-bar{--cvw-level:0;position:relative;flex:1;height:6px;border-radius:3px;background:var(--cvw-bot);overflow:hidden}
.cvw-bar::after{content:"";position:absolute;inset:0;background:var(--cvw-ok);transform-origin:left;transform:scaleX(var(--cvw-level));transition:transform 60ms linear}
.cvw-mic[aria-pressed=false]{color:var(--cvw-muted);text-decoration:line-through}
.cvw-log{list-style:none;margin:0;padding:8px;display:flex;flex-direction:column;gap:6px;min-height:120px;max-height:280px;overflow-y:auto;border:1px solid var(--cvw-line);border-radius:8px}
.cvw-log:empty::before{content:attr(data-empty);color:var(--cvw-muted);font-size:13px}
.cvw-msg{max-width:85%;padding:6px 10px;border-radius:10px;background:var(--cvw-bot);white-space:pre-wrap;overflow-wrap:anywhere}
.cvw-msg[data-type=user],.cvw-msg[data-type=user-transcription]{align-self:flex-end;background:var(--cvw-user)}
.cvw-msg[data-final=false]::after{content:"\\2026";color:var(--cvw-muted)}
.cvw-who{display:block;font-size:11px;font-weight:600;color:var(--cvw-muted)}
.cvw-form{display:flex;gap:8px}
.cvw-form input{flex:1;min-width:0;font:inherit;padding:6px 10px;border:1px solid var(--cvw-line);border-radius:8px;background:var(--cvw-bg);color:var(--cvw-fg)}
.cvw-error{margin:0;color:var(--cvw-err);font-size:13px}
.cvw-error:empty{display:none}
.cvw-sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
@media (prefers-color-scheme:dark){.cvw{--cvw-bg:#16191d;--cvw-fg:#e6e9ed;--cvw-muted:#9aa4ae;--cvw-line:#333a42;--cvw-user:#1f3160;--cvw-bot:#23282e;--cvw-accent:#5b8cff}}
`;

export const WIDGET_STYLE_ID = 'convai-widget-styles';

/** Adds the styles to `doc` once; later calls (any widget, any framework) find them there. */
export function injectWidgetStyles(doc: Document = document): void {
  if (doc.getElementById(WIDGET_STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = WIDGET_STYLE_ID;
  style.textContent = WIDGET_CSS;
  doc.head.appendChild(style);
}
