// <sauda-orders>: status tabs with counts, search, a date range, keyset "Load more", live new orders.
import { html, css, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { get, query } from "../api.js";
import { Base, errorBox } from "../base.js";
import { money, t, when, word } from "../i18n.js";
import type { OrderEvent } from "../live.js";
import { href } from "../router.js";
import { STATUSES, type Counts, type Order, type OrderPage, type Status } from "../types.js";

const PAGE = 25;

@customElement("sauda-orders")
export class OrdersPage extends Base {
  // Sized by its own width, not the window's: the orders widget may sit in a narrow admin column.
  static styles = [Base.styles, css`
    :host { container-type: inline-size; }
    .tabs { display: flex; gap: 0.25rem; overflow-x: auto; border-bottom: 1px solid var(--line, #dde1e8); margin-bottom: 0.75rem; scrollbar-width: thin; }
    .tabs button { border: none; border-bottom: 3px solid transparent; border-radius: 0; background: none; white-space: nowrap; }
    .tabs button[aria-selected="true"] { border-bottom-color: var(--brand, #0b6e4f); color: var(--brand, #0b6e4f); font-weight: 600; }
    .tab-count { color: var(--muted, #5b6475); font-size: 0.85rem; }
    .filters { margin-bottom: 0.75rem; }
    .filters label:first-child { flex: 1 1 14rem; }
    .filters input[type="search"] { width: 100%; }
    ul.orders { list-style: none; padding: 0; margin: 0; background: var(--card, #fff); border: 1px solid var(--line, #dde1e8); border-radius: 10px; }
    ul.orders li + li { border-top: 1px solid var(--line, #dde1e8); }
    ul.orders a { display: grid; grid-template-columns: 8rem 1fr 9rem 8rem 7rem; gap: 0.5rem; align-items: center; padding: 0.75rem 1rem; text-decoration: none; color: inherit; }
    ul.orders a:hover { background: #f8faf9; }
    .number { font-weight: 600; }
    .total { text-align: end; font-variant-numeric: tabular-nums; }
    .more { display: flex; justify-content: center; margin: 1rem 0; }
    @container (max-width: 720px) {
      ul.orders a { grid-template-columns: 1fr auto; grid-template-areas: "number total" "who status" "when when"; }
      .number { grid-area: number; } .total { grid-area: total; } .who { grid-area: who; }
      .status { grid-area: status; justify-self: end; } .when { grid-area: when; }
    }
  `];

  @state() accessor status: Status | "" = "pending";
  @state() accessor q = "";
  @state() accessor from = "";
  @state() accessor to = "";
  @state() accessor orders: Order[] = [];
  @state() accessor counts: Counts | null = null;
  @state() accessor next: string | null = null;
  @state() accessor total = 0;
  @state() accessor error: unknown = null;
  @state() accessor loading = false;
  @state() accessor announcement = "";
  private searchTimer = 0;

  constructor() {
    super();
    this.listen("sauda-order", (event) => {
      const change = (event as CustomEvent<OrderEvent>).detail;
      if (change.placed) this.announcement = t("newOrderLive", { number: change.order_number });
      void this.reload();
    });
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  private filters() {
    return { q: this.q.trim(), created_from: this.from, created_to: this.to };
  }

  private async reload(): Promise<void> {
    this.error = null;
    this.loading = true;
    try {
      const [page, counts] = await Promise.all([
        get<OrderPage>(`/api/v1/orders${query({ ...this.filters(), status: this.status, limit: PAGE })}`),
        // The tabs still work without their counts.
        get<Counts>(`/api/v1/orders/counts${query(this.filters())}`).catch(() => null),
      ]);
      this.orders = page.orders;
      this.total = page.total;
      this.next = page.next_cursor ?? null;
      this.counts = counts;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  private async more(): Promise<void> {
    if (!this.next) return;
    this.loading = true;
    try {
      const page = await get<OrderPage>(`/api/v1/orders${query({ ...this.filters(), status: this.status, limit: PAGE, cursor: this.next })}`);
      this.orders = [...this.orders, ...page.orders];
      this.next = page.next_cursor ?? null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  private pick(status: Status | ""): void {
    this.status = status;
    void this.reload();
  }

  private typed(event: Event): void {
    this.q = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(() => void this.reload(), 300);
  }

  private dated(which: "from" | "to", event: Event): void {
    this[which] = (event.target as HTMLInputElement).value;
    void this.reload();
  }

  private tab(status: Status | "", label: string, count: number | undefined) {
    return html`<button role="tab" aria-selected=${this.status === status ? "true" : "false"}
      data-testid="tab-${status || "all"}" data-count=${count ?? nothing} @click=${() => this.pick(status)}>
      ${label} <span class="tab-count" data-testid="tab-count-${status || "all"}">${count ?? ""}</span></button>`;
  }

  render() {
    return html`
      <h1>${t("orders")}</h1>
      <div class="sr-only" aria-live="polite" data-testid="live-announcement">${this.announcement}</div>
      <div class="tabs" role="tablist" aria-label=${t("orders")}>
        ${STATUSES.map((s) => this.tab(s, t(s), this.counts?.counts[s]))}
        ${this.tab("", t("all"), this.counts?.total)}
      </div>
      <div class="row filters">
        <label>${t("search")}<input type="search" .value=${this.q} placeholder=${t("searchHint")} data-testid="search" @input=${this.typed}></label>
        <label>${t("from")}<input type="date" .value=${this.from} data-testid="date-from" @change=${(e: Event) => this.dated("from", e)}></label>
        <label>${t("to")}<input type="date" .value=${this.to} data-testid="date-to" @change=${(e: Event) => this.dated("to", e)}></label>
      </div>
      ${errorBox(this.error)}
      ${this.orders.length === 0 && !this.loading
        ? html`<p class="card muted" data-testid="no-orders">${t("noOrders")}</p>`
        : html`<ul class="orders" data-testid="order-list">${this.orders.map((order) => this.row(order))}</ul>`}
      ${this.next ? html`<div class="more"><button data-testid="load-more" ?disabled=${this.loading} @click=${this.more}>${t("loadMore")}</button></div>` : nothing}
    `;
  }

  private row(order: Order) {
    return html`<li data-testid="order-row" data-order-id=${order.order_id} data-status=${order.status}>
      <a href=${href(`/orders/${order.order_id}`)}>
        <span class="number" data-testid="order-number">${order.order_number}</span>
        <span class="who">${order.customer.name ?? ""} <span class="muted">${order.customer.phone ? `+${order.customer.phone}` : ""}</span></span>
        <span class="when muted">${when(order.created_at)}</span>
        <span class="status"><span class="badge ${order.status}" data-testid="order-status">${t(order.status)}</span>${order.needs_review ? html` <span class="badge review" data-testid="needs-review">${t("needsReview")}</span>` : nothing}
          <span class="source badge ${order.source}" data-testid="source-badge">${word(order.source)}</span></span>
        <span class="total">${money(order.total, order.currency)}</span>
      </a>
    </li>`;
  }
}
