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

/** Same-page navigation for plain <a href="/app/..."> clicks, wherever they sit (shadow roots too);
 * `go` takes the route instead of the address bar (the orders widget keeps the host page's URL). */
export function interceptLinks(root: Node = document, go: (to: string) => void = pushRoute): void {
  root.addEventListener("click", (event) => {
    if (!(event instanceof MouseEvent)) return;
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || !anchor.href) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`)) return;
    event.preventDefault();
    go(url.pathname.slice(BASE.length) + url.search + url.hash);
  });
  if (root === document) window.addEventListener("popstate", () => window.dispatchEvent(new CustomEvent("sauda-route")));
}

function pushRoute(to: string): void {
  history.pushState(null, "", href(to));
  window.dispatchEvent(new CustomEvent("sauda-route"));
}
