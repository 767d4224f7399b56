export { probe } from './probe.js';
export { formatReport, REASON_TEXT } from './format-report.js';
export { decideVerdict, bestClass, type PathClass, type VerdictInput } from './verdict.js';
export { resolveProbeOptions, type ResolvedProbeOptions, type ProbeTarget } from './validate.js';
export { parseIceUrl, type ParsedIceUrl } from './ice-url.js';
export { PROBE_DEFAULTS } from './types.js';
export type {
  CandidateInfo,
  CandidateType,
  CapabilityData,
  CheckName,
  CheckResult,
  CheckStatus,
  ConnectivityData,
  GatheringData,
  ProbeOptions,
  ProbeProgressEvent,
  ProbeReasonCode,
  ProbeReport,
  ProbeVerdict,
  ServerOutcome,
  ServerResult,
  ServerTransport,
  WebSocketData,
} from './types.js';
export { formatMarkdown } from './format-markdown.js';
export { adviseOnReport, adviceText, type VerdictAdvice } from './advice.js';
