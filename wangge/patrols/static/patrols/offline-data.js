/* The grid worker app's data on this device, as the site's own pages see it (an external
 * file, no inline script: the pages run under a Content-Security-Policy).
 *
 * - Before logout (a form marked data-logout): count the app's unsent records in
 *   IndexedDB; if there are any, say that logging out deletes them and let the user stay
 *   to sync them in the app first.
 * - After logout (the page marked data-wipe-offline-data): delete the app's IndexedDB
 *   database, its Cache Storage entries and its service worker, and htmx's history
 *   snapshots of pages, then go on to data-next. The logout response also sends
 *   Clear-Site-Data; this does the same where that header is not honoured.
 *
 * Names shared with app.js (database) and sw.js (cache prefix, scope).
 */
"use strict";

(() => {
  const DB_NAME = "wangge-patrols";
  const CACHE_PREFIX = "wangge-patrols-";
  const APP_SCOPE = "/patrols/app/";
  const HTMX_HISTORY = "htmx-history-cache";

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise((resolve) => { setTimeout(resolve, ms); })]);
  }

  async function databaseExists() {
    if (!window.indexedDB) return false;
    if (!indexedDB.databases) return true; // cannot tell: open() below never creates it
    try {
      return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
    } catch (e) {
      return true;
    }
  }

  async function unsentCount() {
    if (!(await databaseExists())) return 0;
    return new Promise((resolve) => {
      const request = indexedDB.open(DB_NAME);
      // The database does not exist: do not create an empty one here.
      request.onupgradeneeded = () => request.transaction.abort();
      request.onerror = () => resolve(0);
      request.onblocked = () => resolve(0);
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve(0); return; }
        const count = db.transaction("outbox", "readonly").objectStore("outbox").count();
        count.onsuccess = () => { db.close(); resolve(count.result); };
        count.onerror = () => { db.close(); resolve(0); };
      };
    });
  }

  function deleteDatabase() {
    return new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = () => resolve(true);
      request.onerror = () => resolve(false);
      // An open app tab closes its connection on "versionchange"; then this succeeds.
    });
  }

  async function wipe() {
    const steps = [];
    if (window.indexedDB) steps.push(withTimeout(deleteDatabase(), 5000));
    if (window.caches) {
      steps.push((async () => {
        for (const key of await caches.keys()) {
          if (key.startsWith(CACHE_PREFIX)) await caches.delete(key);
        }
      })().catch(() => undefined));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      steps.push((async () => {
        for (const registration of await navigator.serviceWorker.getRegistrations()) {
          if (new URL(registration.scope).pathname.startsWith(APP_SCOPE)) await registration.unregister();
        }
      })().catch(() => undefined));
    }
    for (const storage of ["sessionStorage", "localStorage"]) {
      try { window[storage].removeItem(HTMX_HISTORY); } catch (e) { /* storage disabled */ }
    }
    await Promise.all(steps);
  }

  function guardLogout(form) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      const waiting = await unsentCount();
      // The page's language (<html lang>) picks the warning's words; this file is shared
      // by every page, so it carries both.
      const english = (document.documentElement.lang || "").toLowerCase().startsWith("en");
      const warning = english
        ? `The grid worker app still has ${waiting} record(s) (visits, reports or patrols) `
          + "not synced to the server.\nSigning out deletes them from this device for good.\n\n"
          + "Press Cancel to stay signed in, open the grid worker app online and sync first; "
          + "press OK to sign out anyway."
        : `网格员工作台还有 ${waiting} 条记录（走访、上报或巡查）未同步到服务器。\n`
          + "退出后这些记录将从本机删除，无法恢复。\n\n"
          + "点“取消”不退出，请打开网格员工作台联网同步后再退出；点“确定”仍然退出。";
      if (waiting && !window.confirm(warning)) {
        return;
      }
      form.dataset.confirmed = "1";
      form.submit();
    });
  }

  for (const form of document.querySelectorAll("form[data-logout]")) guardLogout(form);

  const marker = document.querySelector("[data-wipe-offline-data]");
  if (marker) {
    wipe().finally(() => {
      marker.dataset.wiped = "1";
      if (marker.dataset.next) window.location.replace(marker.dataset.next);
    });
  }
})();
