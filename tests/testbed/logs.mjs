// Server logs in Jira's formats (domain.md section 5). Servers run in UTC, so offsets are +0000.
// Lines are kept in memory and written by record.mjs next to the HAR.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n) => String(n).padStart(2, '0');
const p3 = (n) => String(n).padStart(3, '0');

/** log4j %d as Jira configures it: 2021-10-19 11:56:47,306-0500 */
export function log4jDate(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())},${p3(d.getUTCMilliseconds())}+0000`;
}

/** Tomcat access log %t: [19/Oct/2021:11:56:47 -0500] */
export function clfDate(ms) {
  const d = new Date(ms);
  return `[${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000]`;
}

export class LogSink {
  constructor() {
    this.lines = [];
  }
  push(line) {
    this.lines.push(line);
  }
  text() {
    return this.lines.length ? this.lines.join('\n') + '\n' : '';
  }
}

/**
 * atlassian-jira-http-access.log:
 * %a %{jira.request.id}r %{jira.request.username}r %t "%m %U%q %H" %s %b %D "%{Referer}i" "%{User-Agent}i" "%{jira.request.assession.id}r"
 */
export function accessLine({ peer, requestId, user, startMs, method, url, protocol, status, bytes, millis, referer, userAgent, asessionId }) {
  const q = (v) => (v ? v : '-');
  return `${peer} ${requestId} ${user || '-'} ${clfDate(startMs)} "${method} ${url} ${protocol}" ${status} ${bytes ? bytes : '-'} ${millis} "${q(referer)}" "${q(userAgent)}" "${q(asessionId)}"`;
}

/**
 * atlassian-jira.log:
 * %d %t %p %X{jira.username} %X{jira.request.id} %X{jira.request.assession.id} %X{jira.request.ipaddr} %X{jira.request.url} [%q{2}] %m%n
 * Jira renames request threads to "<thread> url: <path>; user: <name>"; ipaddr is "XFF,remoteAddr".
 */
export function jiraLogLine(ms, ctx, level, category, message) {
  const user = ctx.user || 'anonymous';
  const ipaddr = ctx.xff ? `${ctx.xff},${ctx.remote}` : ctx.remote;
  const thread = `${ctx.thread} url: ${ctx.path}; user: ${user}`;
  return `${log4jDate(ms)} ${thread} ${level.padEnd(5)} ${user} ${ctx.requestId} ${ctx.asessionId || '-'} ${ipaddr} ${ctx.path} [${category}] ${message}`;
}

/** Crowd's atlassian-crowd.log: %d %t %p [%c{4}] %m%n */
export function crowdLogLine(ms, thread, level, category, message) {
  return `${log4jDate(ms)} ${thread} ${level.padEnd(5)} [${category}] ${message}`;
}

/** Apache HttpClient wire escaping: CR/LF shown as [\r][\n], other control bytes as [0xNN]. */
export function wireEscape(s) {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\r' ? '[\\r]' : c === '\n' ? '[\\n]' : `[0x${c.charCodeAt(0).toString(16)}]`));
}
