// Which URLs belong to what, in one place for the background, the popup and the options page: a watched site
// (the match patterns the user granted), an application (an alert's origin: `scheme://host[:port]` plus the
// context path), a login page, and the page a draft belongs to. (The content script, a classic script, cannot
// import modules: it asks the background, which answers with these.)

/**
 * Turns what the user typed (`jira.example.com`, `https://jira.example.com/secure/`, `*.example.com`)
 * into a match pattern; throws with a sentence the options page can show.
 */
export function sitePattern(input) {
  const text = input.trim();
  if (!text) throw new Error('type a site, for example https://jira.example.com');
  const m = /^(?:(https?|\*):\/\/)?(\*\.)?([a-z0-9.-]+)(?::\d+)?(?:\/.*)?$/i.exec(text);
  if (!m || !/[a-z0-9]/i.test(m[3]) || m[3].startsWith('.') || m[3].endsWith('.')) {
    throw new Error(`"${text}" is not a site address (expected something like https://jira.example.com)`);
  }
  const scheme = m[1] ? m[1].toLowerCase() : '*';
  return `${scheme}://${m[2] ?? ''}${m[3].toLowerCase()}/*`;
}

function parse(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

const SITE = /^(https?|\*):\/\/(\*\.)?([^/:]+)\/\*$/;

function covers(site, u) {
  const m = SITE.exec(site);
  if (!m || (m[1] !== '*' && `${m[1]}:` !== u.protocol)) return false;
  return u.hostname === m[3] || (Boolean(m[2]) && u.hostname.endsWith(`.${m[3]}`));
}

/** Whether `url` is under the match pattern `site` (`*://host/*`, `https://*.host/*`; ports are ignored, as in match patterns). */
export function siteCovers(site, url) {
  const u = parse(url);
  return Boolean(u) && covers(site, u);
}

/** The watched site (match pattern) `url` belongs to, or null. Runs for every request: the URL is parsed once. */
export function watchedBy(sites, url) {
  const u = parse(url);
  return (u && sites.find((site) => covers(site, u))) ?? null;
}

/** The match pattern the "Watch this site" button asks for: the page's scheme and host. */
export function patternOf(url) {
  const u = parse(url);
  return u ? `${u.protocol.slice(0, -1)}://${u.hostname}/*` : null;
}

/**
 * Whether `url` is a page of the application `origin` (`http://apps.example.test/jira`): same scheme, host and
 * port, and a path under the context path on a segment boundary (`/jira/browse/X`, not `/jira2/`).
 */
export function inApp(origin, url) {
  const o = parse(origin);
  const u = parse(url);
  if (!o || !u || o.protocol !== u.protocol || o.host !== u.host) return false;
  const context = o.pathname.replace(/\/+$/, '');
  return !context || u.pathname === context || u.pathname.startsWith(`${context}/`);
}

/** The host and context path of an application origin, as people read it: `jira.example.test/track`. */
export function appName(origin) {
  const o = parse(origin);
  return o ? `${o.host}${o.pathname.replace(/\/+$/, '')}` : origin;
}

/** A login page of Jira, Confluence or Bitbucket (where a lost session sends the user). */
export function isLoginPage(url) {
  const u = parse(url);
  return Boolean(u) && /\/(login\.jsp|login\.action|dologin\.action|login)$/i.test(u.pathname);
}

/** Query parameters that say how the user got to a page, not which page it is. */
const VOLATILE = /^(_|atl_token|focusedcommentid|focusedid|focusedworklogid|os_[a-z]+|permissionviolation|page_caps|user_role)$/i;

/**
 * The page a draft belongs to: origin, path and the query parameters that name the page, sorted; without the
 * fragment and without what changes from visit to visit (`focusedCommentId`, `atl_token`, `_`). So the issue
 * the user typed on is the same page after the login redirect brings them back.
 */
export function pageKey(url) {
  const u = parse(url);
  if (!u) return null;
  const kept = [...u.searchParams].filter(([k]) => !VOLATILE.test(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = new URLSearchParams(kept).toString();
  return `${u.origin}${u.pathname}${query ? `?${query}` : ''}`;
}
