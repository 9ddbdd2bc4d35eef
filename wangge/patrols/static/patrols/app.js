/* Grid worker app (网格员工作台): plain JS, no framework, no external assets.
 *
 * Works offline: the service worker caches the shell; today's work is cached in IndexedDB;
 * every record (visit, finding, patrol start/end) goes into an IndexedDB outbox with an
 * idempotency key and is sent in order when the network is back (online event, on load,
 * or "立即同步"). A record the server refuses stays in the outbox with the reason until the
 * worker edits or deletes it. All text from the server is inserted with textContent.
 *
 * The data on the phone belongs to one account ("owner" in IndexedDB). On start the app
 * asks the server who is signed in (/session) before it shows anything: another account
 * gets a clean phone (the previous owner's lists and unsent records are deleted); with
 * nobody signed in the cached lists are deleted and the owner's unsent records are kept,
 * unshown, until the owner signs in again. The site's logout deletes everything after
 * warning about unsent records (patrols/offline-data.js); so does the app's own logout.
 */
"use strict";

(() => {
  const body = document.body;
  const API = body.dataset.api;
  const LOGIN_URL = body.dataset.login;
  const CASE_URL = body.dataset.caseUrl;
  const LOGOUT_URL = body.dataset.logout;
  const $ = (selector, root = document) => root.querySelector(selector);

  // ------------------------------------------------------------ words
  // The page carries its words in the chosen language as JSON (not executed, so allowed
  // by the CSP; cached with the page for offline use). A key is the Chinese text itself,
  // so a word missing from the dictionary shows in Chinese. {0}, {1}… are the arguments.
  let WORDS = {};
  try { WORDS = JSON.parse(($("#app-strings") || {}).textContent || "{}"); } catch (error) { WORDS = {}; }
  function t(key, ...args) {
    return (WORDS[key] || key).replace(/\{(\d+)\}/g, (match, n) => (n < args.length ? String(args[n]) : match));
  }

  // ------------------------------------------------------------ IndexedDB (idb-keyval-like)
  const DB_NAME = "wangge-patrols";
  let dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "key" });
          if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        };
        request.onsuccess = () => {
          const db = request.result;
          // Another page deletes the database (logout in another tab): let it, and stop
          // showing what was in it.
          db.onversionchange = (event) => {
            db.close();
            dbPromise = null;
            if (event.newVersion === null) signedOutElsewhere(); // deleted, not upgraded
          };
          db.onclose = () => { dbPromise = null; signedOutElsewhere(); }; // storage cleared
          resolve(db);
        };
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  async function withStore(name, mode, action) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = action(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const kv = {
    get: (key) => withStore("kv", "readonly", (store) => store.get(key)),
    set: (key, value) => withStore("kv", "readwrite", (store) => store.put(value, key)),
    del: (key) => withStore("kv", "readwrite", (store) => store.delete(key)),
  };
  const outbox = {
    all: async () => (await withStore("outbox", "readonly", (store) => store.getAll())).sort((a, b) => a.seq - b.seq),
    put: (record) => withStore("outbox", "readwrite", (store) => store.put(record)),
    del: (key) => withStore("outbox", "readwrite", (store) => store.delete(key)),
    clear: () => withStore("outbox", "readwrite", (store) => store.clear()),
  };
  // The cached lists: personal data (heads of household, addresses, overdue visits).
  const CACHED_KEYS = ["today", "households"];

  // ------------------------------------------------------------ small helpers
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  let lastSeq = 0;
  function nextSeq() { lastSeq = Math.max(Date.now(), lastSeq + 1); return lastSeq; }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function hhmm(iso) {
    const d = new Date(iso);
    return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  }

  function mmdd(value) {
    const d = typeof value === "string" && value.length === 10 ? new Date(`${value}T00:00:00`) : new Date(value);
    return t("{0}月{1}日", d.getMonth() + 1, d.getDate());
  }

  function daysBetween(from, to) {
    return Math.round((new Date(`${to}T00:00:00`) - new Date(`${from}T00:00:00`)) / 86400000);
  }

  const FIELD_LABELS = {
    household_id: t("走访户"), grid_id: t("网格"), mode: t("走访方式"), outcome: t("走访结果"), needs: t("群众诉求"),
    changes: t("信息变化"), at: t("走访时间"), client_ref: t("巡查"), patrol_ref: t("巡查"), description: t("问题描述"),
    category_id: t("事件类别"), photos: t("照片"), photo: t("照片"), started_at: t("开始时间"), ended_at: t("结束时间"),
    points: t("轨迹"), duties: t("履职类别"), duty: t("履职类别"), lat: t("位置"), lng: t("位置"), address: t("地址"),
    notes: t("情况记录"), "Idempotency-Key": t("同步编号"),
  };

  // ------------------------------------------------------------ state
  const state = {
    today: null, // the last /today answer (also kept in IndexedDB for offline use)
    todayAt: null,
    patrol: null, // the patrol in progress on this phone {client_ref, grid_id, grid_name, started_at, points}
    records: [], // outbox contents
    households: {}, // households seen (id → brief), for offline lookup
    view: "today",
    syncing: false,
    authNeeded: false,
    owner: null, // the account the data on this phone belongs to
    signedOut: false, // nobody is signed in: nothing personal is shown
  };

  // ------------------------------------------------------------ network status and banner
  function renderNet() {
    const net = $("#net");
    const online = navigator.onLine;
    net.textContent = online ? t("在线") : t("离线");
    net.classList.toggle("offline", !online);
  }

  function banner(message, link) {
    const node = $("#banner");
    clear(node);
    if (!message) { node.hidden = true; return; }
    node.append(message);
    if (link) node.append(" ", el("a", { href: link.href, text: link.text }));
    node.hidden = false;
  }

  function renderBanner() {
    if (state.signedOut) {
      const waiting = state.records.length;
      banner(waiting ? t("未登录。手机上有 {0} 条记录待同步，原账号登录后自动提交。", waiting) : t("未登录。"),
        { href: LOGIN_URL, text: t("登录") });
    } else if (state.authNeeded) {
      banner(t("登录已过期，记录仍保存在手机上。"), { href: LOGIN_URL, text: t("重新登录后自动同步") });
    } else if (!navigator.onLine) {
      banner(t("当前离线：记录会保存在手机上，联网后自动提交。"));
    } else {
      banner("");
    }
  }

  // ------------------------------------------------------------ tabs
  function show(view) {
    state.view = view;
    for (const section of document.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
    for (const tab of document.querySelectorAll("[data-tab]")) tab.classList.toggle("active", tab.dataset.tab === view);
    window.scrollTo(0, 0);
  }

  // ------------------------------------------------------------ API
  async function api(path, options = {}) {
    const response = await fetch(API + path, { credentials: "same-origin", ...options });
    return response;
  }

  async function errorOf(response) {
    let detail = null;
    try { detail = (await response.json()).detail; } catch (e) { detail = null; }
    const first = Array.isArray(detail) ? detail[0] || {} : { msg: typeof detail === "string" ? detail : "" };
    const loc = Array.isArray(first.loc) ? first.loc : [];
    const field = loc.length > 1 ? String(loc[loc.length - 1]) : "";
    let message = first.msg || t("服务器拒绝（{0}）", response.status);
    if (response.status === 422 && first.type !== "idempotency_mismatch") message = t("提交内容不完整或格式不正确");
    return { message, field, type: first.type || "", status: response.status };
  }

  function describe(error) {
    const label = FIELD_LABELS[error.field] || "";
    return label ? t("{0}（{1}）", error.message, label) : error.message;
  }

  // ------------------------------------------------------------ whose data is on this phone
  /* The signed-in account: {user_id}, null when nobody is signed in, undefined when the
   * server cannot be asked (offline): then the phone shows what it has, as before. */
  async function whoIsSignedIn() {
    if (!navigator.onLine) return undefined;
    try {
      const response = await api("/session", { cache: "no-store" });
      if (response.status === 401 || response.status === 403) return null;
      if (!response.ok) return undefined;
      return await response.json();
    } catch (e) {
      return undefined;
    }
  }

  function resetState() {
    state.today = null;
    state.todayAt = null;
    state.households = {};
    state.patrol = null;
    stopTracking();
  }

  /* Everything of the previous account: lists, patrol in progress, unsent records. */
  async function wipeAll() {
    await outbox.clear();
    await withStore("kv", "readwrite", (store) => store.clear());
    resetState();
    state.records = [];
  }

  /* Nobody is signed in: the lists go; the owner's unsent work stays for the owner. */
  async function forgetCachedLists() {
    for (const key of CACHED_KEYS) await kv.del(key);
    state.today = null;
    state.todayAt = null;
    state.households = {};
  }

  async function adoptOwner(userId) {
    let owner = await kv.get("owner");
    if (owner === undefined) {
      // Data saved before owners were recorded: the account of its cached lists.
      const cached = await kv.get("today");
      owner = cached ? cached.data.user_id : undefined;
    }
    if (owner !== undefined && owner !== userId) await wipeAll();
    // Records queued under another account (older versions kept them) are never sent.
    for (const record of await outbox.all()) {
      if (record.user_id && record.user_id !== userId) await outbox.del(record.key);
    }
    await kv.set("owner", userId);
    state.owner = userId;
    state.signedOut = false;
  }

  async function checkOwner() {
    const who = await whoIsSignedIn();
    if (who === null) {
      await forgetCachedLists();
      state.owner = (await kv.get("owner")) ?? null;
      state.signedOut = true;
    } else if (who) {
      await adoptOwner(who.user_id);
    } else {
      state.owner = (await kv.get("owner")) ?? null;
    }
  }

  function signedOutElsewhere() {
    resetState();
    state.records = [];
    state.signedOut = true;
    renderToday();
    renderOutbox();
    renderBanner();
  }

  // ------------------------------------------------------------ today
  async function loadToday() {
    if (!navigator.onLine) return;
    let response;
    try { response = await api("/today"); } catch (e) { return; }
    if (response.status === 401 || response.status === 403) {
      if (response.status === 401) {
        // The session ended while the app was open: as with nobody signed in at start,
        // the lists go and the owner's unsent work stays, unshown.
        await forgetCachedLists();
        state.authNeeded = true;
        state.signedOut = true;
        renderToday();
        renderOutbox();
        renderBanner();
      }
      else {
        const error = await errorOf(response);
        banner(error.message);
      }
      return;
    }
    if (!response.ok) return;
    const today = await response.json();
    // Another account signed in meanwhile (in another tab): nothing of the previous one stays.
    if (state.owner !== today.user_id) {
      await adoptOwner(today.user_id);
      await refreshOutbox();
    }
    state.today = today;
    state.todayAt = new Date().toISOString();
    state.authNeeded = false;
    for (const item of [...state.today.overdue, ...state.today.due_today, ...state.today.due_this_week]) {
      state.households[item.household_id] = item;
    }
    await kv.set("today", { data: state.today, at: state.todayAt });
    await kv.set("households", state.households);
    adoptServerPatrol();
    fillChoices();
    renderToday();
    renderBanner();
  }

  function adoptServerPatrol() {
    const server = state.today && state.today.patrol;
    const pendingStart = state.records.some((r) => r.kind === "patrol_start");
    if (!state.patrol && server && !server.ended_at && !pendingStart) {
      state.patrol = {
        client_ref: server.client_ref, grid_id: server.grid_id, grid_name: server.grid_name,
        started_at: server.started_at, points: [],
      };
      kv.set("patrol", state.patrol);
    }
    if (state.patrol && server && server.client_ref === state.patrol.client_ref && server.ended_at) {
      state.patrol = null;
      kv.del("patrol");
    }
  }

  function pendingVisitIds() {
    return new Set(state.records.filter((r) => r.kind === "visit" && r.status !== "refused").map((r) => r.body.household_id));
  }

  function householdItem(item, pending) {
    const due = item.window;
    const today = state.today ? state.today.date : due.due;
    let badge;
    if (pending.has(item.household_id)) badge = el("span", { class: "badge wait", text: t("已记录·待同步") });
    // Past its due date it is overdue, in whichever list (the grace period only keeps it
    // off the overdue list): a household due 8 days ago reads 逾期8天.
    else if (daysBetween(due.due, today) > 0) badge = el("span", { class: "badge warn", "data-overdue": "", text: t("逾期{0}天", daysBetween(due.due, today)) });
    else if (due.due === today) badge = el("span", { class: "badge", text: t("今日应访") });
    else badge = el("span", { class: "badge", text: t("{0}应访", mmdd(due.due)) });
    const title = `${item.address}${item.room ? ` ${item.room}` : ""}`;
    return el("li", { "data-household": item.household_id },
      el("div", { class: "grow" },
        el("div", { class: "title", text: title }),
        el("div", { class: "muted small", text: [item.head_name, item.grid_name, due.cadence_label].filter(Boolean).join(" · ") }),
        badge),
      el("button", { type: "button", class: "btn btn-small btn-primary", text: t("走访"), onclick: () => openVisit(item) }));
  }

  function renderList(selector, countSelector, items, emptyText) {
    const list = clear($(selector));
    const pending = pendingVisitIds();
    $(countSelector).textContent = String(items.length);
    if (!items.length) list.append(el("li", { class: "empty", text: emptyText }));
    for (const item of items) list.append(householdItem(item, pending));
  }

  function renderToday() {
    const today = state.today;
    const status = $("#today-status");
    if (!today) {
      if (state.signedOut || state.authNeeded) status.textContent = t("请登录后查看今日工作。");
      else status.textContent = navigator.onLine ? t("正在加载今日工作…") : t("离线且手机上还没有今日工作数据，请联网后打开一次。");
      for (const [list, count] of [["#list-overdue", "#n-overdue"], ["#list-today", "#n-today"], ["#list-week", "#n-week"], ["#list-verify", "#n-verify"]]) {
        clear($(list));
        $(count).textContent = "0";
      }
      renderPatrol();
      return;
    }
    const stamp = state.todayAt ? t("，数据更新于 {0}", hhmm(state.todayAt)) : "";
    status.textContent = `${today.worker_name} · ${mmdd(today.date)}${stamp}`;
    renderPatrol();
    renderList("#list-overdue", "#n-overdue", today.overdue, t("没有逾期未访的户"));
    renderList("#list-today", "#n-today", today.due_today, t("今日没有应访的户"));
    renderList("#list-week", "#n-week", today.due_this_week, t("本周没有其他应访的户"));
    const verify = clear($("#list-verify"));
    $("#n-verify").textContent = String(today.cases_to_verify.length);
    if (!today.cases_to_verify.length) verify.append(el("li", { class: "empty", text: t("没有待核查的案件") }));
    for (const item of today.cases_to_verify) {
      verify.append(el("li", {},
        el("div", { class: "grow" },
          el("div", { class: "title", text: `${item.category} · ${item.address || t("（无地址）")}` }),
          el("div", { class: "muted small", text: `${item.number} · ${item.status}` })),
        el("a", { class: "btn btn-small", href: `${CASE_URL}${item.id}/`, text: t("核查") })));
    }
  }

  // ------------------------------------------------------------ patrol
  let watchId = null;

  function renderPatrol() {
    const card = clear($("#patrol-card"));
    const grids = state.today ? state.today.grids : [];
    if (state.patrol) {
      const patrol = state.patrol;
      card.append(
        el("h2", { text: t("巡查中") }),
        el("p", { class: "muted", text: t("{0} · {1} 开始 · 轨迹点 {2} 个", patrol.grid_name, hhmm(patrol.started_at), patrol.points.length) }),
        el("label", { class: "form" }, t("巡查情况"), el("textarea", { id: "patrol-notes", rows: "2", maxlength: "2000" })),
        el("div", { class: "actions" },
          el("button", { type: "button", class: "btn btn-primary", id: "patrol-end", text: t("结束巡查"), onclick: endPatrol })));
      startTracking();
      return;
    }
    stopTracking();
    const server = state.today && state.today.patrol;
    if (server && server.ended_at) {
      card.append(el("p", { class: "muted small", text: t("今日已巡查：{0} {1}–{2}", server.grid_name, hhmm(server.started_at), hhmm(server.ended_at)) }));
    }
    card.append(el("h2", { text: t("今日巡查") }));
    if (!grids.length) {
      card.append(el("p", { class: "muted", text: state.today ? t("您当前没有负责的网格。") : t("联网后可开始巡查。") }));
      return;
    }
    const select = el("select", { id: "patrol-grid", "aria-label": t("巡查网格") },
      grids.map((g) => el("option", { value: g.id, text: g.name })));
    card.append(el("div", { class: "row" }, select,
      el("button", { type: "button", class: "btn btn-primary", id: "patrol-start", text: t("开始巡查"), onclick: startPatrol })));
  }

  async function startPatrol() {
    const select = $("#patrol-grid");
    const grid = state.today.grids.find((g) => String(g.id) === select.value);
    const patrol = { client_ref: uuid(), grid_id: grid.id, grid_name: grid.name, started_at: new Date().toISOString(), points: [] };
    state.patrol = patrol;
    await kv.set("patrol", patrol);
    await enqueue({
      kind: "patrol_start", url: "/patrols/start", label: t("开始巡查 · {0}", grid.name),
      body: { client_ref: patrol.client_ref, grid_id: grid.id, started_at: patrol.started_at },
    });
    renderPatrol();
  }

  async function endPatrol() {
    const patrol = state.patrol;
    if (!patrol) return;
    const notes = ($("#patrol-notes") || {}).value || "";
    await enqueue({
      kind: "patrol_end", url: "/patrols/end", label: t("结束巡查 · {0}", patrol.grid_name),
      body: { client_ref: patrol.client_ref, ended_at: new Date().toISOString(), points: patrol.points, notes },
    });
    state.patrol = null;
    await kv.del("patrol");
    renderPatrol();
  }

  function startTracking() {
    if (watchId !== null || !("geolocation" in navigator)) return;
    let last = 0;
    watchId = navigator.geolocation.watchPosition((position) => {
      if (!state.patrol || Date.now() - last < 30000) return;
      last = Date.now();
      state.patrol.points.push({ lat: position.coords.latitude, lng: position.coords.longitude, at: new Date().toISOString() });
      kv.set("patrol", state.patrol);
    }, () => stopTracking(), { enableHighAccuracy: true, maximumAge: 30000 });
  }

  function stopTracking() {
    if (watchId !== null && "geolocation" in navigator) navigator.geolocation.clearWatch(watchId);
    watchId = null;
  }

  // ------------------------------------------------------------ forms: choices
  function fillSelect(select, choices, keep) {
    const first = keep ? select.querySelector("option[value='']") : null;
    clear(select);
    if (first) select.append(first);
    for (const choice of choices) select.append(el("option", { value: choice.value ?? choice.id, text: choice.label ?? choice.name }));
  }

  function fillChoices() {
    const today = state.today;
    if (!today) return;
    const visit = $("#visit-form");
    fillSelect(visit.mode, today.modes);
    fillSelect(visit.outcome, today.outcomes);
    fillSelect(visit.duty, today.duties, true);
    const changes = clear($("#changes"));
    for (const field of today.change_fields) {
      changes.append(el("label", {}, field.label, el("input", { name: `change:${field.value}`, maxlength: "200" })));
    }
    const report = $("#report-form");
    fillSelect(report.grid_id, today.grids.map((g) => ({ value: g.id, label: g.name })));
    fillSelect(report.category_id, today.categories, true);
    fillSelect(report.duty, today.duties, true);
  }

  // ------------------------------------------------------------ visit form
  function addNeed(value = {}) {
    const categories = state.today ? state.today.categories : [];
    const select = el("select", { name: "need_category", "aria-label": t("诉求类别") },
      el("option", { value: "", text: t("诉求类别") }), categories.map((c) => el("option", { value: c.id, text: c.name })),
      ((state.today && state.today.need_kinds) || []).map((k) => el("option", { value: `kind:${k.value}`, text: k.label })));
    if (value.category_id) select.value = String(value.category_id);
    if (value.kind) select.value = `kind:${value.kind}`;
    const text = el("input", { name: "need_description", maxlength: "1000", placeholder: t("诉求内容"), "aria-label": t("诉求内容") });
    text.value = value.description || "";
    const row = el("div", { class: "need" }, select, text,
      el("button", { type: "button", class: "btn btn-small", text: t("移除"), onclick: () => row.remove() }));
    $("#needs").append(row);
  }

  function openVisit(item, record) {
    const form = $("#visit-form");
    form.reset();
    clear($("#needs"));
    $("#visit-error").hidden = true;
    form.household_id.value = item.household_id;
    form.replaces.value = record ? record.key : "";
    $("#visit-household").textContent = `${item.address}${item.room ? ` ${item.room}` : ""}${item.head_name ? ` · ${item.head_name}` : ""}`;
    $("#visit-title").textContent = record ? t("修改走访后重新提交") : t("记录走访");
    if (record) {
      const b = record.body;
      form.mode.value = b.mode; form.outcome.value = b.outcome; form.duty.value = b.duty || ""; form.notes.value = b.notes || "";
      for (const need of b.needs || []) addNeed(need);
      for (const [key, value] of Object.entries(b.changes || {})) {
        const input = form.querySelector(`[name="change:${key}"]`);
        if (input) input.value = value;
      }
      if (record.error) { $("#visit-error").textContent = record.error; $("#visit-error").hidden = false; }
    }
    show("visit");
  }

  async function saveVisit(event) {
    event.preventDefault();
    const form = event.target;
    const error = $("#visit-error");
    const needs = [];
    for (const row of document.querySelectorAll("#needs .need")) {
      const category = row.querySelector("select").value;
      const description = row.querySelector("input").value.trim();
      if (!category && !description) continue;
      if (!category || !description) { error.textContent = t("每项诉求都要选择类别并填写内容"); error.hidden = false; return; }
      needs.push(category.startsWith("kind:") ? { kind: category.slice(5), description } : { category_id: Number(category), description });
    }
    if (form.outcome.value === "needs" && !needs.length) { error.textContent = t("走访结果为“有诉求”时请添加诉求"); error.hidden = false; return; }
    const changes = {};
    for (const input of form.querySelectorAll("[name^='change:']")) {
      if (input.value.trim()) changes[input.name.slice(7)] = input.value.trim();
    }
    const householdId = Number(form.household_id.value);
    const item = state.households[householdId] || {};
    const at = new Date().toISOString();
    await enqueue({
      kind: "visit", url: "/visits",
      label: t("走访 · {0}{1} · {2}", item.address || t("户 {0}", householdId), item.room ? ` ${item.room}` : "", hhmm(at)),
      body: { household_id: householdId, at, mode: form.mode.value, outcome: form.outcome.value, duty: form.duty.value, notes: form.notes.value.trim(), needs, changes },
    }, form.replaces.value);
    show("today");
    renderToday();
  }

  // ------------------------------------------------------------ report (finding) form
  async function shrink(file) {
    if (!file || !window.createImageBitmap || file.size < 600 * 1024) return file;
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
      return blob && blob.size < file.size ? blob : file;
    } catch (e) {
      return file;
    }
  }

  function locate() {
    const out = $("#location");
    if (!("geolocation" in navigator)) { out.textContent = t("本机不支持定位"); return; }
    out.textContent = t("定位中…");
    navigator.geolocation.getCurrentPosition((position) => {
      const form = $("#report-form");
      form.lat.value = position.coords.latitude.toFixed(6);
      form.lng.value = position.coords.longitude.toFixed(6);
      out.textContent = t("已定位 {0}, {1}", form.lat.value, form.lng.value);
    }, () => { out.textContent = t("定位失败，可填写地址"); }, { enableHighAccuracy: true, timeout: 15000 });
  }

  function openReport(record) {
    const form = $("#report-form");
    form.reset();
    $("#report-error").hidden = true;
    $("#location").textContent = t("未定位");
    form.replaces.value = record ? record.key : "";
    if (record) {
      for (const [key, value] of Object.entries(record.form)) if (form[key] && key !== "photo") form[key].value = value;
      if (record.form.lat) $("#location").textContent = t("已定位 {0}, {1}", record.form.lat, record.form.lng);
      $("#report-error").textContent = record.error + (record.photo ? t("（照片已保留，如需更换请重新选择）") : "");
      $("#report-error").hidden = false;
    }
    show("report");
  }

  async function saveReport(event) {
    event.preventDefault();
    const form = event.target;
    const error = $("#report-error");
    if (!form.category_id.value || !form.description.value.trim()) {
      error.textContent = t("请选择事件类别并填写问题描述");
      error.hidden = false;
      return;
    }
    const previous = form.replaces.value ? state.records.find((r) => r.key === form.replaces.value) : null;
    const file = form.photo.files[0];
    const photo = file ? await shrink(file) : previous ? previous.photo : null;
    const fields = {
      grid_id: form.grid_id.value, category_id: form.category_id.value, description: form.description.value.trim(),
      address: form.address.value.trim(), duty: form.duty.value, lat: form.lat.value, lng: form.lng.value,
      patrol_ref: state.patrol ? state.patrol.client_ref : previous ? previous.form.patrol_ref : "",
    };
    for (const key of Object.keys(fields)) if (fields[key] === "") delete fields[key];
    const category = state.today.categories.find((c) => String(c.id) === fields.category_id);
    await enqueue({
      kind: "finding", url: "/findings", label: t("上报 · {0} · {1}", category ? category.name : t("问题"), fields.description.slice(0, 20)),
      form: fields, photo: photo || null, photoName: file ? file.name : previous ? previous.photoName : "",
    }, form.replaces.value);
    form.reset();
    $("#location").textContent = t("未定位");
    show("outbox");
  }

  // ------------------------------------------------------------ lookup
  async function lookup(event) {
    event.preventDefault();
    const q = $("#lookup-q").value.trim();
    const results = clear($("#lookup-results"));
    const note = $("#lookup-note");
    $("#household-detail").hidden = true;
    let items = null;
    if (navigator.onLine) {
      try {
        const response = await api(`/households?q=${encodeURIComponent(q)}`);
        if (response.ok) {
          items = (await response.json()).map((h) => ({
            household_id: h.id, code: h.code, address: h.address, room: h.room, grid_name: h.grid_name, head_name: "", window: h.window,
          }));
          for (const item of items) state.households[item.household_id] = { ...state.households[item.household_id], ...item };
          kv.set("households", state.households);
          note.textContent = t("找到 {0} 户（仅显示您负责网格内的户）", items.length);
        } else if (response.status === 401) {
          state.authNeeded = true; renderBanner();
        }
      } catch (e) { items = null; }
    }
    if (items === null) {
      items = Object.values(state.households).filter((h) =>
        !q || `${h.address}${h.room}${h.code}${h.head_name || ""}`.includes(q));
      note.textContent = t("离线：仅在手机已缓存的 {0} 户中查找", Object.keys(state.households).length);
    }
    const pending = pendingVisitIds();
    if (!items.length) results.append(el("li", { class: "empty", text: t("没有找到符合条件的户") }));
    for (const item of items) {
      const li = householdItem(item, pending);
      li.querySelector(".grow").addEventListener("click", () => showHousehold(item));
      results.append(li);
    }
  }

  async function showHousehold(item) {
    const card = $("#household-detail");
    if (!navigator.onLine) {
      clear(card).append(el("p", { class: "muted", text: t("离线时无法查看户详情，可直接点“走访”记录。") }));
      card.hidden = false;
      return;
    }
    let response;
    try { response = await api(`/households/${item.household_id}`); } catch (e) { return; }
    clear(card);
    if (!response.ok) {
      card.append(el("p", { class: "error", text: describe(await errorOf(response)) }));
      card.hidden = false;
      return;
    }
    const h = await response.json();
    card.append(
      el("h2", { text: `${h.address}${h.room ? ` ${h.room}` : ""}` }),
      el("p", { class: "muted small", text: t("{0} · {1} · {2} · 应访 {3}（{4}–{5}）", h.code, h.grid_name, h.window.cadence_label, mmdd(h.window.due), mmdd(h.window.earliest), mmdd(h.window.latest)) }),
      el("ul", { class: "residents" }, h.residents.map((r) => el("li", {
        text: [r.name, r.gender, r.relation, r.birth_year ? t("{0}年生", r.birth_year) : "", r.phone, r.id_number, r.tags.join(t("、"))].filter(Boolean).join(" · "),
      }))),
      el("p", { class: "muted small", text: h.recent_visits.length ? t("最近走访：{0}", h.recent_visits.map((v) => `${mmdd(v.date)} ${v.mode} ${v.outcome}`).join(t("；"))) : t("尚无走访记录") }),
      el("div", { class: "actions" }, el("button", { type: "button", class: "btn btn-primary", text: t("记录走访"), onclick: () => openVisit(item) })));
    card.hidden = false;
  }

  // ------------------------------------------------------------ outbox
  async function enqueue(record, replaces) {
    record.key = uuid();
    record.seq = nextSeq();
    record.created = new Date().toISOString();
    record.status = "pending";
    record.error = "";
    record.user_id = state.owner;
    await outbox.put(record);
    if (replaces) await outbox.del(replaces);
    await refreshOutbox();
    // Every save is confirmed where the thumb is: sent now, or kept until the network is back.
    toast(navigator.onLine ? t("已保存") : t("已存入待发送"));
    sync();
  }

  let toastTimer = null;
  function toast(message) {
    let box = document.getElementById("toast");
    if (!box) {
      box = el("div", { id: "toast", class: "toast", role: "status", "aria-live": "polite" });
      document.body.append(box);
    }
    box.textContent = message;
    box.hidden = false;
    box.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.classList.remove("show"); box.hidden = true; }, 2500);
  }

  async function refreshOutbox() {
    state.records = await outbox.all();
    renderOutbox();
  }

  function renderOutbox() {
    const list = clear($("#outbox-list"));
    const waiting = state.records.length;
    $("#outbox-count").textContent = String(waiting);
    $("#outbox-count").classList.toggle("warn", state.records.some((r) => r.status === "refused"));
    if (!waiting) list.append(el("li", { class: "empty", text: t("全部已同步") }));
    if (state.signedOut && waiting) {
      // Nobody is signed in: not even the labels (addresses) of the owner's records show.
      list.append(el("li", { class: "empty", text: t("{0} 条记录待原账号登录后同步", waiting) }));
      $("#sync-status").textContent = "";
      return;
    }
    for (const record of state.records) {
      let badge;
      if (record.status === "refused") badge = el("span", { class: "badge warn", text: t("服务器未接收") });
      else if (record.status === "auth") badge = el("span", { class: "badge wait", text: t("需重新登录") });
      else badge = el("span", { class: "badge wait", text: t("待同步") });
      const li = el("li", { class: record.status === "refused" ? "refused" : "", "data-key": record.key },
        el("div", { class: "grow" },
          el("div", { class: "title", text: record.label }),
          el("div", { class: "muted small", text: t("记录于 {0} {1}", mmdd(record.created), hhmm(record.created)) }),
          badge));
      if (record.status === "refused") {
        li.append(el("div", { class: "reason", text: t("原因：{0}", record.error) }));
        if (record.kind === "visit" || record.kind === "finding") {
          li.append(el("button", { type: "button", class: "btn btn-small", text: t("修改"), onclick: () => editRecord(record) }));
        }
        li.append(el("button", { type: "button", class: "btn btn-small", text: t("删除"), onclick: () => dismiss(record) }));
      }
      list.append(li);
    }
    const status = $("#sync-status");
    if (state.syncing) status.textContent = t("同步中…");
    else if (!navigator.onLine) status.textContent = t("离线，联网后自动同步");
    else status.textContent = waiting ? t("{0} 条未同步", waiting) : "";
  }

  function editRecord(record) {
    if (record.kind === "visit") {
      const item = state.households[record.body.household_id] || { household_id: record.body.household_id, address: record.label, room: "" };
      openVisit(item, record);
    } else {
      openReport(record);
    }
  }

  async function dismiss(record) {
    if (!window.confirm(t("删除这条未被接收的记录？\n{0}", record.label))) return;
    await outbox.del(record.key);
    await refreshOutbox();
    renderToday();
  }

  function requestFor(record) {
    const headers = { "Idempotency-Key": record.key, "X-CSRFToken": csrfToken() };
    let payload;
    if (record.form) {
      payload = new FormData();
      for (const [key, value] of Object.entries(record.form)) payload.append(key, value);
      if (record.photo) payload.append("photo", record.photo, record.photoName || "photo.jpg");
    } else {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(record.body);
    }
    return { method: "POST", headers, body: payload };
  }

  async function sync() {
    if (state.syncing) return;
    state.records = await outbox.all();
    if (!navigator.onLine || state.signedOut) { renderOutbox(); return; }
    state.syncing = true;
    renderOutbox();
    let sent = 0;
    const me = state.owner;
    try {
      for (const record of state.records) {
        if (record.status === "refused") continue;
        if (me && record.user_id && record.user_id !== me) continue;
        let response;
        try { response = await api(record.url, requestFor(record)); } catch (e) { break; }
        if (response.ok) {
          await outbox.del(record.key);
          sent += 1;
          continue;
        }
        const error = await errorOf(response);
        if (response.status === 401 || (response.status === 403 && error.type !== "forbidden")) {
          record.status = "auth";
          await outbox.put(record);
          state.authNeeded = true;
          break;
        }
        if (response.status >= 500 || response.status === 429 || response.status === 408) break;
        record.status = "refused";
        record.error = describe(error);
        record.field = error.field;
        await outbox.put(record);
        if (record.kind === "patrol_start" && state.patrol && state.patrol.client_ref === record.body.client_ref) {
          state.patrol = null;
          await kv.del("patrol");
        }
      }
    } finally {
      state.syncing = false;
      await refreshOutbox();
      renderBanner();
    }
    if (sent) await loadToday();
    else renderToday();
  }

  // ------------------------------------------------------------ logout
  /* Unsent records are deleted with everything else at logout: first try to send them,
   * then say how many would be lost and let the worker stay to sync them. */
  async function logout() {
    if (!navigator.onLine) { banner(t("离线时无法退出登录，请联网后再退出。")); return; }
    await sync();
    const waiting = (await outbox.all()).length;
    if (waiting && !window.confirm(
      t("还有 {0} 条记录未同步到服务器。\n退出后这些记录将从手机上删除，无法恢复。\n\n", waiting)
      + t("点“取消”留在工作台，在“待同步”中处理后再退出；点“确定”仍然退出。"))) {
      show("outbox");
      return;
    }
    const form = el("form", { method: "post", action: LOGOUT_URL },
      el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken() }));
    document.body.append(form);
    form.submit();
  }

  // ------------------------------------------------------------ start
  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch(() => {});
    }
    renderNet();
    renderBanner();
    for (const tab of document.querySelectorAll("[data-tab]")) tab.addEventListener("click", () => show(tab.dataset.tab));
    for (const back of document.querySelectorAll("[data-back]")) back.addEventListener("click", () => show("today"));
    $("#visit-form").addEventListener("submit", saveVisit);
    $("#add-need").addEventListener("click", () => addNeed());
    $("#report-form").addEventListener("submit", saveReport);
    $("#locate").addEventListener("click", locate);
    $("#lookup-form").addEventListener("submit", lookup);
    $("#sync-now").addEventListener("click", () => { sync(); });
    $("#logout").addEventListener("click", () => { logout(); });
    window.addEventListener("online", () => { renderNet(); renderBanner(); sync(); loadToday(); });
    window.addEventListener("offline", () => { renderNet(); renderBanner(); renderOutbox(); });

    // Nothing from the phone is shown before we know it belongs to whoever is signed in.
    await checkOwner();
    const cached = await kv.get("today");
    if (cached) { state.today = cached.data; state.todayAt = cached.at; }
    state.households = (await kv.get("households")) || {};
    state.patrol = state.signedOut ? null : (await kv.get("patrol")) || null;
    await refreshOutbox();
    renderBanner();
    fillChoices();
    renderToday();
    await sync();
    await loadToday();
    body.dataset.ready = "1";
  }

  start();
})();
