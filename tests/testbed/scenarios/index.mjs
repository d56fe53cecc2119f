// Every scenario, in recording order: the twelve causes of domain.md section 4 (cause 6 in its two
// forms) and the healthy one.
import proxyAddressChange from './proxy-address-change.mjs';
import proxyPathMismatch from './proxy-path-mismatch.mjs';
import clientAddressChange from './client-address-change.mjs';
import ssoCookieDomain from './sso-cookie-domain.mjs';
import ssoCookieInsecureScheme from './sso-cookie-insecure-scheme.mjs';
import sessionCookieCollision from './session-cookie-collision.mjs';
import ssoCookieSharedParent from './sso-cookie-shared-parent.mjs';
import noSessionAffinity from './no-session-affinity.mjs';
import idleTimeout from './idle-timeout.mjs';
import rememberMeChurn from './remember-me-churn.mjs';
import logoutElsewhere from './logout-elsewhere.mjs';
import xsrfAfterSessionLoss from './xsrf-after-session-loss.mjs';
import userLogout from './user-logout.mjs';
import healthyLongUse from './healthy-long-use.mjs';

export const SCENARIOS = [
  proxyAddressChange,
  proxyPathMismatch,
  clientAddressChange,
  ssoCookieDomain,
  ssoCookieInsecureScheme,
  sessionCookieCollision,
  ssoCookieSharedParent,
  noSessionAffinity,
  idleTimeout,
  rememberMeChurn,
  logoutElsewhere,
  xsrfAfterSessionLoss,
  userLogout,
  healthyLongUse,
];

export const byName = (name) => SCENARIOS.find((s) => s.name === name);
