// SPDX-License-Identifier: Apache-2.0
// End-to-end: netsweep serve in headless Debian chromium via playwright-core.
// node e2e.mjs BASE_URL PASSWORD
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, pw] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'nsw-e2e-profile-'));
let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures++;
}

const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] || await ctx.newPage();
// Waits are for behaviour, not speed: under ASan with the rest of ctest
// running beside it, a view can take longer than playwright's default 30 s
// (seen on the countries page). ctest's TIMEOUT still bounds the run.
page.setDefaultTimeout(120000);
const consoleErrors = [];
page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', e => consoleErrors.push(String(e)));

async function login(user) {
  await page.goto(base + '/');
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#username', user);
  await page.fill('#password', pw);
  await page.click('#login-submit');
  await page.waitForSelector('#nav:not([hidden])');
}

async function logout() {
  await page.click('#logout');
  await page.waitForSelector('#login:not([hidden])');
}

try {
  // 1. Log in as a reviewer; the overview appears.
  await login('reviewer');
  await page.waitForSelector('.cards');
  check((await page.textContent('#who')).includes('reviewer'), 'logged in as reviewer');
  check(await page.isHidden('#login'), 'login form hidden once logged in');

  // 2. Open the top suspect from the suspects table.
  await page.goto(base + '/#/suspects');
  await page.waitForSelector('.suspect-link');
  const name = await page.textContent('.suspect-link');
  await page.click('.suspect-link');
  await page.waitForSelector('#suspect-title');
  check((await page.textContent('#suspect-title')).includes(name), 'suspect page opened: ' + name);
  const terms = await page.$$eval('table tbody tr', rows => rows.length);
  check(terms > 0, 'score terms shown');

  // 3. The network view around that suspect.
  await page.click('#open-network');
  await page.waitForSelector('canvas#network');
  const info = await page.textContent('#network-info');
  const nodes = parseInt(info, 10);
  check(nodes > 1, 'network view drawn: ' + info);
  const painted = await page.$eval('canvas#network', c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
    return n;
  });
  check(painted > 500, 'network canvas has drawing (' + painted + ' px)');

  // 4. An image hit: no media by default; reveal gives a blurred grey preview.
  const fileId = await page.evaluate(async () => {
    const r = await fetch('/api/hits?limit=5000');
    const j = await r.json();
    const h = j.hits.find(h => (h.media_type || '').startsWith('image/') && h.evidence.startsWith('device'));
    return h ? h.file_id : null;
  });
  check(fileId !== null, 'found an image hit on a device');
  await page.goto(base + '/#/file/' + fileId);
  await page.waitForSelector('#reveal');
  check((await page.$$('img')).length === 0, 'no image shown before the reveal');
  await page.click('#reveal');
  await page.waitForSelector('img#preview');
  // (waitForFunction polls with eval, which the page's CSP forbids.)
  for (let i = 0; i < 100 && !(await page.$eval('img#preview', i => i.complete && i.naturalWidth > 0)); i++)
    await page.waitForTimeout(50);
  const px = await page.$eval('img#preview', img => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let hf = 0, n = 0, colour = 0;
    for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
      const i = 4 * (y * c.width + x);
      if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) colour++;
      if (x > 0) { hf += Math.abs(d[i] - d[i - 4]); n++; }
    }
    return { w: c.width, h: c.height, hf: hf / Math.max(1, n), colour };
  });
  check(px.w <= 128 && px.h <= 128, 'preview is small (' + px.w + 'x' + px.h + ')');
  check(px.colour === 0, 'preview is greyscale');
  check(px.hf < 3, 'preview is blurred (mean neighbour difference ' + px.hf.toFixed(2) + ')');

  // 4b. The accounts that posted a seized device's files.
  await page.goto(base + '/#/devices');
  await page.waitForSelector('.links-button');
  await page.click('.links-button');
  await page.waitForSelector('.device table a.link-account');
  check((await page.$$('.device table a.link-account')).length >= 1, 'a device links to at least one account');

  // 5. Referral export for the suspect's country (when the build has it).
  const cc = await page.evaluate(async () => (await (await fetch('/api/suspects?limit=1')).json()).suspects[0].country);
  await page.goto(base + '/#/countries');
  await page.waitForSelector('table a');
  await page.goto(base + '/#/countries?country=' + cc);
  await page.waitForSelector('#export');
  await page.click('#export');
  await page.waitForSelector('#export-result:not(:empty)');
  const exp = await page.textContent('#export-result');
  const referralAvailable = !exp.includes('not available') && !exp.includes('not configured');
  if (referralAvailable) check(exp.includes('written'), 'referral exported for ' + cc + ': ' + exp);
  else console.log('SKIP referral export: ' + exp);

  // 6. The audit log shows each step with the reviewer as actor.
  await page.goto(base + '/#/audit');
  await page.waitForSelector('#audit-verify');
  check((await page.textContent('#audit-verify')).startsWith('Chain verifies'), 'audit chain verifies');
  const log = await page.$$eval('table tbody tr', rows => rows.map(r => [...r.children].map(td => td.textContent)));
  const did = a => log.some(r => r[2] === 'reviewer' && r[3] === a);
  for (const a of ['auth.login', 'view.suspects', 'view.suspect', 'view.graph', 'view.file', 'media.reveal', 'view.links'])
    check(did(a), 'audit log shows ' + a + ' by reviewer');
  if (referralAvailable) check(log.some(r => r[2] === 'reviewer' && r[3] === 'refer.package'), 'audit log shows the referral package');
  await logout();

  // 7. An auditor cannot export (nor read suspects), but reads the audit log.
  await login('auditor');
  const st = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const post = await fetch('/api/referrals/DE', { method: 'POST', headers: { 'X-CSRF-Token': me.csrf, 'Content-Type': 'application/json' }, body: '{}' });
    const sus = await fetch('/api/suspects');
    const aud = await fetch('/api/audit');
    return [post.status, sus.status, aud.status];
  });
  check(st[0] === 403, 'auditor export refused (' + st[0] + ')');
  check(st[1] === 403, 'auditor cannot read suspects (' + st[1] + ')');
  check(st[2] === 200, 'auditor reads the audit log');
  await page.goto(base + '/#/countries');
  await page.waitForSelector('#view-error');
  check(true, 'auditor sees an error on the country view');
  const scriptErrors = consoleErrors.filter(e => !e.startsWith('Failed to load resource'));
  check(scriptErrors.length === 0, 'no script errors' + (scriptErrors.length ? ': ' + scriptErrors.join(' | ') : ''));
} catch (e) {
  console.log('FAIL ' + (e && e.stack || e));
  failures++;
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(failures ? failures + ' check(s) failed' : 'all checks passed');
process.exit(failures ? 1 : 0);
