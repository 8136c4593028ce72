/* incident-mapper: draws the incidents of one map from its JSON data block.
 *
 * Called as imIncidentMap(map, layerControl, cfg) after folium's script has made the map.
 * Every text that comes from the data reaches the page through textContent, never innerHTML:
 * a hostile description shows as text. Clustering is our own: a grid over the points in view,
 * redrawn on every move in one pass over typed arrays, so 100k incidents cost a few hundred
 * markers on screen, and a date filter is one more pass. Popups and tooltips are built on demand.
 */
(function (map, layerControl, cfg) {
  "use strict";
  var L = window.L;
  var root = document.getElementById(cfg.prefix + "-root");
  var DAY = 86400000;
  var HEX = /^#[0-9a-fA-F]{6}$/;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  // Shapes and colours come from mapper/style.py (constants), checked again here.
  function shapeSvg(shape, color, size) {
    var path = cfg.shapes[shape] || cfg.shapes.circle;
    var fill = HEX.test(color) ? color : "#999999";
    return '<svg class="im-shape" width="' + size + '" height="' + size +
      '" viewBox="0 0 20 20" aria-hidden="true"><path d="' + esc(path) + '" fill="' + fill +
      '" stroke="#222" stroke-width="1.3" stroke-linejoin="round"/></svg>';
  }
  function dayOf(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : null;
  }
  function isoOf(day) {
    return new Date(day * DAY).toISOString().slice(0, 10);
  }
  function stop(div) {
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
  }
  function isWebUrl(s) {
    if (!/^\s*https?:\/\//i.test(s)) return false;
    try {
      var u = new URL(s.trim());
      return u.protocol === "http:" || u.protocol === "https:";
    } catch (err) {
      return false;
    }
  }

  function loadData() {
    var text = document.getElementById(cfg.prefix + "-data").textContent;
    if (!cfg.compressed) return Promise.resolve(JSON.parse(text));
    var bytes;
    if (Uint8Array.fromBase64) {
      bytes = Uint8Array.fromBase64(text.trim());
    } else {
      var bin = atob(text.trim());
      bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text().then(JSON.parse);
  }

  function build(D) {
    root.setAttribute("data-parsed-ms", String(Math.round(performance.now())));
    var n = D.n, S = D.S, F = D.f;
    var types = cfg.types, colors = cfg.colors;
    var visible = new Uint8Array(n).fill(1);
    var icons = {};

    function icon(t, c) {
      var key = t * 4096 + c;
      if (!icons[key]) {
        icons[key] = L.divIcon({
          className: "im-mk im-mk-" + types[t].key,
          html: shapeSvg(types[t].shape, colors[c].color, 16),
          iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -8], tooltipAnchor: [0, -8]
        });
      }
      return icons[key];
    }
    function clusterIcon(t, count) {
      var size = count < 10 ? 28 : count < 100 ? 34 : count < 1000 ? 40 : 46;
      return L.divIcon({
        className: "im-cluster im-cluster-" + types[t].key,
        html: shapeSvg(types[t].shape, types[t].color, size) +
          '<span class="im-cluster-n">' + (+count) + "</span>",
        iconSize: [size, size], iconAnchor: [size / 2, size / 2]
      });
    }

    // --- points in web-mercator pixels at zoom 0, and one layer per event type -------------
    var px = new Float64Array(n), py = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var lat = Math.max(-85.05, Math.min(85.05, D.lat[i] / 1e5)), s = Math.sin(lat * Math.PI / 180);
      px[i] = (D.lon[i] / 1e5 + 180) / 360 * 256;
      py[i] = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
    }
    var groups = types.map(function () { return L.featureGroup(); });  // passes marker events up
    var typeOn = types.map(function () { return 1; });
    var CELL = 60, SPAN = 67108864;  // grid cell in screen pixels; 2^26 > pixels at zoom 18

    // Every incident in view lands in a cell of its type: a cell of one is a marker, a cell of
    // more a cluster. Past cfg.unclusterAt only incidents at the very same point share a cell.
    function render() {
      var z = map.getZoom(), scale = Math.pow(2, z);
      var cell = z < cfg.unclusterAt ? CELL : 1;
      var b = map.getPixelBounds(), pad = CELL * 2;
      var x0 = b.min.x - pad, x1 = b.max.x + pad, y0 = b.min.y - pad, y1 = b.max.y + pad;
      var cells = types.map(function () { return new Map(); });
      for (var i = 0; i < n; i++) {
        if (!visible[i] || !typeOn[D.t[i]]) continue;
        var x = px[i] * scale, y = py[i] * scale;
        if (x < x0 || x > x1 || y < y0 || y > y1) continue;
        var key = Math.floor(x / cell) * SPAN + Math.floor(y / cell);
        var m = cells[D.t[i]], c = m.get(key);
        if (c === undefined) {
          m.set(key, {i: i, n: 1, sx: x, sy: y, ax: x, bx: x, ay: y, by: y});
        } else {
          c.n++; c.sx += x; c.sy += y;
          if (x < c.ax) c.ax = x; if (x > c.bx) c.bx = x;
          if (y < c.ay) c.ay = y; if (y > c.by) c.by = y;
        }
      }
      // Clusters of several types in one cell would hide each other: set them on a ring.
      var shared = new Map();
      cells.forEach(function (m, t) {
        m.forEach(function (c, key) {
          if (c.n > 1) shared.set(key, (shared.get(key) || []).concat([t]));
        });
      });
      groups.forEach(function (g, t) {
        g.clearLayers();
        cells[t].forEach(function (c, key) {
          var mk;
          if (c.n === 1) {
            mk = L.marker([D.lat[c.i] / 1e5, D.lon[c.i] / 1e5], {icon: icon(t, D.c[c.i]), keyboard: false});
            mk._imIndex = c.i;
          } else {
            var ring = shared.get(key), x = c.sx / c.n, y = c.sy / c.n;
            if (ring.length > 1) {
              var a = 2 * Math.PI * ring.indexOf(t) / ring.length;
              var radius = 10 + 4 * ring.length;
              x += radius * Math.cos(a);
              y += radius * Math.sin(a);
            }
            mk = L.marker(map.unproject(L.point(x, y), z), {icon: clusterIcon(t, c.n), keyboard: false});
            mk._imCluster = {t: t, n: c.n, z: z, key: key, cell: cell, box: L.latLngBounds(
              map.unproject(L.point(c.ax, c.by), z), map.unproject(L.point(c.bx, c.ay), z))};
          }
          g.addLayer(mk);
        });
      });
      root.setAttribute("data-zoom", String(z));  // the zoom drawn, once any animation is over
    }
    // --- popups and tooltips, built from the data on demand ---------------------------
    var popup = L.popup({maxWidth: 380, minWidth: 220, className: "im-popup-wrap", autoPanPadding: [20, 20]});
    function str(name, i) {
      var col = F[name];
      if (!col) return "";
      var v = col[i];
      return typeof v === "number" ? S[v] : v;
    }
    function row(tbody, label, value, opts) {
      if (value === "" || value === undefined || value === null) return;
      var tr = el("tr"), th = el("th", null, label), td = el("td");
      td.setAttribute("dir", "auto");
      if (opts && opts.node) {
        td.appendChild(value);
      } else {
        var bdi = el("bdi", null, value);
        if (opts && opts.rtl) bdi.setAttribute("dir", "rtl");
        td.appendChild(bdi);
      }
      tr.appendChild(th);
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
    function hasArabic(s) { return /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/.test(s); }
    function popupNode(i) {
      var t = types[D.t[i]], lab = cfg.labels;
      var box = el("div", "im-popup");
      var head = el("div", "im-popup-head");
      head.insertAdjacentHTML("beforeend", shapeSvg(t.shape, colors[D.c[i]].color, 14));
      head.appendChild(el("span", null, t.label + " \u00b7 " + str("date", i) +
        (str("time", i) ? " " + str("time", i) : "")));
      box.appendChild(head);
      var table = el("table"), tb = el("tbody");
      table.appendChild(tb);
      var loc = str("location", i);
      row(tb, lab.location, loc, {rtl: hasArabic(loc)});
      var place = str("place_name", i);
      if (place || str("place_id", i)) {
        var p = el("span");
        p.appendChild(el("bdi", null, place));
        if (str("place_id", i)) p.appendChild(el("span", "im-muted", " (" + str("place_id", i) + ")"));
        row(tb, lab.place, p, {node: true});
      }
      var prec = D.p[i], r = D.r[i] / 10;
      row(tb, lab.precision, (cfg.precisions[prec] || String(prec)) + (r > 0 ? " \u00b7 \u00b1" + r + " km" : ""));
      row(tb, lab.method, str("method", i) + (str("score", i) ? " \u00b7 " + str("score", i) : ""));
      row(tb, lab.coordinates, (D.lat[i] / 1e5).toFixed(5) + ", " + (D.lon[i] / 1e5).toFixed(5));
      row(tb, lab.actor, str("actor", i));
      row(tb, lab.target, str("target", i));
      row(tb, lab.outcome, str("outcome", i));
      row(tb, lab.fatalities, str("fatalities", i));
      row(tb, lab.injuries, str("injuries", i));
      row(tb, lab.country, str("country", i));
      row(tb, lab.admin1, str("admin1", i));
      row(tb, lab.description, str("description", i));
      var src = str("source", i), url = str("source_url", i);
      if (url && isWebUrl(url)) {
        var a = el("a", null, src || url);
        a.href = url.trim();
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        row(tb, lab.source, a, {node: true});
        if (src) row(tb, lab.source_url, url);
      } else {
        row(tb, lab.source, src);
        row(tb, lab.source_url, url);
      }
      row(tb, lab.notes, str("notes", i));
      row(tb, lab.id, str("id", i));
      row(tb, lab.row, String(D.row[i]));
      for (var k = 0; k < D.x.length; k++) {
        var v = D.x[k][1] ? D.x[k][1][i] : "";
        row(tb, D.x[k][0], typeof v === "number" ? S[v] : v);
      }
      box.appendChild(table);
      return box;
    }
    function tooltipNode(i) {
      var box = el("div", "im-tip");
      box.setAttribute("dir", "auto");
      box.appendChild(el("b", null, types[D.t[i]].label + " \u00b7 " + str("date", i)));
      box.appendChild(el("br"));
      box.appendChild(el("bdi", null, str("location", i) || str("place_name", i)));
      return box;
    }
    function latLngOf(i) {
      return L.latLng(D.lat[i] / 1e5, D.lon[i] / 1e5);
    }
    // Bring incident i into view (its own marker when it has no twin at the same point).
    function reveal(i, then) {
      var ll = latLngOf(i);
      if (!map.getBounds().contains(ll) || map.getZoom() < cfg.unclusterAt) {
        map.setView(ll, Math.max(map.getZoom(), cfg.unclusterAt), {animate: false});
      }
      then(ll);
    }
    function openPopup(i) {
      popup.setLatLng(latLngOf(i)).setContent(popupNode(i)).openOn(map);
    }
    // A cluster whose incidents share one point cannot split by zooming: list them instead.
    function listNode(c) {
      var box = el("div", "im-popup im-list"), ul = el("ul");
      var shown = 0;
      var scale = Math.pow(2, c.z);
      for (var i = 0; i < n && shown < 200; i++) {
        if (!visible[i] || D.t[i] !== c.t) continue;
        if (Math.floor(px[i] * scale / c.cell) * SPAN + Math.floor(py[i] * scale / c.cell) !== c.key) continue;
        shown++;
        var li = el("li"), a = el("a", null, str("date", i) + " · " + (str("location", i) || str("place_name", i)));
        a.href = "#";
        a.setAttribute("dir", "auto");
        a.addEventListener("click", (function (k) {
          return function (e) { e.preventDefault(); openPopup(k); };
        })(i));
        li.appendChild(a);
        ul.appendChild(li);
      }
      box.appendChild(el("div", "im-popup-head", types[c.t].label + " · " + c.n));
      box.appendChild(ul);
      return box;
    }
    groups.forEach(function (g) {
      g.on("click", function (e) {
        var m = e.layer;
        if (m._imIndex !== undefined) return openPopup(m._imIndex);
        var c = m._imCluster;
        var sw = map.project(c.box.getSouthWest(), c.z), ne = map.project(c.box.getNorthEast(), c.z);
        if (c.z >= map.getMaxZoom() || (Math.abs(ne.x - sw.x) < 1 && Math.abs(ne.y - sw.y) < 1)) {
          popup.setLatLng(m.getLatLng()).setContent(listNode(c)).openOn(map);
        } else {
          map.fitBounds(c.box, {padding: [40, 40], maxZoom: Math.max(c.z + 1, Math.min(map.getMaxZoom(), c.z + 3))});
        }
      });
      g.on("mouseover", function (e) {
        var m = e.layer;
        if (m.getTooltip()) return;
        var tip = m._imIndex !== undefined ? tooltipNode(m._imIndex)
          : el("div", "im-tip", types[m._imCluster.t].label + " · " + m._imCluster.n);
        m.bindTooltip(tip, {direction: "top", className: "im-tooltip"});
        m.openTooltip();
      });
    });

    // --- uncertainty circles: one per distinct imprecise point on show -----------------
    var circleRenderer = L.canvas({padding: 0.3});
    var circles = L.layerGroup();
    function drawCircles() {
      circles.clearLayers();
      var seen = {};
      for (var i = 0; i < n; i++) {
        if (!visible[i] || D.p[i] < 2 || D.r[i] <= 0) continue;
        var key = D.lat[i] + "," + D.lon[i] + "," + D.r[i];
        if (seen[key]) continue;
        seen[key] = 1;
        L.circle([D.lat[i] / 1e5, D.lon[i] / 1e5], {
          radius: D.r[i] * 100, renderer: circleRenderer, interactive: false,
          color: "#555", weight: 1, dashArray: "4 3", fillColor: "#888", fillOpacity: 0.08
        }).addTo(circles);
      }
    }
    circles.on("add", drawCircles);

    // --- struck sites: each resolved place once, with how many incidents hit it -----------
    var sites = L.featureGroup();
    function drawSites() {
      sites.clearLayers();
      var byPlace = new Map();
      for (var i = 0; i < n; i++) {
        var id = visible[i] ? str("place_id", i) : "";
        if (!id) continue;
        var s = byPlace.get(id);
        if (s) s.n++;
        else byPlace.set(id, {i: i, n: 1});
      }
      byPlace.forEach(function (s) {
        var tip = el("div", "im-tip");
        tip.appendChild(el("bdi", null, str("place_name", s.i)));
        tip.appendChild(el("span", null, " \u00b7 " + s.n + " " + cfg.labels.incidents_here));
        L.circleMarker(latLngOf(s.i), {
          radius: 6 + Math.min(10, 2 * Math.log(s.n + 1)), color: "#b2182b", weight: 1.5, opacity: 0.8,
          fill: false, pane: "imSites"
        }).bindTooltip(tip, {direction: "top", className: "im-tooltip"}).addTo(sites);
      });
    }
    map.createPane("imSites").style.zIndex = 590;  // over the tiles, under the markers
    sites.on("add", drawSites);

    // --- legend, title, date filter -----------------------------------------------------
    var legendCounts = {types: [], colors: []};
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      var div = el("div", "im-panel im-legend");
      div.id = cfg.prefix + "-legend";
      stop(div);
      div.appendChild(el("div", "im-legend-title", cfg.labels.legend_types));
      types.forEach(function (t, ti) {
        var r = el("div", "im-legend-row");
        r.setAttribute("data-type", t.key);
        r.insertAdjacentHTML("beforeend", shapeSvg(t.shape, cfg.colorBy === "event_type" ? t.color : "#ffffff", 14));
        r.appendChild(el("span", "im-legend-label", t.label));
        var c = el("span", "im-legend-count", "0");
        legendCounts.types[ti] = c;
        r.appendChild(c);
        div.appendChild(r);
      });
      if (cfg.colorBy !== "event_type") {
        div.appendChild(el("div", "im-legend-title", cfg.labels.legend_colors));
        colors.forEach(function (c, ci) {
          var r = el("div", "im-legend-row");
          r.setAttribute("data-color", c.key);
          var sw = el("span", "im-swatch");
          sw.style.background = HEX.test(c.color) ? c.color : "#999999";
          r.appendChild(sw);
          var lab = el("bdi", "im-legend-label", c.label);
          r.appendChild(lab);
          var cnt = el("span", "im-legend-count", "0");
          legendCounts.colors[ci] = cnt;
          r.appendChild(cnt);
          div.appendChild(r);
        });
      }
      return div;
    };
    legend.addTo(map);

    var title = L.control({position: "topleft"});
    var subtitle;
    title.onAdd = function () {
      var div = el("div", "im-panel im-title");
      div.id = cfg.prefix + "-title";
      stop(div);
      div.appendChild(el("div", "im-title-main", cfg.title));
      subtitle = el("div", "im-subtitle");
      div.appendChild(subtitle);
      return div;
    };
    title.addTo(map);

    var dmin = cfg.dateMin, dmax = cfg.dateMax;
    var fromInput, toInput;
    var filter = L.control({position: "topright"});
    filter.onAdd = function () {
      var div = el("div", "im-panel im-filter");
      div.id = cfg.prefix + "-filter";
      stop(div);
      div.appendChild(el("div", "im-legend-title", cfg.labels.dates));
      fromInput = el("input");
      toInput = el("input");
      [fromInput, toInput].forEach(function (inp, k) {
        inp.type = "date";
        inp.className = k ? "im-date-to" : "im-date-from";
        inp.setAttribute("aria-label", k ? cfg.labels.date_to : cfg.labels.date_from);
        if (dmin !== null) { inp.min = isoOf(dmin); inp.max = isoOf(dmax); }
        inp.value = dmin === null ? "" : isoOf(k ? dmax : dmin);
        inp.addEventListener("change", onFilter);
        div.appendChild(inp);
      });
      var reset = el("button", "im-date-reset", cfg.labels.all_dates);
      reset.type = "button";
      reset.addEventListener("click", function () {
        fromInput.value = dmin === null ? "" : isoOf(dmin);
        toInput.value = dmax === null ? "" : isoOf(dmax);
        onFilter();
      });
      div.appendChild(reset);
      return div;
    };
    filter.addTo(map);

    function updateCounts(from, to) {
      var tc = new Array(types.length).fill(0), cc = new Array(colors.length).fill(0), shown = 0;
      for (var i = 0; i < n; i++) {
        if (!visible[i]) continue;
        shown++;
        tc[D.t[i]]++;
        cc[D.c[i]]++;
      }
      legendCounts.types.forEach(function (node, ti) { node.textContent = String(tc[ti]); });
      legendCounts.colors.forEach(function (node, ci) { node.textContent = String(cc[ci]); });
      var range = from === null ? "" : isoOf(from) + " \u2013 " + isoOf(to) + " \u00b7 ";
      subtitle.textContent = range + shown + " / " + n + " " + cfg.labels.incidents + cfg.reviewNote;
      root.setAttribute("data-shown", String(shown));
    }

    function onFilter() {
      var from = dayOf(fromInput.value), to = dayOf(toInput.value);
      if (from === null) from = dmin;
      if (to === null) to = dmax;
      applyFilter(from, to);
    }

    function applyFilter(from, to) {
      var started = performance.now();
      for (var i = 0; i < n; i++) {
        visible[i] = (from === null || D.d1[i] >= from) && (to === null || D.d0[i] <= to) ? 1 : 0;
      }
      popup.close();
      render();
      updateCounts(from, to);
      if (map.hasLayer(circles)) drawCircles();
      if (map.hasLayer(sites)) drawSites();
      root.setAttribute("data-filter-ms", String(Math.round(performance.now() - started)));
      root.setAttribute("data-state", "ready");
    }

    // --- on the map ----------------------------------------------------------------------
    var present = types.map(function () { return 0; });
    for (var j = 0; j < n; j++) present[D.t[j]] = 1;
    groups.forEach(function (g, ti) {
      if (!present[ti]) return;
      g.addTo(map);
      layerControl.addOverlay(g, '<span class="im-ov">' + shapeSvg(types[ti].shape, types[ti].color, 12) +
        " " + esc(types[ti].label) + "</span>");
    });
    map.on("overlayadd overlayremove", function (e) {
      var t = groups.indexOf(e.layer);
      if (t < 0) return;
      typeOn[t] = e.type === "overlayadd" ? 1 : 0;
      render();
    });
    map.on("moveend", render);
    var circleCount = 0;
    for (var k = 0; k < n; k++) if (D.p[k] >= 2 && D.r[k] > 0) circleCount++;
    if (circleCount) {
      layerControl.addOverlay(circles, esc(cfg.labels.uncertainty));
      if (cfg.circlesOn) circles.addTo(map);
    }
    if (F.place_id) {
      layerControl.addOverlay(sites, esc(cfg.labels.sites));
      sites.addTo(map);
    }
    // The first view, without animation: a zoom still animating swallows later view changes.
    // Pixels are kept clear round the incidents, for the panels in the map's corners.
    function fitAll() {
      map.fitBounds(cfg.bounds, {padding: [60, 60], maxZoom: 11, animate: false});
    }
    fitAll();
    render();
    updateCounts(dmin, dmax);

    root.incidentMap = {
      map: map, groups: groups, visible: visible, circles: circles, sites: sites, render: render,
      applyFilter: applyFilter, dayOf: dayOf, fitAll: fitAll,
      // Bring incident i into view, then open its popup or tooltip (for tests and for links
      // into the map). `done` is called in every case.
      openPopup: function (i, done) {
        reveal(i, function () { openPopup(i); if (done) done(); });
      },
      openTooltip: function (i, done) {
        reveal(i, function (ll) {
          L.tooltip({direction: "top", className: "im-tooltip"}).setLatLng(ll)
            .setContent(tooltipNode(i)).addTo(map);
          if (done) done();
        });
      }
    };
    root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
    root.setAttribute("data-state", "ready");
  }

  // folium sets zoom limits only through its default tile layer, which we do not use.
  map.setMinZoom(cfg.minZoom);
  map.setMaxZoom(cfg.maxZoom);

  // --- the outline basemap (self-contained maps): under the tiles, shown when they fail ---
  if (cfg.outlinesId) {
    var pane = map.createPane("imOutlines");
    pane.style.zIndex = 150;
    var outlines = L.geoJSON(JSON.parse(document.getElementById(cfg.outlinesId).textContent), {
      pane: "imOutlines", interactive: false,
      style: {color: "#6b6b6b", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1}
    }).addTo(map);
    layerControl.addOverlay(outlines, esc(cfg.labels.outlines));
  }
  map.attributionControl.addAttribution(cfg.credits);

  root.setAttribute("data-state", "loading");
  loadData().then(build).catch(function (err) {
    root.setAttribute("data-state", "error");
    console.error("incident map: could not draw the incidents:", err);
  });
})
