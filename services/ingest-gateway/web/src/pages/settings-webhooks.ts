// <sauda-webhooks>: reverse webhooks — create (secret shown once), rotate, test, deliveries, redeliver, re-activate.
import { html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { del, get, patch, post } from "../api.js";
import { Listing, errorBox, submitted } from "../base.js";
import { t, when } from "../i18n.js";

const EVENTS = ["order_created", "order_status_changed", "order_payment_changed", "order_fulfillment_updated",
  "order_held_for_review", "order_delivery_attempt_failed", "order_delivery_attempt_answered",
  "order_address_changed"];

interface Endpoint { id: string; url: string; events: string[]; active: boolean; consecutive_failures: number; deactivated_at: string | null; created_at: string }
interface Delivery { delivery_id: string; event: string; status: string; attempts: number; response_status: number | null; error: string | null; created_at: string }

@customElement("sauda-webhooks")
export class Webhooks extends Listing {
  @state() accessor endpoints: Endpoint[] = [];
  @state() accessor secret: { url: string; secret: string } | null = null;
  @state() accessor open: string | null = null;
  @state() accessor deliveries: Delivery[] = [];
  @state() accessor note = "";

  protected async load(): Promise<void> {
    this.endpoints = (await get<{ webhooks: Endpoint[] }>("/api/v1/webhooks")).webhooks;
    if (this.open) this.deliveries = (await get<{ deliveries: Delivery[] }>(`/api/v1/webhooks/${this.open}/deliveries?limit=50`)).deliveries;
  }

  private create(event: SubmitEvent): Promise<void> {
    const [form, data] = submitted(event);
    const events = data.getAll("events").map(String);
    return this.act(async () => {
      const made = await post<Endpoint & { secret: string }>("/api/v1/webhooks", { url: String(data.get("url")).trim(), events });
      this.secret = { url: made.url, secret: made.secret };
      form.reset();
    });
  }

  private rotate(hook: Endpoint): Promise<void> {
    return this.act(async () => {
      const rotated = await post<{ secret: string }>(`/api/v1/webhooks/${hook.id}/rotate-secret`, {});
      this.secret = { url: hook.url, secret: rotated.secret };
    });
  }

  private test(hook: Endpoint): Promise<void> {
    return this.act(async () => {
      const queued = await post<{ message: string }>(`/api/v1/webhooks/${hook.id}/test`, {});
      this.note = queued?.message ?? "";
      this.open = hook.id;
    });
  }

  render() {
    return html`
      ${errorBox(this.error)}
      <form class="card" @submit=${this.create} data-testid="webhook-form">
        <label>${t("endpointUrl")}<input name="url" type="url" required placeholder="https://" data-testid="webhook-url"></label>
        <fieldset class="gap-top"><legend>${t("events")}</legend>
          ${EVENTS.map((name, i) => html`<label class="inline"><input type="checkbox" name="events" value=${name} ?checked=${i < 2} data-testid="webhook-event-${name}"> ${name}</label>`)}
        </fieldset>
        <button class="primary gap-top" type="submit" data-testid="webhook-create">${t("addEndpoint")}</button>
      </form>
      ${this.secret ? html`<div class="card" role="status" data-testid="webhook-secret-shown"><strong>${this.secret.url}</strong>
        <p>${t("secret")}: ${t("shownOnce")}</p><p class="secret" data-testid="webhook-secret">${this.secret.secret}</p>
        <button data-testid="webhook-secret-close" @click=${() => { this.secret = null; }}>${t("close")}</button></div>` : nothing}
      ${this.note ? html`<p class="ok" role="status">${this.note}</p>` : nothing}
      <ul class="plain card" data-testid="webhook-list">${this.endpoints.map((hook) => html`<li data-testid="webhook-row" data-active=${String(hook.active)}>
        <div><strong>${hook.url}</strong> <span class="badge ${hook.active ? "delivered" : "cancelled"}">${hook.active ? t("active") : t("deactivated")}</span></div>
        <div class="muted">${hook.events.join(", ")}${hook.deactivated_at ? ` · ${t("deactivated")} ${when(hook.deactivated_at)}` : ""}</div>
        <div class="row gap-top">
          ${hook.active ? nothing : html`<button class="primary" data-testid="webhook-reactivate" @click=${() => this.act(() => patch(`/api/v1/webhooks/${hook.id}`, { active: true }))}>${t("reactivate")}</button>`}
          <button data-testid="webhook-rotate" @click=${() => this.rotate(hook)}>${t("rotate")}</button>
          <button data-testid="webhook-test" @click=${() => this.test(hook)}>${t("test")}</button>
          <button data-testid="webhook-deliveries" aria-expanded=${String(this.open === hook.id)}
            @click=${() => { this.open = this.open === hook.id ? null : hook.id; void this.act(async () => undefined); }}>${t("deliveries")}</button>
          <button class="danger" aria-label="${t("delete")} ${hook.url}" @click=${() => this.act(() => del(`/api/v1/webhooks/${hook.id}`))}>${t("delete")}</button>
        </div>
        ${this.open === hook.id ? this.log(hook) : nothing}
      </li>`)}</ul>
    `;
  }

  private log(hook: Endpoint) {
    return html`<table class="gap-top stack" data-testid="delivery-log"><thead><tr><th>${t("events")}</th><th>${t("response")}</th><th>${t("created")}</th><th></th></tr></thead>
      <tbody>${this.deliveries.map((d) => html`<tr data-testid="delivery-row"><td>${d.event}<div class="muted">${d.status} · ${d.attempts}×</div></td>
        <td data-testid="delivery-code">${d.response_status ?? d.error ?? "—"}</td><td>${when(d.created_at)}</td>
        <td><button @click=${() => this.act(() => post(`/api/v1/webhooks/${hook.id}/deliveries/${d.delivery_id}/redeliver`, {}))}>${t("redeliver")}</button></td></tr>`)}</tbody></table>`;
  }
}
