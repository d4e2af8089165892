// <sauda-order-detail>: the customer, items, payment, tracking, history, WhatsApp log, notices; one-click moves.
import { html, css, nothing } from "lit";
import { customElement, property, query as child, state } from "lit/decorators.js";
import { ApiError, get, patch, post } from "../api.js";
import { Base, errorBox, submitted } from "../base.js";
import { money, t, when, word } from "../i18n.js";
import type { OrderEvent } from "../live.js";
import { href } from "../router.js";
import type { DeliveryAddress, Message, Order, Status } from "../types.js";

// The address on one line, as the bot reads it back to the shopper.
const addressLine = (a: DeliveryAddress): string =>
  [a.name, a.address1, a.address2, a.city, a.province, a.zip, a.country].filter((p) => p && p.trim()).join(", ");

const TICKS: Record<string, string> = { sent: "✓", delivered: "✓✓", read: "✓✓", failed: "!", queued: "🕓", retrying: "🕓", scheduled: "⏰" };

@customElement("sauda-order-detail")
export class OrderDetail extends Base {
  static styles = [Base.styles, css`
    :host { container-type: inline-size; }
    .layout { display: grid; grid-template-columns: 2fr 1fr; gap: 1rem; align-items: start; }
    @container (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
    .head { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin-bottom: 0.75rem; }
    .head h1 { margin: 0; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-bottom: 1rem; }
    td.num, th.num { text-align: end; font-variant-numeric: tabular-nums; }
    ol.timeline { list-style: none; padding: 0; margin: 0; border-inline-start: 2px solid var(--line, #dde1e8); }
    ol.timeline li { padding: 0 0 0.75rem 0; padding-inline-start: 0.9rem; position: relative; }
    ol.timeline li::before { content: ""; position: absolute; inset-inline-start: -6px; top: 0.35rem; width: 10px; height: 10px; border-radius: 50%; background: var(--brand, #0b6e4f); }
    .bubble { border-radius: 10px; padding: 0.5rem 0.75rem; margin-bottom: 0.5rem; max-width: 92%; }
    .bubble .text { white-space: pre-wrap; }
    .outbound { background: #dcf8c6; margin-inline-start: auto; }
    .inbound { background: #eef1f5; }
    .meta { font-size: 0.78rem; color: var(--muted, #5b6475); display: flex; gap: 0.5rem; justify-content: end; }
    .tick.read { color: #1d9bf0; }
    .tick.failed { color: var(--danger, #b42318); font-weight: 700; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.75rem; margin: 0; }
    dt { color: var(--muted, #5b6475); }
    dd { margin: 0; overflow-wrap: anywhere; }
  `];

  @property() accessor orderId = "";
  @state() accessor order: Order | null = null;
  @state() accessor messages: Message[] = [];
  @state() accessor missing = false;
  @state() accessor error: unknown = null;
  @state() accessor busy = false;
  @state() accessor said = "";
  @child("dialog") accessor dialog!: HTMLDialogElement;

  constructor() {
    super();
    this.listen("sauda-order", (event) => {
      if ((event as CustomEvent<OrderEvent>).detail.order_id === this.orderId) void this.load();
    });
  }

  updated(changed: Map<string, unknown>): void {
    if (changed.has("orderId")) void this.load();
  }

  private async load(): Promise<void> {
    try {
      const id = encodeURIComponent(this.orderId);
      const [order, log] = await Promise.all([
        get<Order>(`/api/v1/orders/${id}`),
        get<{ messages: Message[] }>(`/api/v1/orders/${id}/messages`).catch(() => ({ messages: [] })),
      ]);
      this.order = order;
      this.messages = log.messages;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 422)) this.missing = true;
      else this.error = error;
    }
  }

  private async move(status: Status, reason?: string): Promise<void> {
    if (!this.order) return;
    this.busy = true;
    this.error = null;
    const id = encodeURIComponent(this.order.order_id);
    try {
      const moved = status === "cancelled"
        ? await post<Order>(`/api/v1/orders/${id}/cancel`, { reason })
        : await patch<Order>(`/api/v1/orders/${id}/status`, { status });
      // A 202 (the ledger is slow) has no order yet: the live stream reloads it when it lands.
      if (moved?.order_number) this.said = t("moved", { number: moved.order_number, status: t(moved.status) });
      await this.load();
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = false;
    }
  }

  private async cancel(event: SubmitEvent): Promise<void> {
    const [form, data] = submitted(event);
    const reason = String(data.get("reason") ?? "").trim();
    if (!reason) return;
    this.dialog.close();
    form.reset();
    await this.move("cancelled", reason);
  }

  render() {
    if (this.missing) {
      return html`<div class="card" data-testid="not-found"><h1>${t("notFound")}</h1><p>${t("orderNotFound")}</p>
        <a href=${href("/orders")}>${t("back")}</a></div>`;
    }
    if (!this.order) return html`${errorBox(this.error)}<p class="muted">${t("loading")}</p>`;
    const o = this.order;
    const next = o.next_statuses ?? [];
    return html`
      <p><a href=${href("/orders")} data-testid="back">← ${t("back")}</a></p>
      <div class="head">
        <h1 data-testid="detail-number">${t("order")} ${o.order_number}</h1>
        <span class="badge ${o.status}" data-testid="detail-status" data-status=${o.status}>${t(o.status)}</span>
        ${o.needs_review ? html`<span class="badge review" data-testid="needs-review">${t("needsReview")}</span>` : nothing}
        <span class="badge ${o.source}" data-testid="source-badge">${word(o.source)}</span>
        <span class="muted">${when(o.created_at)}</span>
      </div>
      <div class="sr-only" role="status" aria-live="polite" data-testid="move-announcement">${this.said}</div>
      ${errorBox(this.error)}
      <div class="actions" data-testid="actions">
        ${next.filter((s) => s !== "cancelled").map((s) => html`<button class="primary" data-testid="move-${s}" ?disabled=${this.busy}
          @click=${() => this.move(s)}>${t("moveTo", { status: t(s) })}</button>`)}
        ${next.includes("cancelled") ? html`<button class="danger" data-testid="cancel-order" ?disabled=${this.busy}
          @click=${() => this.dialog.showModal()}>${t("cancelOrder")}</button>` : nothing}
      </div>
      <div class="layout">
        <div>
          <section class="card" aria-labelledby="items-h">
            <h2 id="items-h">${t("items")}</h2>
            <table data-testid="items">
              <thead><tr><th>${t("name")}</th><th class="num">${t("quantity")}</th><th class="num">${t("price")}</th></tr></thead>
              <tbody>${o.items.map((item) => html`<tr data-testid="item"><td>${item.name}${item.sku ? html` <span class="muted">${item.sku}</span>` : nothing}</td>
                <td class="num">${item.qty ?? item.quantity ?? 1}</td><td class="num">${money(item.price, o.currency)}</td></tr>`)}</tbody>
              <tfoot><tr><th colspan="2">${t("total")}</th><th class="num" data-testid="detail-total">${money(o.total, o.currency)}</th></tr></tfoot>
            </table>
          </section>
          <section class="card" aria-labelledby="msg-h">
            <h2 id="msg-h">${t("messages")}</h2>
            <div data-testid="message-log">
              ${this.messages.length === 0 ? html`<p class="muted">${t("noMessages")}</p>` : this.messages.map((m) => this.bubble(m))}
            </div>
          </section>
        </div>
        <div>
          <section class="card" aria-labelledby="cust-h">
            <h2 id="cust-h">${t("customer")}</h2>
            <dl data-testid="customer">
              <dt>${t("name")}</dt><dd data-testid="customer-name">${o.customer.name ?? ""}</dd>
              <dt>${t("phone")}</dt><dd>${o.customer.phone ? html`<a href="tel:+${o.customer.phone}">+${o.customer.phone}</a>` : ""}</dd>
              ${o.customer.email ? html`<dt>${t("email")}</dt><dd>${o.customer.email}</dd>` : nothing}
              ${o.customer.address ? html`<dt>${t("address")}</dt><dd>${o.customer.address}</dd>` : nothing}
              ${o.delivery_address ? html`<dt>${t("deliverTo")}</dt><dd data-testid="delivery-address">${addressLine(o.delivery_address)}</dd>` : nothing}
              <dt>${t("payment")}</dt><dd data-testid="payment">${o.payment ? `${o.payment.method ?? ""} ${o.payment.status}` : t("cod")}</dd>
              <dt>${t("tracking")}</dt><dd data-testid="tracking">${this.tracking(o)}</dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="hist-h">
            <h2 id="hist-h">${t("history")}</h2>
            <ol class="timeline" data-testid="history">
              ${(o.history ?? []).slice().reverse().map((h) => html`<li data-testid="history-entry" data-status=${h.status}>
                <strong>${t(h.status)}</strong> <span class="muted">${t("by", { actor: h.actor })} · ${when(h.at)}</span>
                ${h.reason ? html`<div data-testid="history-reason">${h.reason}</div>` : nothing}</li>`)}
            </ol>
          </section>
          ${(o.notices ?? []).length ? html`<section class="card" aria-labelledby="not-h"><h2 id="not-h">${t("notices")}</h2>
            <ul class="plain" data-testid="order-notices">${(o.notices ?? []).map((n) => html`<li><strong>${n.kind}</strong>: ${n.message}
              <div class="muted">${when(n.created_at)}</div></li>`)}</ul></section>` : nothing}
        </div>
      </div>
      <dialog aria-labelledby="cancel-h" data-testid="cancel-dialog">
        <form @submit=${this.cancel}>
          <h2 id="cancel-h">${t("cancelOrder")} ${o.order_number}</h2>
          <label>${t("cancelReason")}<textarea name="reason" required maxlength="500" rows="3" data-testid="cancel-reason"></textarea></label>
          <div class="row gap-top">
            <button type="button" data-testid="cancel-keep" @click=${() => this.dialog.close()}>${t("keepOrder")}</button>
            <button type="submit" class="danger" data-testid="cancel-confirm">${t("confirmCancel")}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  private tracking(o: Order) {
    const f = o.fulfillment;
    const code = f?.tracking_code ?? f?.tracking_number;
    if (!f || (!code && !f.tracking_url)) return t("noTracking");
    return html`${f.courier ?? ""} ${f.tracking_url ? html`<a href=${f.tracking_url} target="_blank" rel="noopener noreferrer">${code ?? f.tracking_url}</a>` : code}`;
  }

  private bubble(m: Message) {
    const status = m.status ?? "";
    return html`<div class="bubble ${m.direction}" data-testid="message" data-direction=${m.direction} data-status=${status}>
      <div class="text">${m.text}</div>
      <div class="meta"><span>${m.template ?? m.purpose ?? ""}</span><span>${when(m.created_at)}</span>
        ${m.direction === "outbound" ? html`<span class="tick ${status}" data-testid="ticks" title=${status} aria-label=${status}>${TICKS[status] ?? status}</span>` : nothing}
      </div>
      ${m.scheduled_for ? html`<div class="muted" data-testid="scheduled-for">${t("scheduledFor", { at: when(m.scheduled_for) })}</div>` : nothing}
      ${m.error?.message ? html`<div class="error">${m.error.message}</div>` : nothing}
    </div>`;
  }
}
