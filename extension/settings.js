// The user's settings (chrome.storage.local), shared by the service worker, the options page and the popup.
// A "site" is a match pattern the user's host permission was granted for, e.g. `https://jira.example.com/*`
// (urls.js says which URLs a site covers).

export const DEFAULTS = Object.freeze({
  /** Match patterns of the watched sites. Empty: nothing is recorded. */
  sites: [],
  /** Crowd's trusted-proxy list (commas or newlines), as in Crowd's administration. */
  trustedProxies: '',
  /** The SSO cookie's name when Crowd's cookie.tokenkey renamed it; empty: the core finds it by itself. */
  ssoCookie: '',
  /** Storage bounds: the oldest entries are dropped beyond either. */
  maxEntries: 20000,
  maxAgeHours: 72,
  recording: true,
  /** Keep drafts of what the user types on the watched sites (drafts.js), in the extension's own storage. */
  drafts: true,
});

export async function loadSettings() {
  const stored = await chrome.storage.local.get(Object.keys(DEFAULTS));
  return { ...DEFAULTS, ...stored };
}

export function saveSettings(changes) {
  return chrome.storage.local.set(changes);
}
