/**
 * `convai-transport/widget`: a ready-made conversation widget without React, and the
 * pieces the React widget shares with it (reason texts, styles, the widget model).
 * Imports neither React nor Pipecat.
 */
export { createConvaiWidget, destroyConvaiWidget } from './create-widget.js';
export type { ConvaiWidgetOptions, ConvaiWidgetHandle } from './create-widget.js';
export {
  REASON_LABELS,
  TRANSPORT_NAMES,
  describeProgress,
  describeTransport,
  reasonLabel,
} from './transport-text.js';
export type { TransportDescription } from './transport-text.js';
export { WIDGET_CSS, WIDGET_STYLE_ID, injectWidgetStyles } from './widget-css.js';
export { WidgetModel, connectLabel, speakerLabel, statusText } from './widget-model.js';
export type { WidgetActions, WidgetSnapshot } from './widget-model.js';
export { attachLevelMeters } from './level-meter.js';
export type { LevelMeterOptions, LevelMeterTargets } from './level-meter.js';
