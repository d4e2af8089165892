// <sauda-app>: the session, the navigation (a bottom bar on phones), the live stream and the routes.
import { html, css, nothing, svg } from "lit";
import { customElement, state } from "lit/decorators.js";
import { ApiError, get, post, session, setSession, type Session } from "./api.js";
import { Base } from "./base.js";
import { lang, setLang, t } from "./i18n.js";
import { startLive, stopLive } from "./live.js";
import { href, navigate, path } from "./router.js";
import type { NoticePage } from "./types.js";
import "./pages/sign-in.js";
import "./pages/invite.js";
import "./pages/orders.js";
import "./pages/order-detail.js";
import "./pages/notices.js";
import "./pages/products.js";
import "./pages/settings.js";
import "./pages/analytics.js";
import "./pages/profile.js";

// Outline icons drawn inline (no icon font, nothing fetched).
const icon = (d: string) => svg`<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor"
  stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><path d=${d}></path></svg>`;
const NAV = [
  { to: "/orders", key: "orders", icon: icon("M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6") },
  { to: "/notifications", key: "notifications", icon: icon("M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4") },
  { to: "/products", key: "products", icon: icon("M4 7l8-4 8 4v10l-8 4-8-4zM4 7l8 4 8-4M12 11v10") },
  { to: "/analytics", key: "analytics", icon: icon("M4 20V10M10 20V4M16 20v-7M22 20H2") },
  { to: "/settings", key: "settings", icon: icon("M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM4 12h2M18 12h2M12 4v2M12 18v2M6.3 6.3l1.4 1.4M16.3 16.3l1.4 1.4M6.3 17.7l1.4-1.4M16.3 7.7l1.4-1.4") },
] as const;
const PERSON = icon("M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0");

@customElement("sauda-app")
export class SaudaApp extends Base {
  static styles = [
    Base.styles,
    css`
      :host { min-height: 100vh; }
      header { display: flex; align-items: center; gap: 1rem; padding: 0.5rem 1rem; background: var(--card, #fff); border-bottom: 1px solid var(--line, #dde1e8); position: sticky; top: 0; z-index: 2; }
      .brand { font-weight: 700; color: var(--brand, #0b6e4f); font-size: 1.15rem; margin-inline-end: auto; }
      nav.main ul { display: flex; gap: 0.25rem; list-style: none; margin: 0; padding: 0; }
      nav.main a { display: inline-flex; align-items: center; gap: 0.35rem; padding: 0.55rem 0.75rem; border-radius: 8px; color: var(--ink, #1d2330); text-decoration: none; min-height: 44px; position: relative; }
      nav.main a[aria-current="page"] { background: #e7f3ee; color: var(--brand, #0b6e4f); font-weight: 600; }
      .icon { display: inline-flex; }
      .count { background: var(--danger, #b42318); color: #fff; border-radius: 999px; font-size: 0.72rem; padding: 0 0.4rem; min-width: 1.2rem; text-align: center; }
      main { max-width: 1180px; margin: 0 auto; padding: 1rem; }
      .who { display: inline-flex; align-items: center; gap: 0.3rem; font-size: 0.85rem; color: var(--muted, #5b6475); min-height: 44px; min-width: 44px; justify-content: center; border-radius: 8px; }
      .who[aria-current="page"] { background: #e7f3ee; color: var(--brand, #0b6e4f); }
      @media (max-width: 720px) {
        header { gap: 0.5rem; }
        .who .email { display: none; }
        nav.main { position: fixed; bottom: 0; inset-inline: 0; background: var(--card, #fff); border-top: 1px solid var(--line, #dde1e8); z-index: 3; }
        nav.main ul { justify-content: space-around; }
        nav.main a { flex-direction: column; gap: 0; font-size: 0.72rem; padding: 0.3rem 0.4rem; }
        .count { position: absolute; top: 0; inset-inline-end: 0; }
        main { padding: 0.75rem 0.75rem 5rem; }
      }
    `,
  ];

  @state() accessor session: Session | null = session();
  @state() accessor checked = false;
  @state() accessor route = path();
  @state() accessor unread = 0;

  constructor() {
    super();
    this.listen("sauda-route", () => { this.route = path(); });
    this.listen("sauda-session", (event) => {
      this.session = (event as CustomEvent<Session | null>).detail;
      if (this.session) this.signedIn();
      else stopLive();
    });
    this.listen("sauda-notice", () => { this.unread += 1; });
    this.listen("sauda-unread", (event) => { this.unread = (event as CustomEvent<number>).detail; });
  }

  connectedCallback(): void {
    super.connectedCallback();
    if (this.route === "/") navigate("/orders", true);
    void this.restore();
  }

  private async restore(): Promise<void> {
    try {
      setSession(await get<Session>("/api/v1/auth/session"));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) console.warn(error);
    }
    this.checked = true;
  }

  private signedIn(): void {
    startLive();
    get<NoticePage>("/api/v1/notices?limit=1").then(
      (page) => { this.unread = page.unread ?? 0; },
      () => { this.unread = 0; },
    );
  }

  private async signOut(): Promise<void> {
    try {
      await post("/api/v1/auth/logout");
    } finally {
      setSession(null);
      navigate("/orders", true);
    }
  }

  render() {
    if (this.route.startsWith("/invite")) return html`<main><sauda-invite></sauda-invite></main>`;
    if (!this.checked) return html`<main><p class="muted">${t("loading")}</p></main>`;
    if (!this.session) return html`<main><sauda-sign-in></sauda-sign-in></main>`;
    return html`
      <header>
        <span class="brand">${t("app")}</span>
        <nav class="main" aria-label=${t("menu")} data-testid="nav">
          <ul>
            ${NAV.map((item) => html`<li><a href=${href(item.to)} data-testid="nav-${item.key}"
              aria-current=${this.route.startsWith(item.to) ? "page" : nothing}>
              <span class="icon" aria-hidden="true">${item.icon}</span><span>${t(item.key)}</span>
              ${item.key === "notifications" && this.unread > 0
                ? html`<span class="count" data-testid="unread-count" aria-label=${t("unread", { n: this.unread })}>${this.unread}</span>`
                : nothing}
            </a></li>`)}
          </ul>
        </nav>
        <a class="who" href=${href("/profile")} data-testid="who" aria-current=${this.route.startsWith("/profile") ? "page" : nothing}
          aria-label=${t("profileOf", { email: this.session.email })}><span class="icon" aria-hidden="true">${PERSON}</span><span class="email">${this.session.email}</span></a>
        <label class="sr-only" for="lang">${t("language")}</label>
        <select id="lang" data-testid="lang" @change=${(e: Event) => setLang((e.target as HTMLSelectElement).value as "en" | "ur")}>
          <option value="en" ?selected=${lang() === "en"}>English</option>
          <option value="ur" ?selected=${lang() === "ur"}>اردو</option>
        </select>
        <button data-testid="sign-out" @click=${() => this.signOut()}>${t("signOut")}</button>
      </header>
      <main>${this.page()}</main>
    `;
  }

  private page() {
    const route = this.route;
    const detail = /^\/orders\/([^/]+)$/.exec(route);
    if (detail) return html`<sauda-order-detail .orderId=${decodeURIComponent(detail[1])}></sauda-order-detail>`;
    if (route.startsWith("/notifications")) return html`<sauda-notices></sauda-notices>`;
    if (route.startsWith("/products")) return html`<sauda-products></sauda-products>`;
    if (route.startsWith("/profile")) return html`<sauda-profile></sauda-profile>`;
    if (route.startsWith("/analytics")) return html`<sauda-analytics></sauda-analytics>`;
    if (route.startsWith("/settings")) {
      return html`<sauda-settings .tab=${route.split("/")[2] ?? ""} .role=${this.session?.role ?? "staff"}></sauda-settings>`;
    }
    return html`<sauda-orders></sauda-orders>`;
  }
}
