// User actions a scenario script is made of. Each waits until the page is settled (loaded and its
// first XHR answered), so the order of the important requests is the same on every recording.
import { USERS } from './world.mjs';

const USER = 'v3ry8';

async function settled(page) {
  await page.waitForLoadState('load');
  await page.evaluate(() => (window.AJS ? window.AJS.ready : null));
}

async function navigate(page, fn) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), fn()]);
  await settled(page);
}

export async function open(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await settled(page);
  return page.url();
}

/** Fill the login form of the page we are on (Jira login.jsp or Confluence login.action). */
export async function submitLogin(page, { remember = false, password = USERS[USER] } = {}) {
  await page.fill('#login-form-username', USER);
  await page.fill('#login-form-password', password);
  if (remember) await page.check('#login-form-remember-me');
  await navigate(page, () => page.click('#login-form-submit'));
}

/** Log in only if the app sent us to its login page (variants of a scenario may stay logged in). */
export async function loginIfAsked(page, opts) {
  if (onLoginPage(page)) await submitLogin(page, opts);
}

export async function login(page, loginUrl, opts) {
  await open(page, loginUrl);
  await submitLogin(page, opts);
}

/** The issue page's JS poll (dev-status summary) or Confluence's notification count; returns status. */
export function poll(page) {
  return page.evaluate(() => window.AJS.poll());
}

export function commentRest(page, text) {
  return page.evaluate((t) => window.AJS.addComment(t), text);
}

export async function commentForm(page, text) {
  await page.fill('#comment', text);
  await navigate(page, () => page.click('#issue-comment-add-submit'));
}

export async function clickLogout(page) {
  await navigate(page, () => page.click('#log_out'));
}

export function onLoginPage(page) {
  return /\/login\.(jsp|action)/.test(page.url());
}
