// HTML, CSS and JS that the simulated apps serve: small, but shaped like Jira/Confluence pages so
// that the browser makes the same kinds of requests (static batch resources, polling XHRs, forms).

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export const STATIC = {
  jira: {
    css: '/s/d41d8cd98f00b204e9800998ecf8427e-CDN/-5fu6ty/813006/6411e0087192541a09d88223fb51a6a0/8.13.6/_/download/batch/jira.webresources:global-static/jira.webresources:global-static.css',
    js: '/s/d41d8cd98f00b204e9800998ecf8427e-CDN/-5fu6ty/813006/6411e0087192541a09d88223fb51a6a0/8.13.6/_/download/batch/jira.webresources:jira-global/jira.webresources:jira-global.js',
  },
  confluence: {
    css: '/s/en_GB/8703/b6d5e9a3c37e2e4b5f2f0e3b1ef0c6b7d2a1c9e4/_/download/batch/confluence.web.resources:aui-styles/confluence.web.resources:aui-styles.css',
    js: '/s/en_GB/8703/b6d5e9a3c37e2e4b5f2f0e3b1ef0c6b7d2a1c9e4/_/download/batch/confluence.web.resources:ajs/confluence.web.resources:ajs.js',
  },
};

export const CSS = 'body{font-family:-apple-system,"Segoe UI",sans-serif;margin:0}#header{background:#205081;color:#fff;padding:8px}.aui-page-panel{padding:16px}\n';

// The "batch" JS: an XHR helper with jQuery's cache-buster (`_` = a nonce started from the page's
// time and incremented per request), the issue page's dev-status poll, a REST comment post.
export const JS = `(function(){
var meta=function(n){var m=document.querySelector('meta[name="'+n+'"]');return m?m.getAttribute('content'):null;};
var AJS=window.AJS={contextPath:meta('ajs-context-path')||'',nonce:Number(meta('ajs-start-nonce')||0)};
AJS.xhr=function(method,url,body,headers){return new Promise(function(resolve){var x=new XMLHttpRequest();x.open(method,url,true);
x.setRequestHeader('X-Requested-With','XMLHttpRequest');x.setRequestHeader('Accept','application/json, text/javascript, */*; q=0.01');
for(var h in (headers||{}))x.setRequestHeader(h,headers[h]);x.onloadend=function(){resolve(x.status);};x.send(body||null);});};
AJS.get=function(path){return AJS.xhr('GET',AJS.contextPath+path+(path.indexOf('?')<0?'?':'&')+'_='+(AJS.nonce++));};
AJS.pollDevStatus=function(){return AJS.get('/rest/dev-status/1.0/issue/summary?issueId='+meta('ajs-issue-id'));};
AJS.pollNotifications=function(){return AJS.get('/rest/mywork/latest/status/notification/count');};
AJS.addComment=function(text){return AJS.xhr('POST',AJS.contextPath+'/rest/api/2/issue/'+meta('ajs-issue-key')+'/comment',JSON.stringify({body:text}),{'Content-Type':'application/json','X-Atlassian-Token':'no-check'});};
AJS.poll=function(){return meta('ajs-issue-id')?AJS.pollDevStatus():meta('ajs-page-id')?AJS.pollNotifications():Promise.resolve(0);};
AJS.ready=document.readyState==='loading'?new Promise(function(r){document.addEventListener('DOMContentLoaded',function(){AJS.poll().then(r);});}):AJS.poll();
})();
`;

export function page({ product, ctx, title, user, xsrf, nonce, meta = {}, body }) {
  const s = STATIC[product];
  const metas = Object.entries({ 'ajs-context-path': ctx, 'ajs-remote-user': user || '', 'atlassian-token': xsrf || '', 'ajs-start-nonce': nonce, ...meta })
    .map(([k, v]) => `<meta name="${k}" content="${esc(v)}">`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
${metas}
<link type="text/css" rel="stylesheet" href="${ctx}${s.css}" media="all">
<script type="text/javascript" src="${ctx}${s.js}"></script>
</head><body><div id="header">${product === 'jira' ? 'Jira' : 'Confluence'}${user ? ` - ${esc(user)}` : ''}</div>
<div class="aui-page-panel">${body}</div></body></html>
`;
}

export function loginForm({ action, destination, failed }) {
  return `${failed ? '<div class="aui-message error">Sorry, your username and password are incorrect - please try again.</div>' : ''}
<form id="login-form" method="post" action="${action}">
<input id="login-form-username" name="os_username" type="text">
<input id="login-form-password" name="os_password" type="password">
<input id="login-form-remember-me" name="os_cookie" type="checkbox" value="true"> Remember my login on this computer
<input type="hidden" name="os_destination" value="${esc(destination || '')}">
<input id="login-form-submit" type="submit" value="Log In">
</form>`;
}

export function issueBody({ ctx, key, summary, xsrf, comments }) {
  return `<h1 id="summary-val">${esc(summary)}</h1><div id="key-val">${esc(key)}</div>
<div id="issue_actions_container">${comments.map((c, i) => `<div class="activity-comment" id="comment-${10000 + i}">${esc(c)}</div>`).join('')}</div>
<form id="issue-comment-add" method="post" action="${ctx}/secure/AddComment.jspa?atl_token=${encodeURIComponent(xsrf)}">
<input type="hidden" name="id" value="${key}"><input type="hidden" name="atl_token" value="${esc(xsrf)}">
<textarea id="comment" name="comment"></textarea><input id="issue-comment-add-submit" type="submit" value="Add">
</form>
<a id="log_out" href="${ctx}/secure/Logout!default.jspa?atl_token=${encodeURIComponent(xsrf)}">Log Out</a>
${commentEditor()}`;
}

/**
 * The issue page's comment editor, as Jira's issue view has it: a text mode (a textarea) and a visual mode,
 * a contenteditable body inside a srcdoc iframe (no request, like the editor's about:blank frame). Saved by
 * REST: a 401 (session lost) sends the user to the login page and back to the issue, a 201 reloads the issue.
 * The browser extension's draft tests type here (tests/drafts.test.mjs).
 */
function commentEditor() {
  return `<form id="comment-form">
<textarea id="comment-text" aria-label="Comment (text)"></textarea>
<iframe id="comment-editor" title="Comment (visual)" srcdoc="<body contenteditable></body>"></iframe>
<input id="comment-save" type="submit" value="Save">
</form>
<script>document.getElementById('comment-form').addEventListener('submit', function (e) {
  e.preventDefault();
  var key = document.querySelector('meta[name="ajs-issue-key"]').content, issue = '/browse/' + key;
  var text = document.getElementById('comment-text').value || document.getElementById('comment-editor').contentDocument.body.innerText;
  AJS.addComment(text).then(function (status) {
    if (status === 201) location.assign(AJS.contextPath + issue);
    else if (status === 401) location.assign(AJS.contextPath + '/login.jsp?permissionViolation=true&os_destination=' + encodeURIComponent(issue));
    else e.target.setAttribute('data-status', String(status));
  });
});</script>`;
}

export function xsrfBody() {
  return '<h1>XSRF Security Token Missing</h1><p>Jira could not complete this action due to a missing form token.</p><p>You may have cleared your browser cookies, which could have resulted in the expiry of your current form token. A new form token has been reissued.</p>';
}
