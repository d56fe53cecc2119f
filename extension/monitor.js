// The live monitor: every finished entry goes through the WASM core's LiveMonitor (the same rules as the
// report); a session loss becomes the badge, a notification in plain words, and the popup's verdict.
import { LiveMonitor } from './pkg/harlens_full.js';

/** Alerts kept for the popup (newest last). */
const KEEP_ALERTS = 50;

export class Monitor {
  constructor() {
    this.live = new LiveMonitor();
    this.trusted = '';
    this.ssoCookie = '';
  }

  /** The SSO cookie's name (Crowd's cookie.tokenkey); '' lets the core find it. Applies to entries from now on. */
  setSsoCookie(name) {
    this.ssoCookie = name;
    this.live.setSsoCookie(name);
  }

  setTrustedProxies(list) {
    this.trusted = list;
    try {
      this.live.setTrustedProxies(list);
      return null;
    } catch (err) {
      return err.message; // shown by the options page; the monitor keeps working without the list
    }
  }

  reset() {
    this.live.free();
    this.live = new LiveMonitor();
    if (this.trusted) this.setTrustedProxies(this.trusted);
    if (this.ssoCookie) this.setSsoCookie(this.ssoCookie);
  }

  /** Rebuilds the history from stored entries' JSON texts (oldest first); their losses were announced already. */
  replay(texts) {
    this.live.beginReplay();
    try {
      for (const text of texts) this.live.push(text);
    } finally {
      this.live.endReplay();
    }
  }

  /** Feeds one entry, as its JSON text (the text that is stored); returns its alerts (usually none). */
  push(text) {
    return JSON.parse(this.live.push(text));
  }
}

let announcing = Promise.resolve();

/**
 * Shows alerts: badge, notification, and the list the popup reads (one update at a time). The core gives each
 * problem an id; a repeat of a known problem (a login loop, the same cause after each new login) updates its
 * alert (count, latest loss) without a second notification or badge count.
 */
export function announce(alerts, finishedAt) {
  announcing = announcing.catch(() => {}).then(() => show(alerts, finishedAt)); // a failed update does not block the next
  return announcing;
}

async function show(alerts, finishedAt) {
  const stored = (await chrome.storage.local.get('alerts')).alerts ?? [];
  for (const a of alerts) {
    const alert = { ...a, latencyMs: Math.round(Date.now() - finishedAt), raisedAt: new Date().toISOString() };
    const known = stored.findIndex((s) => s.id === a.id);
    if (known >= 0) {
      // The same problem again: the newest loss replaces the older one in place, with its count.
      stored[known] = { ...alert, firstRaisedAt: stored[known].firstRaisedAt ?? stored[known].raisedAt };
      continue;
    }
    stored.push(alert);
    const host = hostOf(a.origin);
    chrome.notifications.create(`harlens-${a.origin}-${a.entry}-${Date.now()}`, {
      type: 'basic',
      iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
      title: `You were logged out of ${host}`,
      message: a.title ? `${a.title}. ${a.fix[0] ?? ''}`.trim() : `The server stopped knowing you (${a.url}, status ${a.status ?? 'none'}).`,
      priority: 2,
    });
  }
  await chrome.storage.local.set({ alerts: stored.slice(-KEEP_ALERTS) });
  await chrome.action.setBadgeBackgroundColor({ color: '#c9372c' });
  await chrome.action.setBadgeText({ text: String(Math.min(stored.length, 99)) });
}

export async function clearAlerts() {
  await chrome.storage.local.set({ alerts: [] });
  await chrome.action.setBadgeText({ text: '' });
}

export function hostOf(origin) {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
