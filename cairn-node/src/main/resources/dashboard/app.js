// cairn dashboard (issue #9): renders /dashboard/state and polls it every POLL_MS.
// Plain JavaScript, no dependencies; text goes in through textContent only (never innerHTML),
// so nothing a node reports can become markup.
"use strict";
(function () {
  const POLL_MS = 1500;
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function bytes(n) {
    if (n === null || n === undefined || isNaN(n)) return "–";
    const u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let i = 0; n = Number(n);
    while (Math.abs(n) >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 1 : 0)) + " " + u[i];
  }
  function num(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"); }
  function rate(n) { return n < 10 ? Number(n).toFixed(1) : num(Math.round(n)); }
  function ago(ms, now) {
    if (!ms) return "never";
    const s = Math.max(0, Math.round((now - ms) / 1000));
    if (s < 2) return "now";
    if (s < 90) return s + "s ago";
    if (s < 5400) return Math.round(s / 60) + "m ago";
    return Math.round(s / 3600) + "h ago";
  }
  function clock(ms) { return new Date(ms).toTimeString().slice(0, 8); }

  function renderBanner(s) {
    const h = s.health;
    document.body.setAttribute("data-health", h.level);
    $("verdict").textContent = h.level;
    $("summary").textContent = h.summary;
    const r = $("reasons"); r.replaceChildren();
    for (const reason of h.reasons) r.appendChild(el("li", null, reason));
    $("updated").textContent = "updated " + clock(s.generatedAtEpochMillis);
    $("served-by").textContent = "served by " + s.self.id.slice(0, 12);
    document.title = "cairn · " + h.level;
  }

  function renderCards(s) {
    const alive = s.nodes.filter((n) => n.status === "alive").length;
    $("nodes-alive").textContent = alive + " / " + s.nodes.length;
    const suspect = s.nodes.filter((n) => n.status === "suspect").length;
    const dead = s.nodes.filter((n) => n.status === "dead").length;
    $("nodes-detail").textContent = "alive" + (suspect ? " · " + suspect + " suspect" : "") + (dead ? " · " + dead + " dead" : "");
    const st = s.distribute && s.distribute.status;
    $("blocks-tracked").textContent = st ? num(st.blocksTracked) : "–";
    $("blocks-detail").textContent = st ? num(st.replicasTracked) + " replicas, N=" + st.replication : "no distribute service";
    let cap = 0, used = 0;
    for (const n of s.nodes) if (n.status !== "dead") { cap += n.capacityBytes; used += n.usedBytes; }
    $("space-used").textContent = bytes(used);
    $("space-detail").textContent = "of " + bytes(cap) + " on live nodes (" + bytes(cap - used) + " free)";
    if (st) {
      $("repair-state").textContent = st.repairState;
      let d = num(st.repairQueue) + " queued · " + num(st.repairsInFlight) + " in flight · " + num(st.copiesDone) + " copies (" + bytes(st.copyBytes) + ")";
      if (st.blockedBecause) d = "waiting: " + st.blockedBecause;
      $("repair-detail").textContent = d;
    } else {
      $("repair-state").textContent = "–";
      $("repair-detail").textContent = s.distribute && s.distribute.error ? s.distribute.error : "";
    }
  }

  function renderCopies(s) {
    const bar = $("copies-bar"), legend = $("copies-legend");
    bar.replaceChildren(); legend.replaceChildren();
    const st = s.distribute && s.distribute.status;
    const h = st && st.healthyCopies;
    if (!h || !h.length) {
      legend.appendChild(el("li", null, st ? "not measured yet" : "replication is not tracked (no distribute service answering)"));
      return;
    }
    const n = h.length - 1;
    const total = h.reduce((a, b) => a + b, 0);
    for (let i = n; i >= 0; i--) {
      const cls = i === n ? "c-full" : i === 0 ? "c-none" : i === 1 ? "c-low" : "c-part";
      const label = (i === n ? n + "+ copies" : i + (i === 1 ? " copy" : " copies")) + ": " + num(h[i]);
      if (h[i] > 0 && total > 0) {
        const seg = el("div", { "class": cls, title: label });
        seg.style.width = (100 * h[i] / total) + "%";
        bar.appendChild(seg);
      }
      legend.appendChild(el("li", { "data-c": cls }, label));
    }
  }

  function renderNodes(s) {
    const body = document.querySelector("#nodes tbody");
    body.replaceChildren();
    for (const n of s.nodes) {
      const tr = el("tr", { "data-node-id": n.id, "data-status": n.status });
      if (n.self) tr.className = "self";
      const id = el("td", { "data-label": "node" });
      id.appendChild(el("code", { title: n.id }, n.shortId));
      id.appendChild(el("div", { "class": "small" }, n.url));
      tr.appendChild(id);
      const st = el("td", { "data-label": "state" });
      st.appendChild(el("span", { "class": "badge " + n.status }, n.status));
      if (n.distributeState && n.distributeState !== n.status) {
        st.appendChild(el("div", { "class": "small" }, "distribute: " + n.distributeState));
      }
      tr.appendChild(st);
      tr.appendChild(el("td", { "data-label": "roles" }, n.roles.join(", ")));
      const sp = el("td", { "data-label": "space" }, bytes(n.usedBytes) + " / " + bytes(n.capacityBytes));
      const meter = el("div", { "class": "meter" });
      const fill = el("div");
      const frac = n.capacityBytes > 0 ? n.usedBytes / n.capacityBytes : 0;
      fill.style.width = Math.min(100, 100 * frac).toFixed(1) + "%";
      if (frac > 0.95) fill.className = "full"; else if (frac > 0.8) fill.className = "high";
      meter.appendChild(fill); sp.appendChild(meter);
      tr.appendChild(sp);
      tr.appendChild(el("td", { "data-label": "load" }, num(n.load) + " in flight"));
      tr.appendChild(el("td", { "data-label": "blocks" }, n.blocks === null ? "–" : num(n.blocks)));
      tr.appendChild(el("td", { "data-label": "last seen" }, n.self ? "this node" : ago(n.lastSeenEpochMillis, s.generatedAtEpochMillis)));
      body.appendChild(tr);
    }
  }

  function chart(svg, series, classes, format) {
    svg.replaceChildren();
    const W = 600, H = 140, top = 14, bottom = 4;
    let max = 1;
    for (const ser of series) for (const v of ser) max = Math.max(max, v);
    for (const f of [0.25, 0.5, 0.75]) {
      const y = top + (H - top - bottom) * f;
      const g = document.createElementNS(SVG, "line");
      g.setAttribute("x1", 0); g.setAttribute("x2", W); g.setAttribute("y1", y); g.setAttribute("y2", y);
      g.setAttribute("class", "grid"); svg.appendChild(g);
    }
    series.forEach((ser, k) => {
      if (ser.length < 2) return;
      const pts = ser.map((v, i) => {
        const x = (W * (300 - ser.length + i)) / 299;
        const y = top + (H - top - bottom) * (1 - v / max);
        return x.toFixed(1) + "," + y.toFixed(1);
      });
      const p = document.createElementNS(SVG, "polyline");
      p.setAttribute("points", pts.join(" "));
      p.setAttribute("class", "line " + classes[k]);
      svg.appendChild(p);
    });
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", 4); t.setAttribute("y", 11);
    t.textContent = "max " + format(max);
    svg.appendChild(t);
  }

  function renderThroughput(s) {
    const samples = s.throughput.samples;
    const req = samples.map((x) => x[1]), bin = samples.map((x) => x[2]), bout = samples.map((x) => x[3]);
    chart($("chart-requests"), [req], ["req"], (v) => rate(v) + "/s");
    chart($("chart-bytes"), [bin, bout], ["in", "out"], (v) => bytes(v) + "/s");
    $("rps-now").textContent = "· now " + rate(s.load.requestsPerSecond) + " (10 s mean)";
    $("bps-now").textContent = "· in " + bytes(s.load.bytesInPerSecond) + "/s, out " + bytes(s.load.bytesOutPerSecond) + "/s";
  }

  function renderEvents(s) {
    const list = $("events");
    list.replaceChildren();
    if (!s.events.length) { list.appendChild(el("li", { "class": "empty" }, "nothing has happened yet")); return; }
    for (const e of s.events) {
      const li = el("li", { "class": e.level, "data-type": e.type });
      li.appendChild(el("span", { "class": "when", title: new Date(e.atEpochMillis).toISOString() }, clock(e.atEpochMillis)));
      const what = el("span", null);
      what.appendChild(el("span", { "class": "type" }, e.type));
      what.appendChild(el("div", { "class": "from" }, "seen by " + e.node));
      li.appendChild(what);
      li.appendChild(el("span", null, e.message));
      list.appendChild(li);
    }
  }

  function render(s) {
    renderBanner(s); renderCards(s); renderCopies(s); renderNodes(s); renderThroughput(s); renderEvents(s);
  }

  let failures = 0;
  async function poll() {
    try {
      const r = await fetch("/dashboard/state", { cache: "no-store" });
      if (!r.ok) throw new Error("HTTP " + r.status);
      render(await r.json());
      failures = 0;
    } catch (err) {
      if (++failures >= 2) {
        document.body.setAttribute("data-health", "offline");
        $("verdict").textContent = "offline";
        $("summary").textContent = "this node does not answer (" + err.message + "); retrying";
      }
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  try {
    const initial = JSON.parse($("initial-state").textContent);
    if (initial && initial.health) render(initial);
  } catch (e) { /* the first poll renders */ }
  setTimeout(poll, POLL_MS);
})();
