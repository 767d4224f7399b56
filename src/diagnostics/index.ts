/**
 * `convai-transport/diagnostics`: the network check as an embeddable panel, for apps and
 * support pages. Imports the probe only: neither livekit-client nor Pipecat.
 */
export { createDiagnosticsPanel } from './create-panel.js';
export type { DiagnosticsPanelHandle, DiagnosticsPanelOptions } from './create-panel.js';
export { adviseOnReport, adviceText } from '../../probes/advice.js';
export type { VerdictAdvice } from '../../probes/advice.js';
export { buildShareLink, readShareLink, iceUrlsOf } from './share-link.js';
export type { SharedSettings } from './share-link.js';
export { reportFileName, reportJson } from './report-export.js';
export { timelineFromReport } from './timeline-model.js';
export type { TimelineLane, TimelineMark, TimelineModel, TimelineTone } from './timeline-model.js';
export { renderTimeline } from './timeline-svg.js';
export { DIAGNOSTICS_CSS, DIAGNOSTICS_STYLE_ID, injectDiagnosticsStyles } from './panel-css.js';
export { formatReport } from '../../probes/format-report.js';
export type { ProbeReport, ProbeVerdict, ProbeReasonCode } from '../../probes/types.js';
