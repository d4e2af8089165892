// <sauda-orders-widget>: the dashboard's orders list and order detail in a sealed shadow root, its
// navigation kept inside, its session opened from a publishable key when the page has no token.
import { LitElement, html, css } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { REFUSED, post, useBearer } from "../api.js";
import { lang, t } from "../i18n.js";
import { interceptLinks } from "../router.js";
import "../pages/orders.js";
import "../pages/order-detail.js";

type Refusal = "ended" | "origin";

@customElement("sauda-orders-widget")
export class OrdersWidget extends LitElement {
  // `!important` inside a shadow root outranks the host page's `!important` on this element, and
  // `all: initial` stops anything inheriting in: the page's CSS reaches no further than the box.
  static styles = css`
    :host {
      all: initial !important; display: block !important; box-sizing: border-box;
      font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Nastaliq Urdu", sans-serif !important;
      color: #1d2330 !important; background: #f6f7f9; border-radius: 12px; padding: 0.75rem;
      container-type: inline-size; max-width: 100%; overflow-wrap: anywhere;
    }
    .refused { color: #b42318; background: #fdecea; border-radius: 8px; padding: 0.75rem 0.9rem; margin: 0; }
    .muted { color: #5b6475; }
  `;

  @property() accessor base = "";
  @property() accessor session = "";
  @property({ attribute: "publishable-key" }) accessor publishableKey = "";
  @state() accessor orderId = "";
  @state() accessor ready = false;
  @state() accessor refused: Refusal | null = null;

  private readonly onRefused = (event: Event) => {
    this.refused = (event as CustomEvent<{ why: Refusal }>).detail.why;
  };

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(REFUSED, this.onRefused);
    void this.open();
  }

  firstUpdated(): void {
    // The dashboard's links name /app/... routes: here they switch the panel, never the page.
    interceptLinks(this.renderRoot, (to) => this.go(to));
  }

  disconnectedCallback(): void {
    window.removeEventListener(REFUSED, this.onRefused);
    super.disconnectedCallback();
  }

  private async open(): Promise<void> {
    if (this.ready) return;
    let token = this.session;
    if (!token && this.publishableKey) {
      useBearer({ base: this.base, token: "" });
      try {
        token = (await post<{ token: string }>("/api/v1/widget/exchange", { publishable_key: this.publishableKey })).token;
      } catch {
        this.refused ??= "origin";
        return;
      }
    }
    if (!token) {
      this.refused = "ended";
      return;
    }
    useBearer({ base: this.base, token });
    this.ready = true;
  }

  private go(to: string): void {
    const match = /^\/orders\/([^/?#]+)/.exec(to);
    this.orderId = match ? decodeURIComponent(match[1]) : "";
  }

  render() {
    const value = lang();
    return html`<div lang=${value} dir=${value === "ur" ? "rtl" : "ltr"} data-testid="orders-widget">${this.body()}</div>`;
  }

  private body() {
    if (this.refused) {
      return html`<p class="refused" role="alert" data-testid="widget-refused">
        ${t(this.refused === "ended" ? "sessionEnded" : "originRefused")}</p>`;
    }
    if (!this.ready) return html`<p class="muted">${t("loading")}</p>`;
    return this.orderId
      ? html`<sauda-order-detail .orderId=${this.orderId}></sauda-order-detail>`
      : html`<sauda-orders></sauda-orders>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "sauda-orders-widget": OrdersWidget;
  }
}
