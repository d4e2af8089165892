// <sauda-invite>: /app/invite#<token> — who invited whom, then a password and a session.
import { html, css } from "lit";
import { customElement, state } from "lit/decorators.js";
import { get, post, setSession, type Session } from "../api.js";
import { Base, errorBox } from "../base.js";
import { t, word } from "../i18n.js";
import { navigate } from "../router.js";

interface Invite { email: string; role: string; business_name: string }

@customElement("sauda-invite")
export class InvitePage extends Base {
  static styles = [Base.styles, css`form { max-width: 24rem; margin: 8vh auto 0; display: flex; flex-direction: column; gap: 0.9rem; }`];

  @state() accessor invite: Invite | null = null;
  @state() accessor missing = false;
  @state() accessor error: unknown = null;
  private readonly token = location.hash.slice(1);

  connectedCallback(): void {
    super.connectedCallback();
    get<Invite>(`/api/v1/auth/invites/${encodeURIComponent(this.token)}`).then(
      (invite) => { this.invite = invite; },
      () => { this.missing = true; },
    );
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const password = String(new FormData(event.target as HTMLFormElement).get("password") ?? "");
    try {
      setSession(await post<Session>("/api/v1/auth/invites/accept", { token: this.token, password }));
      navigate("/orders", true);
    } catch (error) {
      this.error = error;
    }
  }

  render() {
    if (this.missing || !this.token) return html`<p class="error" role="alert" data-testid="invite-missing">${t("inviteMissing")}</p>`;
    if (!this.invite) return html`<p class="muted">${t("loading")}</p>`;
    const invite = this.invite;
    return html`
      <form class="card" @submit=${this.submit} data-testid="invite-form">
        <h1>${t("inviteTitle", { business: invite.business_name })}</h1>
        <p>${t("inviteLead", { email: invite.email, role: word(invite.role) })}</p>
        <label>${t("newPassword")}<input name="password" type="password" autocomplete="new-password" required minlength="10" maxlength="128" data-testid="invite-password"></label>
        ${errorBox(this.error)}
        <button class="primary" type="submit" data-testid="invite-accept">${t("accept")}</button>
      </form>
    `;
  }
}
