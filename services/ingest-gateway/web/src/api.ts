// The one door to Sauda's HTTP API: same-origin fetches with the session cookie and the CSRF token on
// writes (the dashboard), or, once configured for the orders widget, a bearer token to Sauda's origin.

export interface Session {
  user_id: string;
  business_id: string;
  email: string;
  role: "owner" | "staff";
  csrf_token: string;
  expires_at: string;
}

/** A refusal from the API: its stable code, the human message, the offending field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly retryAfter: number | null = null,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

let current: Session | null = null;

/** The widget's way in: Sauda's origin, and the widget session's token (no cookie ever goes). */
export interface Bearer {
  base: string;
  token: string;
}

let bearer: Bearer | null = null;

export function useBearer(value: Bearer): void {
  bearer = value;
}

/** A bearer's refusal that ends the panel (its session over, or the page's origin refused). */
export const REFUSED = "sauda-refused";

export function session(): Session | null {
  return current;
}

export function setSession(value: Session | null): void {
  current = value;
  window.dispatchEvent(new CustomEvent("sauda-session", { detail: value }));
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (WRITES.has(method) && current) headers["X-CSRF-Token"] = current.csrf_token;
  if (bearer?.token) headers.Authorization = `Bearer ${bearer.token}`;
  let response: Response;
  try {
    response = await fetch(bearer ? bearer.base + path : path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: bearer ? "omit" : "same-origin",
    });
  } catch {
    // Cross-origin, a refused origin looks to the page exactly like a network failure.
    if (bearer) refuse(0, "origin");
    throw new ApiError(0, "network", "The server cannot be reached. Check the connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const err = (data ?? {}) as { code?: string; message?: string; field?: string | null; details?: Record<string, unknown> };
    const wait = Number(response.headers.get("Retry-After"));
    if (response.status === 401 && current && path !== "/api/v1/auth/login") setSession(null);
    if (bearer && (response.status === 401 || err.code === "origin_not_allowed")) {
      refuse(response.status, response.status === 401 ? "ended" : "origin");
    }
    throw new ApiError(
      response.status,
      err.code ?? `http_${response.status}`,
      err.message ?? `The server answered ${response.status}.`,
      err.field ?? null,
      Number.isFinite(wait) && wait > 0 ? wait : null,
      err.details ?? null,
    );
  }
  return data as T;
}

function refuse(status: number, why: "ended" | "origin"): void {
  window.dispatchEvent(new CustomEvent(REFUSED, { detail: { status, why } }));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}) => api<T>("POST", path, body);
export const patch = <T>(path: string, body: unknown) => api<T>("PATCH", path, body);
export const put = <T>(path: string, body: unknown) => api<T>("PUT", path, body);
export const del = (path: string) => api<void>("DELETE", path);

/** Query string from the non-empty values. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}
