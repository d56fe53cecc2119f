// The user's settings (chrome.storage.local), shared by the service worker, the options page and the popup.
// A "site" is a match pattern the user's host permission was granted for, e.g. `https://jira.example.com/*`.

export const DEFAULTS = Object.freeze({
  /** Match patterns of the watched sites. Empty: nothing is recorded. */
  sites: [],
  /** Crowd's trusted-proxy list (commas or newlines), as in Crowd's administration. */
  trustedProxies: '',
  /** Storage bounds: the oldest entries are dropped beyond either. */
  maxEntries: 20000,
  maxAgeHours: 72,
  recording: true,
});

export async function loadSettings() {
  const stored = await chrome.storage.local.get(Object.keys(DEFAULTS));
  return { ...DEFAULTS, ...stored };
}

export function saveSettings(changes) {
  return chrome.storage.local.set(changes);
}

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

/** Whether `url` belongs to a watched site (ports are ignored, as in match patterns). */
export function watchedBy(sites, url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return null;
  for (const site of sites) {
    const m = /^(https?|\*):\/\/(\*\.)?([^/]+)\/\*$/.exec(site);
    if (!m) continue;
    if (m[1] !== '*' && m[1] !== scheme) continue;
    const host = m[3];
    if (u.hostname === host || (m[2] && u.hostname.endsWith(`.${host}`))) return site;
  }
  return null;
}
