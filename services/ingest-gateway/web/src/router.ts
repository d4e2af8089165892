// Client-side routes under /app/: the path is the state; links and buttons call navigate().

export const BASE = "/app";

export function path(): string {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "/";
  return rest === "" ? "/" : rest;
}

export function href(to: string): string {
  return `${BASE}${to}`;
}

export function navigate(to: string, replace = false): void {
  const url = href(to);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.dispatchEvent(new CustomEvent("sauda-route"));
}

/** Same-page navigation for plain <a href="/app/..."> clicks, wherever they sit (shadow roots too). */
export function interceptLinks(): void {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || !anchor.href) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`)) return;
    event.preventDefault();
    history.pushState(null, "", url.pathname + url.search + url.hash);
    window.dispatchEvent(new CustomEvent("sauda-route"));
  });
  window.addEventListener("popstate", () => window.dispatchEvent(new CustomEvent("sauda-route")));
}
