// The few Playwright page calls that actions.mjs makes, answered by a browser model tab, so that the
// recorded scenarios' own scripts (scenarios/*.mjs) run on the model too: matrix.test.mjs compares the
// model's HAR with Chromium's recording of the same script.

export class PageAdapter {
  /** @param {import('./browser.mjs').Tab} tab */
  constructor(tab) {
    this.tab = tab;
    this.values = {};
    this.navigated = null;
  }

  url() {
    return this.tab.page?.url ?? 'about:blank';
  }

  async goto(url) {
    await this.tab.open(url);
  }

  // The model's navigations end with the page loaded and its first XHRs answered.
  async waitForLoadState() {}

  async waitForTimeout() {}

  /** actions.mjs evaluates the page script's AJS.ready, AJS.poll() and AJS.addComment(text). */
  async evaluate(fn, arg) {
    const src = fn.toString();
    if (src.includes('AJS.ready')) return null;
    if (src.includes('AJS.poll')) return (await this.tab.poll())[0]?.status;
    if (src.includes('addComment')) return (await this.tab.commentRest(arg)).status;
    throw new Error(`page adapter: cannot evaluate ${src}`);
  }

  field(selector) {
    const id = selector.replace(/^#/, '');
    for (const form of Object.values(this.tab.page.doc.forms)) for (const f of form.fields) if (f.id === id) return f.name;
    throw new Error(`page adapter: no field ${selector} on ${this.url()}`);
  }

  async fill(selector, value) {
    this.values[this.field(selector)] = value;
  }

  async check(selector) {
    this.values[this.field(selector)] = true;
  }

  waitForNavigation() {
    return new Promise((resolve) => {
      this.navigated = resolve;
    });
  }

  async click(selector) {
    const values = this.values;
    this.values = {};
    if (selector === '#login-form-submit') await this.tab.submitForm('login-form', values);
    else if (selector === '#issue-comment-add-submit') await this.tab.submitForm('issue-comment-add', values);
    else if (selector === '#log_out') await this.tab.clickLink('log_out');
    else throw new Error(`page adapter: cannot click ${selector}`);
    this.navigated?.();
  }
}
