// SPDX-License-Identifier: Apache-2.0
// netsweep workspace: a small single-page client over /api (docs/api.md).
// All data is inserted with textContent (never as HTML); no inline code.
'use strict';

let csrf = null;
let me = null;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) {
    if (k === null || k === undefined) continue;
    e.append(typeof k === 'string' || typeof k === 'number' ? String(k) : k);
  }
  return e;
}

async function api(method, path, body) {
  const opt = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    if (csrf) opt.headers['X-CSRF-Token'] = csrf;
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body || {});
  }
  const r = await fetch(path, opt);
  if (r.status === 401 && path !== '/api/login') {
    showLogin();
    throw new Error('login required');
  }
  return r;
}

async function json(method, path, body) {
  const r = await api(method, path, body);
  const j = await r.json().catch(() => ({ error: 'bad reply' }));
  if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
  return j;
}

function view() { return document.getElementById('view'); }
function clear() { const v = view(); v.replaceChildren(); return v; }
function fail(e) { clear().append(el('p', { class: 'error', id: 'view-error' }, e.message)); }

function table(cols, rows) {
  const t = el('table', {}, el('thead', {}, el('tr', {}, ...cols.map(c => el('th', {}, c[0])))));
  const tb = el('tbody');
  for (const r of rows) tb.append(el('tr', {}, ...cols.map(c => {
    const v = c[1](r);
    return el('td', c[2] ? { class: c[2] } : {}, v);
  })));
  t.append(tb);
  return t;
}

function showLogin() {
  csrf = null; me = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  document.getElementById('login').hidden = false;
  clear();
}

function loggedIn(u) {
  me = u; csrf = u.csrf;
  document.getElementById('login').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = u.username + ' (' + u.role + ')';
  route();
}

async function overview() {
  const o = await json('GET', '/api/overview');
  const v = clear();
  v.append(el('h1', {}, 'Case ' + o.case.name));
  const cards = el('div', { class: 'cards' });
  for (const [k, n] of Object.entries(o.counts)) cards.append(el('div', { class: 'card' }, el('b', {}, n), k.replace(/_/g, ' ')));
  v.append(cards);
  if (o.by_category) {
    v.append(el('h2', {}, 'Hits by category'));
    v.append(table([['Category', r => r.key], ['Hits', r => r.count]], o.by_category));
  }
}

async function hits() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const j = await json('GET', '/api/hits?' + q.toString());
  const v = clear();
  v.append(el('h1', {}, 'Hits (' + j.total + ')'));
  v.append(table([
    ['Evidence', r => r.evidence],
    ['Path', r => el('a', { href: '#/file/' + r.file_id }, r.path)],
    ['List', r => r.list],
    ['Category', r => r.category || ''],
    ['Match', r => r.algo + (r.algo === 'pdq' ? ' d=' + r.distance : '')],
    ['SHA-256', r => r.sha256 || '', 'mono'],
  ], j.hits));
}

async function fileView(id) {
  const f = await json('GET', '/api/files/' + encodeURIComponent(id));
  const v = clear();
  v.append(el('h1', {}, 'Item ' + f.id));
  v.append(table([['Field', r => r[0]], ['Value', r => String(r[1]), 'mono']],
    [['path', f.path], ['media type', f.media_type || ''], ['size', f.size], ['sha256', f.sha256 || ''], ['pdq', f.pdq || '']]));
  v.append(el('h2', {}, 'Spread over time'));
  const spread = el('div', { id: 'spread' });
  v.append(spread);
  if (f.sha256) {
    api('GET', '/api/items/' + f.sha256 + '/spread').then(async r => {
      const j = await r.json();
      if (!r.ok) { spread.append(el('p', { class: 'notice' }, j.error)); return; }
      spread.append(table([['Time', r => r.time_utc], ['Chat', r => r.chat], ['Account', r => r.account]], j.posts || []));
    }).catch(() => {});
  }
  v.append(el('h2', {}, 'Preview'));
  const box = el('div', { id: 'preview-box' }, el('p', { class: 'notice' }, 'Media is hidden. A reviewer can reveal a small, blurred, greyscale preview; the reveal is written to the audit log.'));
  v.append(box);
  if (me.role === 'reviewer' && f.revealable) {
    const show = async (level) => {
      const r = await api('POST', '/api/files/' + f.id + '/reveal', { level });
      if (!r.ok) { const j = await r.json(); box.append(el('p', { class: 'error' }, j.error)); return; }
      const url = URL.createObjectURL(await r.blob());
      const img = el('img', { class: 'preview', id: 'preview', alt: 'blurred preview (' + level + ')', src: url });
      img.addEventListener('load', () => URL.revokeObjectURL(url));
      box.replaceChildren(img, el('p', {}, 'Level: ' + level),
        level === 'blurred' ? el('button', { id: 'sharpen', type: 'button', onclick: () => show('sharper') }, 'Sharpen (audited)') : null,
        el('button', { type: 'button', onclick: () => box.replaceChildren(el('p', { class: 'notice' }, 'Hidden again.')) }, 'Hide'));
    };
    box.append(el('button', { id: 'reveal', type: 'button', onclick: () => show('blurred') }, 'Reveal blurred preview (audited)'));
  }
}

async function pending(title, path) {
  const v = clear();
  v.append(el('h1', {}, title));
  const r = await api('GET', path);
  const j = await r.json();
  if (!r.ok) { v.append(el('p', { class: 'notice', id: 'pending' }, j.error)); return null; }
  return j;
}

async function countries() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const cc = (q.get('country') || '').toUpperCase();
  const j = await json('GET', '/api/attribution' + (cc ? '?country=' + encodeURIComponent(cc) : ''));
  const v = clear();
  v.append(el('h1', {}, 'Accounts by country' + (cc ? ': ' + cc : '')));
  const counts = {};
  for (const a of j.accounts) counts[a.country] = (counts[a.country] || 0) + 1;
  if (!cc) {
    v.append(table([['Country', r => el('a', { href: '#/countries?country=' + r[0] }, r[0])], ['Accounts', r => r[1]]],
      Object.entries(counts).sort((a, b) => b[1] - a[1])));
    return;
  }
  const out = el('p', { id: 'export-result' });
  v.append(el('button', { id: 'export', type: 'button', onclick: async () => {
    const r = await api('POST', '/api/referrals/' + cc, {});
    const k = await r.json();
    out.textContent = r.ok ? ('Referral package written: ' + (k.package || '')) : k.error;
  } }, 'Export referral for ' + cc), out);
  v.append(table([
    ['Account', r => r.platform + ':' + r.native_id],
    ['Country', r => r.country + (r.conflict ? ' (conflict)' : '')],
    ['Bases', r => r.bases.map(b => b.country + ' ' + b.basis + ' ' + b.confidence).join('; ')],
  ], j.accounts));
}

async function audit() {
  const j = await json('GET', '/api/audit?limit=5000');
  const ver = await json('GET', '/api/audit/verify');
  const v = clear();
  v.append(el('h1', {}, 'Audit log'));
  v.append(el('p', { id: 'audit-verify' }, ver.ok ? ('Chain verifies: ' + ver.entries + ' entries') : ('CHAIN BROKEN at ' + ver.first_bad + ': ' + ver.reason)));
  v.append(table([['#', r => r.seq], ['Time', r => r.time_utc], ['Actor', r => r.actor], ['Action', r => r.action], ['Detail', r => r.detail, 'mono']],
    j.entries.slice().reverse()));
}

async function route() {
  if (!me) return;
  const h = location.hash || '#/overview';
  try {
    if (h.startsWith('#/overview')) await overview();
    else if (h.startsWith('#/hits')) await hits();
    else if (h.startsWith('#/file/')) await fileView(h.slice(7));
    else if (h.startsWith('#/countries')) await countries();
    else if (h.startsWith('#/audit')) await audit();
    else if (h.startsWith('#/suspects')) await pending('Suspects', '/api/suspects');
    else if (h.startsWith('#/chats')) await pending('Chats', '/api/chats');
    else if (h.startsWith('#/network')) await pending('Network', '/api/graph');
    else await overview();
  } catch (e) { if (me) fail(e); }
}

document.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('login').addEventListener('submit', async ev => {
    ev.preventDefault();
    const err = document.getElementById('login-error');
    err.textContent = '';
    try {
      const u = await json('POST', '/api/login', {
        username: document.getElementById('username').value,
        password: document.getElementById('password').value,
      });
      document.getElementById('password').value = '';
      loggedIn(u);
    } catch (e) { err.textContent = e.message; }
  });
  document.getElementById('logout').addEventListener('click', async () => {
    await api('POST', '/api/logout', {}).catch(() => {});
    showLogin();
  });
  window.addEventListener('hashchange', route);
  const r = await fetch('/api/me', { credentials: 'same-origin' });
  if (r.ok) loggedIn(await r.json()); else showLogin();
});
