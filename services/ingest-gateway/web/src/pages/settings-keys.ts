// <sauda-api-keys> and <sauda-users>: owner-only lists whose new secret (a key, an invite link) is shown once.
import { html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { del, get, patch, post } from "../api.js";
import { Listing, errorBox, submitted } from "../base.js";
import { t, when, word } from "../i18n.js";

interface ApiKey { key_id: string; name: string; prefix: string; created_at: string; last_used_at: string | null; revoked_at: string | null }
interface User { user_id: string; email: string; role: string; created_at: string }
interface Invite { invite_id: string; email: string; role: string; created_at: string; expires_at: string; invite_url?: string }

@customElement("sauda-api-keys")
export class ApiKeys extends Listing {
  @state() accessor keys: ApiKey[] = [];
  @state() accessor shown: { name: string; api_key: string } | null = null;

  protected async load(): Promise<void> {
    this.keys = (await get<{ api_keys: ApiKey[] }>("/api/v1/api-keys")).api_keys;
  }

  private create(event: SubmitEvent): Promise<void> {
    const [form, data] = submitted(event);
    const name = String(data.get("name")).trim();
    return this.act(async () => {
      this.shown = await post<{ name: string; api_key: string }>("/api/v1/api-keys", { name });
      form.reset();
    });
  }

  render() {
    return html`
      ${errorBox(this.error)}
      <form class="card row" @submit=${this.create}>
        <label>${t("keyName")}<input name="name" required maxlength="100" data-testid="key-name"></label>
        <button class="primary" type="submit" data-testid="key-create">${t("createKey")}</button>
      </form>
      ${this.shown ? html`<div class="card" role="status" data-testid="key-shown"><strong>${this.shown.name}</strong>
        <p>${t("shownOnce")}</p><p class="secret" data-testid="key-secret">${this.shown.api_key}</p>
        <button @click=${() => { this.shown = null; }}>${t("close")}</button></div>` : nothing}
      <div class="card"><table class="stack" data-testid="key-list">
        <thead><tr><th>${t("name")}</th><th>${t("prefix")}</th><th>${t("created")}</th><th>${t("lastUsed")}</th><th></th></tr></thead>
        <tbody>${this.keys.map((k) => html`<tr data-testid="key-row" data-revoked=${k.revoked_at ? "true" : "false"}>
          <td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${when(k.created_at)}</td><td>${k.last_used_at ? when(k.last_used_at) : t("never")}</td>
          <td>${k.revoked_at ? html`<span class="badge cancelled">${t("revoked")}</span>`
            : html`<button class="danger" data-testid="key-revoke" aria-label="${t("revoke")} ${k.name}"
              @click=${() => this.act(() => del(`/api/v1/api-keys/${k.key_id}`))}>${t("revoke")}</button>`}</td>
        </tr>`)}</tbody></table></div>
    `;
  }
}

@customElement("sauda-users")
export class Users extends Listing {
  @state() accessor users: User[] = [];
  @state() accessor invites: Invite[] = [];
  @state() accessor link = "";

  protected async load(): Promise<void> {
    const answer = await get<{ users: User[]; invites: Invite[] }>("/api/v1/users");
    this.users = answer.users;
    this.invites = answer.invites;
  }

  private invite(event: SubmitEvent): Promise<void> {
    const [form, data] = submitted(event);
    return this.act(async () => {
      const made = await post<Invite>("/api/v1/users/invites", { email: String(data.get("email")).trim(), role: String(data.get("role")) });
      this.link = made.invite_url ?? "";
      form.reset();
    });
  }

  render() {
    return html`
      ${errorBox(this.error)}
      <form class="card row" @submit=${this.invite}>
        <label>${t("email")}<input name="email" type="email" required data-testid="invite-email"></label>
        <label>${t("role")}<select name="role" data-testid="invite-role"><option value="staff">${t("staff")}</option><option value="owner">${t("owner")}</option></select></label>
        <button class="primary" type="submit" data-testid="invite-create">${t("invite")}</button>
      </form>
      ${this.link ? html`<div class="card" role="status"><p>${t("inviteLink")}</p><p class="secret" data-testid="invite-link">${this.link}</p></div>` : nothing}
      <div class="card"><h2>${t("users")}</h2><table class="stack" data-testid="user-list"><tbody>
        ${this.users.map((u) => html`<tr data-testid="user-row"><td>${u.email}</td><td>
          <label class="sr-only" for="role-${u.user_id}">${t("role")} ${u.email}</label>
          <select id="role-${u.user_id}" @change=${(e: Event) => this.act(() => patch(`/api/v1/users/${u.user_id}`, { role: (e.target as HTMLSelectElement).value }))}>
            <option value="owner" ?selected=${u.role === "owner"}>${t("owner")}</option><option value="staff" ?selected=${u.role === "staff"}>${t("staff")}</option></select></td>
          <td><button class="danger" aria-label="${t("remove")} ${u.email}" @click=${() => this.act(() => del(`/api/v1/users/${u.user_id}`))}>${t("remove")}</button></td></tr>`)}
      </tbody></table>
      ${this.invites.length ? html`<h2>${t("pendingInvites")}</h2><ul class="plain">${this.invites.map((i) => html`<li class="row">
        <span>${i.email} · ${word(i.role)} · ${t("expires")} ${when(i.expires_at)}</span>
        <button class="danger" aria-label="${t("remove")} ${i.email}" @click=${() => this.act(() => del(`/api/v1/users/invites/${i.invite_id}`))}>${t("remove")}</button></li>`)}</ul>` : nothing}
      </div>
    `;
  }
}
