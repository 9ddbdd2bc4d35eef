/* Service worker of the grid worker app. Scope: {{ scope }}
 * The shell (page, script, style, icons, manifest) is cached per version; the page is
 * answered from the cache at once and refreshed in the background, so the app opens
 * instantly on a slow network and at all without one. API calls are never cached here:
 * the app keeps its own data and outbox in IndexedDB. */
"use strict";

const VERSION = "{{ version }}";
const CACHE = `wangge-patrols-${VERSION}`;
const SHELL = "{{ scope }}";
const ASSETS = {{ assets_json|safe }};

async function cacheShell(cache) {
  try {
    const response = await fetch(SHELL, { credentials: "same-origin" });
    if (response.ok && !response.redirected) await cache.put(SHELL, response);
  } catch (error) {
    // offline while installing: the page is cached on its next visit
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    await cacheShell(cache);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("wangge-patrols-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

async function shell(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(SHELL);
  const network = fetch(event.request).then((response) => {
    // A redirect means the session ended (login page): never cache that as the shell.
    if (response.ok && !response.redirected && response.type === "basic") {
      cache.put(SHELL, response.clone());
    }
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => undefined));
    return cached;
  }
  return network;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(event));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname))
      .then((hit) => hit || fetch(request)));
  }
});
