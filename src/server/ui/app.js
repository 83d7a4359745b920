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
    const r = await api('GET', '/api/suspects?limit=5');
    if (r.ok) {
      const j = await r.json();
      v.append(el('h2', {}, 'Top suspects'), table([
        ['Rank', r => r.rank], ['Account', r => el('a', { href: '#/suspect/' + r.account_id }, r.names || r.native_id)],
        ['Country', r => r.country], ['Score', r => r.score.toFixed(2)]], j.suspects));
    }
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
    ['SHA-256', r => r.sha256 ? el('a', { href: '#/item/' + r.sha256, class: 'mono' }, r.sha256) : '', 'mono'],
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
  if (f.sha256) spreadInto(spread, f.sha256).catch(() => {});
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

async function spreadInto(box, hash) {
  const r = await api('GET', '/api/items/' + encodeURIComponent(hash) + '/spread');
  const j = await r.json();
  if (!r.ok) { box.append(el('p', { class: 'notice' }, j.error)); return; }
  for (const it of j.items) {
    box.append(el('p', {}, (it.known ? 'Known (' + it.list + ' ' + it.category + ')' : 'Not on a list') +
      ': ' + it.posts.length + ' posts, ' + it.chats + ' chats, ' + it.resharers + ' re-sharers, matched by ' + it.matched_by));
    box.append(timeline(it.posts));
    box.append(table([['#', r => r.seq], ['Time', r => r.time_utc], ['Chat', r => el('a', { href: '#/chat/' + r.chat_id }, r.chat || '')],
      ['Account', r => r.account_id ? el('a', { href: '#/suspect/' + r.account_id }, r.account || '') : ''], ['Kind', r => r.kind], ['Copy', r => r.copy, 'mono']], it.posts));
  }
}

// Posts over time: one dot per post, one row per chat (SVG).
function timeline(posts) {
  const NS = 'http://www.w3.org/2000/svg';
  const chats = [...new Set(posts.map(p => p.chat_id))];
  const t = posts.map(p => Date.parse(p.time_utc) || 0);
  const t0 = Math.min(...t), t1 = Math.max(...t) || 1;
  const W = 800, H = 20 + chats.length * 18;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('width', W); svg.setAttribute('height', H); svg.setAttribute('id', 'timeline');
  posts.forEach((p, i) => {
    const c = document.createElementNS(NS, 'circle');
    c.setAttribute('cx', 10 + (W - 20) * ((t[i] - t0) / Math.max(1, t1 - t0)));
    c.setAttribute('cy', 14 + chats.indexOf(p.chat_id) * 18);
    c.setAttribute('r', i === 0 ? 6 : 4);
    c.setAttribute('fill', i === 0 ? '#b00020' : '#1f5fa8');
    const tt = document.createElementNS(NS, 'title');
    tt.textContent = p.time_utc + ' ' + (p.chat || '') + ' ' + (p.account || '');
    c.append(tt);
    svg.append(c);
  });
  return svg;
}

function termsBar(terms) {
  return el('span', {}, terms.filter(t => t.contribution > 0).sort((a, b) => b.contribution - a.contribution)
    .map(t => t.name + ' ' + t.contribution.toFixed(1)).join(' + '));
}

async function suspects() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const j = await json('GET', '/api/suspects?' + q.toString());
  const v = clear();
  v.append(el('h1', {}, 'Suspects (' + j.count + ')'));
  const form = el('form', { id: 'suspect-filter' },
    el('label', {}, 'Country ', el('input', { id: 'f-country', size: '3', value: q.get('country') || '' })), ' ',
    el('label', {}, 'Category ', el('input', { id: 'f-category', size: '10', value: q.get('category') || '' })), ' ',
    el('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const p = new URLSearchParams();
    const c = document.getElementById('f-country').value.trim().toUpperCase();
    const k = document.getElementById('f-category').value.trim();
    if (c) p.set('country', c);
    if (k) p.set('category', k);
    location.hash = '#/suspects?' + p.toString();
  });
  v.append(form);
  v.append(table([
    ['Rank', r => r.rank],
    ['Account', r => el('a', { href: '#/suspect/' + r.account_id, class: 'suspect-link' }, r.names || r.native_id)],
    ['Platform', r => r.platform],
    ['Country', r => r.country],
    ['Score', r => r.score.toFixed(2)],
    ['Evidence behind the score', r => termsBar(r.terms)],
    ['Known items', r => r.known_items],
    ['Community', r => r.community],
  ], j.suspects));
}

async function suspect(id) {
  const s = await json('GET', '/api/suspects/' + encodeURIComponent(id));
  const v = clear();
  v.append(el('h1', { id: 'suspect-title' }, '#' + s.rank + ' ' + (s.names || s.native_id)));
  v.append(el('p', {}, s.platform + ':' + s.native_id + '  phones: ' + (s.phones || '-') + '  country: ' + (s.country || '-') + '  community ' + s.community),
    el('p', {}, el('a', { href: '#/network?suspect=' + s.account_id, id: 'open-network' }, 'Open the network around this suspect')));
  v.append(el('h2', {}, 'Score ' + s.score.toFixed(2) + ': terms'));
  v.append(table([['Term', r => r.name], ['Raw', r => r.raw], ['Value', r => r.value.toFixed(3)], ['Weight', r => r.weight], ['Contribution', r => r.contribution.toFixed(3)]], s.terms));
  v.append(el('h2', {}, 'Evidence (' + s.evidence.length + ' of ' + s.evidence_total + ')'));
  v.append(table([['Why', r => r.why], ['Time', r => r.time_utc], ['Chat', r => el('a', { href: '#/chat/' + r.chat_id }, r.chat)],
    ['Item', r => el('a', { href: '#/item/' + r.item, class: 'mono' }, r.item.slice(0, 16) + '...')], ['List', r => r.list], ['Category', r => r.category]], s.evidence));
}

async function chats() {
  const j = await json('GET', '/api/chats');
  const v = clear();
  v.append(el('h1', {}, 'Chats'));
  v.append(table([['Chat', r => el('a', { href: '#/chat/' + r.chat_id }, r.title || r.native_id)], ['Platform', r => r.platform],
    ['Messages', r => r.messages], ['Posts', r => r.posts], ['Known share', r => (100 * r.known_share).toFixed(1) + '%'],
    ['Active accounts', r => r.active_accounts], ['Bridged chats', r => r.bridged_chats],
    ['Network', r => el('a', { href: '#/network?chat=' + r.chat_id }, 'graph')]], j.chats));
}

async function chat(id) {
  const j = await json('GET', '/api/chats/' + encodeURIComponent(id) + '/messages?limit=500');
  const v = clear();
  v.append(el('h1', {}, 'Chat ' + id + ' (' + j.total + ' messages)'));
  v.append(el('p', { class: 'notice' }, 'Media are listed by id only and never shown.'));
  v.append(table([['Time', r => r.time_utc], ['Sender', r => r.sender_account_id ? el('a', { href: '#/suspect/' + r.sender_account_id }, r.sender || '') : (r.sender || '')],
    ['Forwarded from', r => r.forwarded_from || ''], ['Text', r => r.text || r.service_action || ''], ['Media', r => r.media_id ? 'media #' + r.media_id : '']], j.messages));
}

async function item(hash) {
  const v = clear();
  v.append(el('h1', {}, 'Item'), el('p', { class: 'mono' }, hash));
  const box = el('div', { id: 'spread' });
  v.append(box);
  await spreadInto(box, hash);
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

// The network view: a small force layout on a canvas. Suspects are
// circles sized by score and coloured by community; chats are squares.
async function network() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const v = clear();
  v.append(el('h1', {}, 'Network'));
  if (!q.get('suspect') && !q.get('chat')) {
    const s = await json('GET', '/api/suspects?limit=1');
    if (!s.suspects.length) { v.append(el('p', { class: 'notice' }, 'No suspects.')); return; }
    q.set('suspect', s.suspects[0].account_id);
  }
  if (!q.get('n')) q.set('n', '60');
  const g = await json('GET', '/api/graph?' + q.toString());
  const W = 900, H = 600;
  const cv = el('canvas', { id: 'network', width: W, height: H });
  const info = el('p', { id: 'network-info' }, g.nodes.length + ' nodes, ' + g.edges.length + ' edges. Click a suspect to open it.');
  v.append(info, cv);
  const idx = new Map(g.nodes.map((n, i) => [n.id, i]));
  const maxScore = Math.max(1, ...g.nodes.filter(n => n.type === 'suspect').map(n => n.score));
  let seed = 1;
  const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const P = g.nodes.map(n => ({ x: W / 2 + (rnd() - .5) * W * .8, y: H / 2 + (rnd() - .5) * H * .8, vx: 0, vy: 0,
    r: n.type === 'suspect' ? 5 + 15 * Math.sqrt(n.score / maxScore) : 6 }));
  const E = g.edges.map(e => [idx.get(e.source), idx.get(e.target)]).filter(e => e[0] !== undefined && e[1] !== undefined);
  for (let it = 0; it < 300; it++) {
    for (let i = 0; i < P.length; i++) for (let j = i + 1; j < P.length; j++) {
      const dx = P[i].x - P[j].x, dy = P[i].y - P[j].y, d2 = dx * dx + dy * dy + .01, f = 2000 / d2;
      P[i].vx += dx * f / Math.sqrt(d2); P[i].vy += dy * f / Math.sqrt(d2);
      P[j].vx -= dx * f / Math.sqrt(d2); P[j].vy -= dy * f / Math.sqrt(d2);
    }
    for (const [a, b] of E) {
      const dx = P[b].x - P[a].x, dy = P[b].y - P[a].y, d = Math.sqrt(dx * dx + dy * dy) + .01, f = (d - 80) * .02;
      P[a].vx += dx / d * f; P[a].vy += dy / d * f; P[b].vx -= dx / d * f; P[b].vy -= dy / d * f;
    }
    for (const p of P) {
      p.vx += (W / 2 - p.x) * .002; p.vy += (H / 2 - p.y) * .002;
      p.x = Math.min(W - 20, Math.max(20, p.x + Math.max(-10, Math.min(10, p.vx))));
      p.y = Math.min(H - 20, Math.max(20, p.y + Math.max(-10, Math.min(10, p.vy))));
      p.vx *= .6; p.vy *= .6;
    }
  }
  const ctx = cv.getContext('2d');
  ctx.strokeStyle = '#bbb';
  for (const [a, b] of E) { ctx.beginPath(); ctx.moveTo(P[a].x, P[a].y); ctx.lineTo(P[b].x, P[b].y); ctx.stroke(); }
  g.nodes.forEach((n, i) => {
    const p = P[i];
    ctx.fillStyle = n.type === 'suspect' ? PALETTE[Math.abs(n.community) % PALETTE.length] : '#444';
    ctx.beginPath();
    if (n.type === 'suspect') ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI); else ctx.rect(p.x - 5, p.y - 5, 10, 10);
    ctx.fill();
    if (n.focus) { ctx.strokeStyle = '#000'; ctx.lineWidth = 3; ctx.stroke(); ctx.lineWidth = 1; ctx.strokeStyle = '#bbb'; }
    ctx.fillStyle = '#222'; ctx.font = '11px sans-serif';
    ctx.fillText(n.label.slice(0, 24), p.x + p.r + 2, p.y + 3);
  });
  cv.addEventListener('click', ev => {
    const b = cv.getBoundingClientRect();
    const x = ev.clientX - b.left, y = ev.clientY - b.top;
    g.nodes.forEach((n, i) => {
      const p = P[i];
      if ((p.x - x) ** 2 + (p.y - y) ** 2 <= (p.r + 3) ** 2)
        location.hash = n.type === 'suspect' ? '#/suspect/' + n.account_id : '#/chat/' + n.chat_id;
    });
  });
  v.append(table([['Node', r => r.type === 'suspect' ? el('a', { href: '#/suspect/' + r.account_id }, r.label) : el('a', { href: '#/chat/' + r.chat_id }, r.label)],
    ['Type', r => r.type], ['Score', r => r.type === 'suspect' ? r.score.toFixed(2) : ''], ['Community', r => r.type === 'suspect' ? r.community : ''], ['Country', r => r.country || '']], g.nodes));
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

// Seized devices: who posted the files found on each (asked per device:
// each answer is an audited view).
async function devices() {
  const j = await json('GET', '/api/evidence');
  const v = clear();
  v.append(el('h1', {}, 'Seized devices'),
    el('p', {}, 'Which accounts posted the files found on a device, as exact copies or PDQ near-copies. A lead, not an identification.'));
  const items = j.evidence.filter(e => e.kind !== 'chat-export');
  if (!items.length) v.append(el('p', {}, 'No device in this case.'));
  for (const e of items) {
    const box = el('div', { class: 'device' }, el('h2', {}, e.label + ' (' + e.kind + ')'));
    const btn = el('button', { type: 'button', class: 'links-button' }, 'Who posted its files');
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const r = await json('GET', '/api/links?evidence=' + encodeURIComponent(e.label));
        box.append(r.links.length ? table([
          ['Account', l => el('a', { href: '#/suspect/' + l.account_id, class: 'link-account' }, l.account)],
          ['Platform', l => l.platform], ['Files', l => l.files], ['Exact', l => l.exact],
          ['Score', l => l.score.toFixed(2)]], r.links)
          : el('p', {}, 'No account posted any of its files.'));
      } catch (err) { box.append(el('p', { class: 'error' }, err.message)); }
    });
    box.append(btn);
    v.append(box);
  }
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
    else if (h.startsWith('#/suspects')) await suspects();
    else if (h.startsWith('#/suspect/')) await suspect(h.slice(10));
    else if (h.startsWith('#/chats')) await chats();
    else if (h.startsWith('#/chat/')) await chat(h.slice(7));
    else if (h.startsWith('#/item/')) await item(h.slice(7));
    else if (h.startsWith('#/network')) await network();
    else if (h.startsWith('#/devices')) await devices();
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
