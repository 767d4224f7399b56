import type { ProbeReport } from '../../probes/types.js';

/** `convai-network-check-2026-11-30T20-15-02Z.json`: sortable, no characters a file system refuses. */
export function reportFileName(report: ProbeReport): string {
  const stamp = report.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `convai-network-check-${stamp}.json`;
}

/** The JSON a support team gets: the report exactly as `probe()` returned it. */
export function reportJson(report: ProbeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Copies text with the async Clipboard API; where it is missing or refused (an insecure
 * origin, no permission), falls back to selecting a hidden textarea and `execCommand`.
 * Resolves true when either worked.
 */
export async function copyText(doc: Document, text: string): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator.clipboard;
  if (clipboard?.writeText) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the legacy path
    }
  }
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  doc.body.append(area);
  area.select();
  try {
    return doc.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** Saves the report as a JSON file through a temporary object URL, revoked right after. */
export function downloadJson(doc: Document, report: ProbeReport): void {
  const view = doc.defaultView;
  if (!view) return;
  const url = view.URL.createObjectURL(new view.Blob([reportJson(report)], { type: 'application/json' }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = reportFileName(report);
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // revoke after the click has been handled: some browsers read the URL asynchronously
  view.setTimeout(() => view.URL.revokeObjectURL(url), 1_000);
}
