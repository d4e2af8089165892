// The business's live stream (server-sent events): order changes, notices, store import jobs and
// WhatsApp templates' review state, re-broadcast on window.
import type { ImportJob, Notice, Template } from "./types.js";

export interface OrderEvent { order_id: string; order_number: string; status: string; version: number; placed: boolean }

let source: EventSource | null = null;

export function startLive(): void {
  if (source) return;
  source = new EventSource("/api/v1/stream");
  source.addEventListener("order", (event) => relay("sauda-order", (event as MessageEvent).data));
  source.addEventListener("notice", (event) => relay("sauda-notice", (event as MessageEvent).data));
  source.addEventListener("import", (event) => relay("sauda-import", (event as MessageEvent).data));
  source.addEventListener("template", (event) => relay("sauda-template", (event as MessageEvent).data));
}

export function stopLive(): void {
  source?.close();
  source = null;
}

function relay(name: string, data: string): void {
  try {
    window.dispatchEvent(new CustomEvent(name, { detail: JSON.parse(data) as OrderEvent | Notice | ImportJob | Template }));
  } catch {
    // A malformed event is dropped: the next page load shows the truth anyway.
  }
}
