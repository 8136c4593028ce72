/* Popups and tooltips, built from the data block on demand, text only through textContent.
 */

// A row of the popup's table, left out when the value is empty. `opts.node`: the value is a
// DOM node; `opts.rtl`: the text is right to left (Arabic).
function addRow(tbody, label, value, opts) {
  if (value === "" || value === undefined || value === null) return;
  var tr = el("tr"), td = el("td");
  td.setAttribute("dir", "auto");
  if (opts && opts.node) {
    td.appendChild(value);
  } else {
    var bdi = el("bdi", null, value);
    if (opts && opts.rtl) bdi.setAttribute("dir", "rtl");
    td.appendChild(bdi);
  }
  tr.appendChild(el("th", null, label));
  tr.appendChild(td);
  tbody.appendChild(tr);
}

// "Drone · 2024-01-02 evening"; without a type of its own ("other" throughout) or a date,
// what the incident has of these, else where it was reported.
function headline(im, i) {
  var D = im.D, time = field(D, "time", i);
  var parts = [im.onlyOther ? "" : im.types[D.t[i]].label, field(D, "date", i) + (time ? " " + time : "")];
  var text = parts.filter(Boolean).join(" \u00b7 ");
  return text || field(D, "location", i) || field(D, "place_name", i);
}

function popupHead(im, i) {
  var D = im.D, t = im.types[D.t[i]];
  var head = el("div", "im-popup-head");
  head.insertAdjacentHTML("beforeend", shapeSvg(im.cfg.shapes, t.shape, im.colors[D.c[i]].color, 14));
  head.appendChild(el("span", null, headline(im, i)));
  return head;
}

// Where the incident was placed: the place resolved to, how precisely, by what match.
function placeRows(im, tb, i) {
  var D = im.D, lab = im.cfg.labels;
  var loc = field(D, "location", i), place = field(D, "place_name", i), id = field(D, "place_id", i);
  addRow(tb, lab.location, loc, {rtl: hasArabic(loc)});
  if (place || id) {
    var p = el("span");
    p.appendChild(el("bdi", null, place));
    if (id) p.appendChild(el("span", "im-muted", " (" + id + ")"));
    addRow(tb, lab.place, p, {node: true});
  }
  var prec = D.p[i], r = D.r[i] / 10, score = field(D, "score", i);
  addRow(tb, lab.precision, (im.cfg.precisions[prec] || String(prec)) + (r > 0 ? " \u00b7 \u00b1" + r + " km" : ""));
  addRow(tb, lab.method, field(D, "method", i) + (score ? " \u00b7 " + score : ""));
  addRow(tb, lab.coordinates, (D.lat[i] / 1e5).toFixed(5) + ", " + (D.lon[i] / 1e5).toFixed(5));
}

// The source, a link only when its address is http or https.
function sourceRows(im, tb, i) {
  var lab = im.cfg.labels, src = field(im.D, "source", i), url = field(im.D, "source_url", i);
  if (url && isWebUrl(url)) {
    var a = el("a", null, src || url);
    a.href = url.trim();
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    addRow(tb, lab.source, a, {node: true});
    if (src) addRow(tb, lab.source_url, url);
  } else {
    addRow(tb, lab.source, src);
    addRow(tb, lab.source_url, url);
  }
}

function popupNode(im, i) {
  var D = im.D, lab = im.cfg.labels;
  var box = el("div", "im-popup"), table = el("table"), tb = el("tbody");
  box.appendChild(popupHead(im, i));
  table.appendChild(tb);
  placeRows(im, tb, i);
  ["actor", "target", "outcome", "fatalities", "injuries", "country", "admin1", "admin2", "description"]
    .forEach(function (name) { addRow(tb, lab[name], field(D, name, i)); });
  sourceRows(im, tb, i);
  addRow(tb, lab.notes, field(D, "notes", i));
  addRow(tb, lab.id, field(D, "id", i));
  addRow(tb, lab.row, String(D.row[i]));
  for (var k = 0; k < D.x.length; k++) addRow(tb, D.x[k][0], cellText(D, D.x[k][1], i));
  box.appendChild(table);
  return box;
}

function tooltipNode(im, i) {
  var D = im.D, box = el("div", "im-tip");
  box.setAttribute("dir", "auto");
  box.appendChild(el("b", null, headline(im, i)));
  box.appendChild(el("br"));
  box.appendChild(el("bdi", null, field(D, "location", i) || field(D, "place_name", i)));
  return box;
}

// A cluster whose incidents share one point cannot split by zooming: list them instead.
function listNode(im, c) {
  var D = im.D, box = el("div", "im-popup im-list"), ul = el("ul");
  cellMembers(im, c.t, c.key, c.z, c.cell, 200).forEach(function (i) {
    var li = el("li");
    var a = el("a", null, field(D, "date", i) + " · " + (field(D, "location", i) || field(D, "place_name", i)));
    a.href = "#";
    a.setAttribute("dir", "auto");
    a.addEventListener("click", function (e) { e.preventDefault(); openPopup(im, i); });
    li.appendChild(a);
    ul.appendChild(li);
  });
  box.appendChild(el("div", "im-popup-head", im.types[c.t].label + " · " + c.n));
  box.appendChild(ul);
  return box;
}

function latLngOf(D, i) {
  return L.latLng(D.lat[i] / 1e5, D.lon[i] / 1e5);
}

// The map pans a popup clear of the panels in its top corners (title, search, dates), not
// only of the map's edge.
function openPopup(im, i) {
  var top = 0;
  im.root.querySelectorAll(".leaflet-top").forEach(function (corner) {
    top = Math.max(top, corner.getBoundingClientRect().bottom - im.map.getContainer().getBoundingClientRect().top);
  });
  im.popup.options.autoPanPaddingTopLeft = L.point(20, Math.max(20, top + 10));
  im.popup.setLatLng(latLngOf(im.D, i)).setContent(popupNode(im, i)).openOn(im.map);
}

// Bring incident i into view (its own marker when it has no twin at the same point).
function reveal(im, i, then) {
  var map = im.map, ll = latLngOf(im.D, i);
  if (!map.getBounds().contains(ll) || map.getZoom() < im.cfg.unclusterAt) {
    map.setView(ll, Math.max(map.getZoom(), im.cfg.unclusterAt), {animate: false});
  }
  then(ll);
}
