// harlens in the watched sites' pages (registered at run time for those sites only, drafts-background.js), in
// the top frame, which watches its frames of the same origin itself: Jira's and Confluence's rich-text editors
// type inside an about:blank or srcdoc iframe. It starts with the document (document_start), before the page
// is parsed: a content script that starts later (document_idle) is run by a task the page's load event waits
// for, and one injected into a frame delays the frame's load event and with it the page's
// (scripts/bench-extension.mjs measured each at several milliseconds a page); the top frame looks into a frame
// only when the focus moves into it (see EAGER_FRAMES).
//   drafts   a copy of what the user types into textareas, text inputs and contenteditable editors, sent to
//            the background at most once a second per page (and when the field loses focus, the form is
//            submitted or the page goes away), stored in the extension's own database, never in the page
//   warning  in the top frame, a banner the moment the live monitor sees this application's session lost,
//            before the user presses Save: what happened, when, why, that the draft is safe, and a button to
//            log in in a new tab
//   restore  back on the page after logging in, "Restore your draft (saved 14:07)" beside the field; the text
//            goes in as typed text (an input event the editor handles), never as HTML
// Never kept: password fields, one-time codes, payment card fields, fields the page marks sensitive (the
// marks session-replay tools honour), and any field of a form with a password field (a login form).
// Everything shown is in a closed shadow root, text set with textContent, its host styled inline: page CSS
// and scripts cannot reach into it or read a draft from it.
//
// Cheap on page load (npm run bench measures it): a classic script (content scripts cannot be modules) that
// only adds a few listeners to the document, and to a same-origin frame's when the focus moves into it (in
// Firefox, once it has loaded and the page is idle). It touches no extension API until the user types: the
// background calls in (chrome.scripting.executeScript into this isolated world, `globalThis.harlens`) to
// show the banner and, on a page that has drafts, to hand them over, which offers them in its own document
// and in its same-origin editor frames.
(() => {
  if (globalThis.harlens) return; // run again in a tab that has it (a newly watched site)
  if (window !== window.top) return; // the top frame watches its frames (a script injected into one anyway)

  const WRITE_EVERY_MS = 1000;
  const MAX_TEXT = 1_000_000;
  const TEXT_INPUTS = new Set(['text', 'email', 'url', 'tel']);
  const SECRET_AUTOCOMPLETE = /\b(one-time-code|cc-[a-z-]+|current-password|new-password)\b/i;
  const SECRET_NAME = /pass(word|wd|phrase|code)?\b|passw|pwd|secret|token|otp|cvv|cvc|\bpin\b|card.?number|ssn/i;
  const MARKED_SENSITIVE = '[data-sensitive]:not([data-sensitive="false"]), [data-private], [data-hj-suppress], [data-sentry-mask], .sentry-mask, .fs-exclude, .rr-mask, [data-harlens="off"]';

  /** The name of a frame element as its parent sees it. */
  const frameName = (f) => (f.id ? `#${f.id}` : f.name ? `[name=${f.name}]` : f.localName);
  /** Prefix of a frame's field keys: `#editor-iframe > ` (the top document's fields have none). */
  const framePrefix = (f) => `${frameName(f)} > `;
  const isFrame = (node) => node?.localName === 'iframe' || node?.localName === 'frame';

  let enabled = true; // until the background says drafts are off
  const send = (message) => chrome.runtime.sendMessage(message).catch(() => null); // extension reloaded: nothing to do

  // ---- fields ---------------------------------------------------------------------------------------------

  /** The field an event target types into (the editing host for contenteditable), or null. */
  function fieldOf(node) {
    const el = node?.nodeType === 1 ? node : node?.parentElement;
    if (!el) return null;
    if (el.localName === 'textarea') return el.readOnly || el.disabled ? null : el;
    if (el.localName === 'input') return TEXT_INPUTS.has(el.type) && !el.readOnly && !el.disabled ? el : null;
    if (!el.isContentEditable) return null;
    let host = el;
    while (host.parentElement?.isContentEditable) host = host.parentElement;
    return host;
  }

  const verdicts = new WeakMap();
  /** Fields never kept; decided once per field. */
  function sensitive(el) {
    let v = verdicts.get(el);
    if (v === undefined) {
      const form = el.form ?? el.closest('form');
      v =
        el.type === 'password' ||
        SECRET_AUTOCOMPLETE.test(el.getAttribute('autocomplete') ?? '') ||
        SECRET_NAME.test(el.getAttribute('name') ?? '') ||
        SECRET_NAME.test(el.id) ||
        Boolean(el.closest(MARKED_SENSITIVE)) ||
        Boolean(form?.querySelector('input[type=password]'));
      verdicts.set(el, v);
    }
    return v;
  }

  const isRich = (el) => el.localName !== 'textarea' && el.localName !== 'input';
  const textOf = (el) => (isRich(el) ? el.innerText : el.value);

  /**
   * A field's key within the page, stable across visits: its id, its name (in its form), or its place; behind
   * its frame's prefix (this frame's, or that of an editor frame the top frame looks into).
   */
  function keyOf(el, frame) {
    if (el.id) return `${frame}#${el.id}`;
    if (el === el.ownerDocument.body) return `${frame}body`;
    const name = el.getAttribute('name');
    if (name) return `${frame}${el.form?.id ? `form#${el.form.id} ` : ''}${el.localName}[name=${name}]`;
    const same = [...el.ownerDocument.querySelectorAll(isRich(el) ? '[contenteditable]' : el.localName)];
    return `${frame}${el.localName}:${same.indexOf(el)}`;
  }

  // ---- keeping drafts ------------------------------------------------------------------------------------

  /** Fields typed into since the last write, with their frame's key prefix. */
  const dirty = new Map();
  let timer = 0;

  function flush() {
    clearTimeout(timer);
    timer = 0;
    for (const [el, frame] of dirty) {
      const text = textOf(el);
      if (text.length > MAX_TEXT) continue;
      send({ type: 'draft-save', field: keyOf(el, frame), text, kind: isRich(el) ? 'rich' : 'text' }).then((answer) => {
        if (answer?.off) enabled = false; // drafts are off in the options: stop sending
      });
    }
    dirty.clear();
  }

  const flushNow = () => dirty.size && flush();

  // ---- the documents watched: the top one, and its frames of the same origin ------------------------------

  /**
   * Whether frames are watched as soon as they have loaded, rather than when the focus moves into them. In
   * Chromium, looking into a frame from this script creates its isolated world there (about 3 ms on the issue
   * page's editor frame, measured by scripts/bench-extension-drafts.mjs), so a frame is watched when the
   * focus moves into it: the window's blur or the frame element's focusin, before anything is typed there.
   * Firefox's content scripts see other windows through Xray wrappers (`exportFunction` exists there only),
   * and a focus moved into a frame by script showed no event here (tests/firefox.test.mjs): frames are
   * watched once loaded. (A capturing 'load' listener on the document, the other way to see frames load,
   * runs for every image, script and style sheet.)
   */
  const EAGER_FRAMES = typeof globalThis.exportFunction === 'function';

  /** Per document, its listeners: the same functions every time, so that adding them again changes nothing. */
  const listeners = new WeakMap();

  /**
   * Keeps the drafts typed into `doc` (whose fields' keys start with `frame`), offers its fields their
   * drafts, and watches its frames. Again for the same document: listeners a `document.open()` erased are back.
   */
  function watch(doc, frame) {
    let on = listeners.get(doc);
    if (!on) {
      on = {
        input(e) {
          if (!enabled) return;
          const el = fieldOf(e.target);
          if (!el || sensitive(el)) return;
          dirty.set(el, frame);
          timer ||= setTimeout(flush, WRITE_EVERY_MS);
        },
        // A submitted form: its fields' drafts (and those of the editor frames inside it) are deleted by the
        // background once the page it leads to loads without an error or a login page.
        submit(e) {
          const form = e.target;
          flushNow();
          const fields = [];
          for (const node of form.querySelectorAll('textarea, input, [contenteditable]')) {
            const el = fieldOf(node);
            if (el && !sensitive(el)) fields.push(keyOf(el, frame));
          }
          for (const f of form.querySelectorAll('iframe, frame')) fields.push(`${frame}${framePrefix(f)}`);
          if (fields.length) send({ type: 'draft-submitted', fields });
        },
        // The focus moved into a field, or into a frame (the frame element takes the focus in this document):
        // a frame is watched from now on if it was not yet (the user is about to type there).
        focusin(e) {
          if (isFrame(e.target)) watchFrame(e.target);
          else if (waiting.length) offerIn(doc, frame, e.target);
        },
        // The document and its frames loaded: its frames are watched (at idle) when watching them early is
        // needed or cheap (see EAGER_FRAMES), when drafts wait to be offered there, or when this window has
        // no focus (then the focus moving into a frame may show no event here).
        loaded() {
          if (EAGER_FRAMES || waiting.length || !document.hasFocus()) for (const f of doc.querySelectorAll('iframe, frame')) later(f);
        },
        // The focus left this document: for the page's Save button (flush), or for one of its frames,
        // watched from now on if it was not yet (the user is about to type there).
        blur() {
          flushNow();
          if (isFrame(doc.activeElement)) watchFrame(doc.activeElement);
        },
      };
      listeners.set(doc, on);
    }
    doc.addEventListener('input', on.input, true);
    doc.addEventListener('submit', on.submit, true);
    doc.addEventListener('focusin', on.focusin, true);
    doc.addEventListener('focusout', flushNow, true);
    const win = doc.defaultView;
    if (doc.readyState !== 'complete') win?.addEventListener('load', on.loaded, { once: true });
    win?.addEventListener('blur', on.blur);
    win?.addEventListener('pagehide', flushNow);
    for (const f of doc.querySelectorAll('iframe, frame')) if (frameDocument(f)?.readyState === 'complete') later(f);
    if (isFrame(doc.activeElement)) watchFrame(doc.activeElement); // the focus is in a frame already
  }

  /** A frame's document, or null when it is of another origin (its fields are not kept). */
  function frameDocument(f) {
    try {
      return f.contentDocument;
    } catch {
      return null;
    }
  }

  function watchFrame(f) {
    const doc = frameDocument(f);
    if (doc) watch(doc, framePrefix(f));
  }

  /** Runs `fn` once the document is parsed (this script starts before). */
  function whenParsed(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => fn(), { once: true });
    else fn();
  }

  /** Watches a loaded frame once the page is idle: after its load event, never in its way. */
  function later(f) {
    if (window.requestIdleCallback) requestIdleCallback(() => watchFrame(f), { timeout: 1000 });
    else setTimeout(() => watchFrame(f), 0);
  }

  // ---- the UI: closed shadow roots, inline host styles, text only ----------------------------------------

  const STYLE = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .box { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #172b4d; background: #fff;
      border: 1px solid #dfe1e6; border-radius: 10px; box-shadow: 0 6px 24px rgba(9, 30, 66, .25); }
    .banner { border-left: 6px solid #de350b; padding: .75rem 1rem; max-width: 40rem; margin: .5rem auto; }
    .banner p { margin: 0 0 .35rem; }
    .banner .title { font-weight: 600; font-size: 15px; }
    .banner.back { border-left-color: #1f845a; }
    .actions { display: flex; gap: .5rem; flex-wrap: wrap; margin-top: .5rem; }
    .offer { display: flex; gap: .25rem; align-items: center; padding: .2rem; }
    button { font: inherit; font-size: 13px; color: inherit; background: #fff; border: 1px solid #dfe1e6; border-radius: 6px;
      padding: .3rem .75rem; cursor: pointer; }
    button:hover { border-color: #0052cc; }
    button.primary { background: #0052cc; border-color: #0052cc; color: #fff; }
    button.close { padding: .3rem .5rem; }
    :focus-visible { outline: 2px solid #0052cc; outline-offset: 2px; }
    @media (prefers-color-scheme: dark) {
      .box { color: #dee4ea; background: #1d2125; border-color: #38414a; }
      .banner { border-left-color: #f87462; }
      .banner.back { border-left-color: #4bce97; }
      button { background: #1d2125; border-color: #38414a; }
      button:hover { border-color: #579dff; }
      button.primary { background: #579dff; border-color: #579dff; color: #161a1d; }
      :focus-visible { outline-color: #579dff; }
    }`;

  function el(doc, tag, attrs, ...children) {
    const node = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    node.append(...children); // strings become text nodes
    return node;
  }

  /**
   * A host element in `doc` with a closed shadow root, and makers of its content; `place` is the host's
   * inline position (page CSS cannot override it).
   */
  function overlay(doc, tag, place) {
    const host = doc.createElement(tag);
    host.setAttribute('style', `all: initial !important; position: ${place.position} !important; z-index: 2147483647 !important; ${place.css}`);
    const root = host.attachShadow({ mode: 'closed' });
    root.append(el(doc, 'style', {}, STYLE));
    const make = (...a) => el(doc, ...a);
    const button = (text, attrs, onClick) => {
      const b = make('button', { type: 'button', ...attrs }, text);
      b.addEventListener('click', onClick);
      return b;
    };
    return { host, root, el: make, button };
  }

  const clock = (when) => {
    const d = new Date(when);
    const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`;
  };

  // ---- the session-loss banner (top frame) ---------------------------------------------------------------

  let banner = null;

  function showBanner(m) {
    if (document.readyState === 'loading') return whenParsed(() => showBanner(m));
    banner?.host.remove();
    const o = overlay(document, 'harlens-banner', { position: 'fixed', css: 'top: 0 !important; left: 0 !important; right: 0 !important;' });
    const draft = !m.drafts
      ? 'harlens does not keep drafts here (its options): copy what you typed before you leave this page.'
      : m.hasDraft
        ? 'Your draft on this page is safe: harlens kept a copy and offers it back after you log in.'
        : 'What you type on this page is kept as a draft until it is saved.';
    const box = o.el(
      'div',
      { class: 'box banner', role: 'alert' },
      o.el('p', { class: 'title' }, `You were logged out of ${m.app} at ${clock(m.at)}.`),
      o.el('p', {}, m.cause ? `Cause: ${m.cause}.` : 'Cause: not one harlens knows (the popup has the details).'),
      o.el('p', {}, `Saving now would fail. ${draft}`),
      o.el('div', { class: 'actions' }, o.button('Log in in a new tab', { class: 'primary' }, () => send({ type: 'open-login' })), o.button('Dismiss', {}, dismissBanner)),
    );
    box.addEventListener('keydown', (e) => e.key === 'Escape' && dismissBanner());
    o.root.append(box);
    document.documentElement.append(o.host);
    banner = { ...o, box };
  }

  function dismissBanner() {
    banner?.host.remove();
    banner = null;
  }

  function showBack(m) {
    if (!banner) return;
    banner.box.classList.add('back');
    banner.box.replaceChildren(
      banner.el('p', { class: 'title' }, `You are logged in to ${m.app} again (${clock(m.at)}).`),
      banner.el('p', {}, 'You can save now.'),
      banner.el('div', { class: 'actions' }, banner.button('Dismiss', {}, dismissBanner)),
    );
  }

  // ---- restoring a draft ---------------------------------------------------------------------------------

  /** Puts `text` into the field as typed text: the editor sees beforeinput/input and keeps it (and undo works). */
  function restoreInto(field, text) {
    const doc = field.ownerDocument;
    field.focus();
    if (isRich(field)) {
      const range = doc.createRange();
      range.selectNodeContents(field);
      const selection = doc.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    } else {
      field.select();
    }
    let inserted = false;
    try {
      inserted = doc.execCommand('insertText', false, text);
    } catch {
      inserted = false;
    }
    const same = (a, b) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();
    if (inserted && same(textOf(field), text)) return;
    // The editor refused the insertion command: set the text and announce it with an input event.
    if (isRich(field)) {
      field.replaceChildren(...text.split('\n').flatMap((line, i) => (i ? [doc.createElement('br'), line] : [line])));
    } else {
      field.value = text;
    }
    field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText', data: text }));
  }

  /** The drafts of this page not offered yet (a field may appear later: offered when it gets the focus). */
  let waiting = [];
  const offers = new Set(); // field keys with an offer on screen

  function offer(field, draft) {
    const key = draft.field;
    if (offers.has(key) || !draft.text.trim() || textOf(field).trim() === draft.text.trim()) return;
    const doc = field.ownerDocument;
    const win = doc.defaultView;
    const rect = field.getBoundingClientRect();
    const right = Math.max(0, doc.documentElement.clientWidth - rect.right) + 4 - win.scrollX;
    const top = Math.max(0, rect.top + win.scrollY) + 4;
    const o = overlay(doc, 'harlens-draft', { position: 'absolute', css: `top: ${top}px !important; right: ${right}px !important;` });
    const close = () => {
      o.host.remove();
      offers.delete(key);
      waiting = waiting.filter((d) => d.field !== key); // offered once per visit: restored, or declined
    };
    const restore = o.button(`Restore your draft (saved ${clock(draft.savedAt)})`, { class: 'primary' }, () => {
      close();
      restoreInto(field, draft.text);
    });
    const dismiss = o.button('×', { class: 'close', 'aria-label': 'Dismiss the draft offer', title: 'Dismiss' }, close);
    o.root.append(o.el('div', { class: 'box offer', role: 'group', 'aria-label': 'harlens draft' }, restore, dismiss));
    doc.documentElement.append(o.host);
    offers.add(key);
  }

  /** Offers the fields of `doc` (in the frame whose key prefix is `frame`) their drafts; only `target` if given. */
  function offerIn(doc, frame, target = null) {
    if (!waiting.some((d) => d.field.startsWith(frame))) return;
    const nodes = target ? [target] : [...doc.querySelectorAll('textarea, input, [contenteditable]'), doc.body];
    for (const node of nodes) {
      const field = node && fieldOf(node);
      if (!field || sensitive(field)) continue;
      const draft = waiting.find((d) => d.field === keyOf(field, frame));
      if (draft) offer(field, draft);
    }
  }

  /**
   * The page's drafts, handed to the top frame by the background: offered in this document, and in the editor
   * frames of this origin (about:blank and srcdoc frames included) once they have loaded.
   */
  function receive(drafts) {
    waiting = drafts;
    whenParsed(offerAll);
  }

  function offerAll() {
    offerIn(document, '');
    for (const f of document.querySelectorAll('iframe, frame')) {
      const prefix = framePrefix(f);
      if (!waiting.some((d) => d.field.startsWith(prefix))) continue;
      const inFrame = () => {
        const doc = frameDocument(f); // null across origins: such frames keep no drafts
        if (!doc?.body) return;
        watch(doc, prefix);
        offerIn(doc, prefix);
      };
      if (frameDocument(f)?.readyState === 'complete') inFrame();
      else f.addEventListener('load', inFrame, { once: true });
    }
  }

  watch(document, '');

  // What the background calls (chrome.scripting.executeScript runs in this isolated world, not the page's).
  globalThis.harlens = { banner: showBanner, back: showBack, drafts: receive };
  if (globalThis.harlensPending) {
    // Drafts the background handed over before this script ran.
    receive(globalThis.harlensPending);
    delete globalThis.harlensPending;
  }
})();
