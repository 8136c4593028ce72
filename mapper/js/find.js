/* Finding: the names to look through (made on the first search), their ranking against what
 * is typed, the results list, and the zoom to the one chosen.
 */

// One entry per distinct location as reported and place resolved to (with the box of its
// incidents), and per governorate and district (its box).
function searchIndex(im) {
  if (im.searchEntries) return im.searchEntries;
  var R = foldRules(im), D = im.D, byName = new Map(), lab = im.cfg.labels, out = [];
  ["location", "place_name"].forEach(function (name) {
    for (var i = 0; i < im.n; i++) {
      var text = field(D, name, i);
      if (!text) continue;
      var e = byName.get(text), lat = D.lat[i] / 1e5, lon = D.lon[i] / 1e5;
      if (!e) byName.set(text, e = {label: text, kind: name === "location" ? lab.location : lab.place, n: 0, box: [lat, lon, lat, lon]});
      e.n++;
      e.box = [Math.min(e.box[0], lat), Math.min(e.box[1], lon), Math.max(e.box[2], lat), Math.max(e.box[3], lon)];
    }
  });
  byName.forEach(function (e) { e.keys = [searchKeys(R, e.label)]; out.push(e); });
  ["admin1", "admin2"].forEach(function (level) {
    (im.areaBlob.names[level] || []).forEach(function (a) {
      out.push({label: a[1] + (a[2] ? " \u00b7 " + a[2] : ""), kind: lab[level], n: 0,
        box: a.slice(3, 7), keys: [searchKeys(R, a[1]), searchKeys(R, a[2] || "")]});
    });
  });
  im.searchEntries = out;
  return out;
}

function searchKeys(R, text) {
  return {fold: foldKey(R, text), skeleton: skeletonKey(R, text)};
}

// How well a name's keys meet the query's: 0 not at all, up to 5 for the same folded name.
function matchScore(q, k) {
  if (!q.fold || !k.fold) return 0;
  if (k.fold === q.fold) return 5;
  if (k.fold.startsWith(q.fold)) return 4;
  if ((" " + k.fold).indexOf(" " + q.fold) >= 0) return 3;
  if (q.skeleton.length < 2 || !k.skeleton) return 0;
  if (k.skeleton === q.skeleton) return 2;
  return (" " + k.skeleton).indexOf(" " + q.skeleton) >= 0 ? 1 : 0;
}

// The best SEARCH_RESULTS entries for a query, best first (more incidents first on a tie).
function findNames(im, query) {
  var q = searchKeys(foldRules(im), query), found = [];
  searchIndex(im).forEach(function (e) {
    var s = Math.max.apply(null, e.keys.map(function (k) { return matchScore(q, k); }));
    if (s > 0) found.push({e: e, s: s});
  });
  found.sort(function (a, b) { return b.s - a.s || b.e.n - a.e.n || a.e.label.localeCompare(b.e.label); });
  return found.slice(0, SEARCH_RESULTS).map(function (f) { return f.e; });
}

function zoomToEntry(im, e) {
  var b = e.box, bounds = L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
  im.map.fitBounds(bounds.pad(0.1), {maxZoom: 12, animate: false});
  im.root.setAttribute("data-found", e.label);
}

function showResults(im, list, entries) {
  list.textContent = "";
  if (!entries.length) {
    list.appendChild(el("li", "im-muted", im.cfg.labels.no_match));
    return;
  }
  entries.forEach(function (e) {
    var li = list.appendChild(el("li")), b = li.appendChild(el("button", "im-result"));
    b.type = "button";
    b.setAttribute("dir", "auto");
    b.appendChild(el("bdi", null, e.label));
    b.appendChild(el("span", "im-muted", " \u00b7 " + e.kind + (e.n ? " \u00b7 " + e.n : "")));
    b.addEventListener("click", function () { zoomToEntry(im, e); });
  });
}

function searchNode(im) {
  var div = panel(im, "im-search", "search"), input = div.appendChild(el("input", "im-search-input"));
  var list = div.appendChild(el("ul", "im-results"));
  input.type = "search";
  input.placeholder = im.cfg.labels.search;
  input.setAttribute("aria-label", im.cfg.labels.search);
  input.setAttribute("dir", "auto");
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (!q) { list.textContent = ""; return; }
    showResults(im, list, findNames(im, q));
  });
  input.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    var first = findNames(im, input.value.trim())[0];
    if (first) zoomToEntry(im, first);
  });
  return div;
}
