// Seeded noise for the matrix's variants, and the environment a class script acts through.
//
// Noise is what makes real HARs hard without changing what happened to the session: the user's other
// application in the same tab (a portal on another site, with its own cookies and its own 401), unrelated
// 4xx on endpoints that do not mean a loss (a deleted avatar's 404, a 403 on a permission-checked REST
// call, a missing Confluence page), parallel XHRs, cache hits replaying old headers (every page load after
// the first; a trip to another site empties Chrome's memory cache, so the way back comes from the disk
// cache), long healthy stretches before the cause, server logs and Crowd's trusted list given or not, the
// SSO cookie renamed (Crowd's cookie.tokenkey), X-Seraph-LoginReason as two lines or folded into one by
// a proxy, the user's time zone in Firefox's timestamps.
import { MINUTE } from '../clock.mjs';
import { SeededRandom } from '../rand.mjs';

export const SSO_COOKIES = ['crowd.token_key', 'studio.crowd.tokenkey', 'acme.tokenkey'];
const ZONES = [120, 60, 0, -240, -300, 330, 540]; // minutes east of UTC: Berlin (CEST), London, UTC, New York, Chicago, Mumbai, Tokyo

/** The noise plan of one variant, drawn from its seed. */
export function drawNoise(seed, { sso }) {
  const r = new SeededRandom(`${seed}:noise`);
  const pick = (list) => list[r.int(list.length)];
  const chance = (p) => r.int(1000) < p * 1000;
  const seraph = chance(0.75) ? 'all' : 'last';
  return {
    stretchMinutes: pick([0, 10, 30, 60, 120]),
    parallelXhrs: chance(0.5),
    unrelated4xx: chance(0.5),
    otherApp: chance(0.45),
    logs: pick(['none', 'none', 'access', 'jira', 'all']),
    trustedProxies: sso && chance(0.5),
    ssoCookie: sso ? (chance(0.7) ? SSO_COOKIES[0] : pick(SSO_COOKIES.slice(1))) : null,
    seraphHeaders: seraph,
    foldHeaders: seraph === 'all' && chance(0.35),
    timeZone: pick(ZONES),
    startMinute: 6 * 60 + r.int(9 * 60), // the recording starts between 06:00 and 15:00 UTC
  };
}

/** What a class script uses: the recorded tab, the apps' URLs, noise-aware pauses and stretches. */
export class Env {
  constructor({ world, h, browser, noise, seed }) {
    Object.assign(this, { world, h, b: browser, noise });
    this.r = new SeededRandom(`${seed}:script`);
    this.tab = browser.newTab(); // tab 1: where DevTools records
    this.tab.extraXhrs = (page) => this.pageExtras(page);
    this.tab.extraImages = (page) => this.pageImages(page);
    this.lastAtlassianUrl = null;
  }

  J(path = '') {
    return this.h.jiraBase + path;
  }

  W(path = '') {
    return this.h.wikiBase + path;
  }

  chance(p) {
    return this.r.int(1000) < p * 1000;
  }

  between(lo, hi) {
    return lo + this.r.int(hi - lo + 1);
  }

  isJira(page) {
    return page && page.url.startsWith(this.h.jiraBase);
  }

  isWiki(page) {
    return page && this.h.wikiBase && page.url.startsWith(this.h.wikiBase);
  }

  /** XHRs a page's scripts start beside its poll (noise). */
  pageExtras(page) {
    const out = [];
    const m = page.doc.meta;
    if (this.isJira(page) && m['ajs-issue-key']) {
      if (this.noise.parallelXhrs) out.push({ path: `/rest/api/2/issue/${m['ajs-issue-key']}?fields=summary,status` });
      if (this.noise.unrelated4xx) out.push({ path: '/rest/api/2/group/member?groupname=jira-administrators' });
    }
    if (this.isWiki(page) && m['ajs-page-id'] && this.noise.unrelated4xx) out.push({ path: '/rest/api/content/98765?expand=space' });
    if (page.url.startsWith(this.h.portalBase)) out.push({ path: '/api/news' }, { path: '/api/me' });
    return out;
  }

  /** Images a page shows that the server no longer has (noise: a deleted avatar). */
  pageImages(page) {
    if (this.noise.unrelated4xx && this.isJira(page) && page.doc.meta['ajs-issue-key']) return [`${this.h.jiraBase}/rest/api/2/universal_avatar/view/type/user/avatar/10999?size=small`];
    return [];
  }

  async open(url) {
    const ex = await this.tab.open(url);
    if (!url.startsWith(this.h.portalBase)) this.lastAtlassianUrl = this.tab.page.url;
    return ex;
  }

  /** The page's poll, with the noise's parallel XHR beside it. */
  async poll() {
    const page = this.tab.page;
    const extras = this.noise.parallelXhrs && this.isJira(page) && page.doc.meta['ajs-issue-key'] ? [{ path: `/rest/api/2/issue/${page.doc.meta['ajs-issue-key']}?fields=summary,status` }] : [];
    return this.tab.poll({ extras });
  }

  /** The user in the other application (same tab), then back where they were. */
  async visitPortal() {
    const back = this.lastAtlassianUrl;
    await this.tab.open(`${this.h.portalBase}/home`);
    await this.b.wait(this.between(20, 90) * 1000);
    if (back) await this.open(back);
  }

  /**
   * The user is away from the Atlassian tab for `ms`. With `quiet`, nothing at all reaches Atlassian
   * during the pause (the cause's window: what happens next must be the first request).
   */
  async pause(ms, { quiet = false } = {}) {
    if (!quiet && this.noise.otherApp && ms >= 2 * MINUTE && this.chance(0.4)) {
      const before = this.between(30, Math.max(31, Math.floor(ms / 2000)));
      await this.b.wait(before * 1000);
      await this.visitPortal();
      await this.b.wait(Math.max(0, ms - before * 1000 - 90_000));
      return;
    }
    await this.b.wait(ms);
  }

  /** Make sure the recorded tab shows the Jira issue (for polls and comments). */
  async onIssue() {
    if (!(this.isJira(this.tab.page) && this.tab.page.doc.meta['ajs-issue-key'])) await this.open(this.J('/browse/APS-3982'));
  }

  /**
   * A long healthy stretch of ordinary use of Jira (and Confluence when `wiki`): polls every 1 to 4
   * minutes, page views, a comment, the portal now and then, for the noise's minutes (or `minutes`).
   */
  async stretch({ minutes = this.noise.stretchMinutes, wiki = false } = {}) {
    let left = minutes * MINUTE;
    while (left > 0) {
      const gap = this.between(60, 240) * 1000;
      await this.pause(Math.min(gap, left));
      left -= gap;
      await this.onIssue();
      const roll = this.r.int(100);
      if (roll < 60) await this.poll();
      else if (roll < 75) await this.open(this.J('/browse/APS-3982'));
      else if (roll < 82) await this.tab.commentRest(`Update ${this.r.hex(4)}`);
      else if (roll < 90 && wiki && this.h.wikiBase) {
        await this.open(this.W('/display/DOC/Home'));
        await this.open(this.J('/browse/APS-3982'));
      } else {
        await this.open(this.J('/secure/Dashboard.jspa'));
        await this.open(this.J('/browse/APS-3982'));
      }
    }
  }

  /** With the other-application noise, the day starts in the portal (and the user comes from there). */
  async startAtPortal() {
    if (!this.noise.otherApp) return;
    await this.tab.open(`${this.h.portalBase}/home`);
    await this.b.wait(this.between(20, 120) * 1000);
  }

  /** Open the issue (the login page comes first) and log in. */
  async loginJira(opts) {
    await this.open(this.J('/browse/APS-3982'));
    await this.tab.loginIfAsked(opts);
    this.lastAtlassianUrl = this.tab.page.url;
  }
}
