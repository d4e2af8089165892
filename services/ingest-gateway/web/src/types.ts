// The API's bodies as the dashboard reads them (libs/contracts is the source of truth).

export const STATUSES = ["pending", "confirmed", "shipped", "delivered", "cancelled", "returned"] as const;
export type Status = (typeof STATUSES)[number];

export interface LineItem { name: string; qty?: number; quantity?: number; price: number | string; sku?: string | null }
export interface Customer { name?: string | null; phone?: string | null; email?: string | null; address?: string | null; language?: string | null }
export interface HistoryEntry { version: number; status: Status; event?: string | null; at: string; actor: string; reason?: string | null }
export interface Notice {
  notice_id: string; kind: string; message: string; order_id?: string | null; order_number?: string | null;
  customer_phone?: string | null; details?: Record<string, string>; created_at: string;
}
export interface DeliveryAddress {
  address1: string; address2?: string | null; city?: string | null; province?: string | null;
  zip?: string | null; country?: string | null; country_code?: string | null; name?: string | null;
}
export interface Order {
  order_id: string; order_number: string; status: Status; source: string; customer: Customer;
  items: LineItem[]; total: number | string; currency: string; external_order_id?: string | null;
  platform?: string | null; payment?: { status: string; method?: string | null } | null;
  fulfillment?: { courier?: string | null; tracking_code?: string | null; tracking_url?: string | null; tracking_number?: string | null } | null;
  version: number; created_at: string; updated_at: string; history?: HistoryEntry[] | null;
  notices?: Notice[] | null; next_statuses?: Status[]; needs_review?: boolean;
  delivery_address?: DeliveryAddress | null;
}
export interface OrderPage { orders: Order[]; total: number; next_cursor?: string | null }
export interface Counts { counts: Record<Status, number>; total: number }
export interface Message {
  message_id: string; direction: "outbound" | "inbound"; purpose?: string | null; kind: string;
  template?: string | null; text: string; status?: string | null; created_at: string;
  error?: { message?: string } | null; scheduled_for?: string | null;
}
export interface NoticePage { notices: Notice[]; total: number; unread?: number | null }
export interface AnalyticsDay {
  date: string; orders: Record<string, number>; total: number;
  confirmed: number; cancelled: number; delivered: number; returned: number;
}
export interface AnalyticsSummary {
  orders: number; cod_orders: number; cod_confirmed: number; cod_confirmation_rate: number | null;
  cancelled: number; cancel_rate: number | null; answered: number; median_minutes_to_answer: number | null;
  answered_after_reminder: number; answered_after_reminder_share: number | null; shipped: number;
  delivered: number; delivered_rate: number | null; returned: number; returned_rate: number | null;
}
export interface Analytics { from_date: string; to_date: string; time_zone: string; days: AnalyticsDay[]; summary: AnalyticsSummary }
export interface SkippedItem { url: string; reason: string }
export interface ImportJob {
  import_id: string; status: "running" | "done" | "failed" | "interrupted"; url: string; source: string | null;
  pages_total: number | null; pages_done: number; created: number; updated: number; unchanged: number;
  skipped: SkippedItem[]; error: { code: string; message: string } | null; started_at: string; finished_at: string | null;
}
export interface ImportJobList { imports: ImportJob[] }
export interface Template {
  waba_id: string; name: string; language: string; status: string; category: string | null; template_id: string | null;
  rejected_reason: string | null; removed: boolean; revision: number; updated_at: string;
}
export interface TemplateList { templates: Template[]; total: number; limit: number; offset: number }
