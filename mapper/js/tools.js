/* Tools: full screen, the export of the incidents shown (CSV and GeoJSON, made in the page),
 * and the coordinates of a click.
 */
var EXPORT_FIELDS = ["date", "time", "id", "location", "place_name", "place_id", "method", "score",
  "actor", "target", "outcome", "fatalities", "injuries", "country", "admin1", "admin2",
  "description", "source", "source_url", "notes"];

// The incidents shown: kept by the date window, of a type switched on.
function shownIndices(im) {
  var out = [], D = im.D;
  for (var i = 0; i < im.n; i++) if (im.visible[i] && im.typeOn[D.t[i]]) out.push(i);
  return out;
}

// One incident as an object of columns: row, event type, lat, lon, the text fields, the extras.
function exportRecord(im, i) {
  var D = im.D, rec = {row: D.row[i], event_type: im.types[D.t[i]].key,
    lat: D.lat[i] / 1e5, lon: D.lon[i] / 1e5, precision: D.p[i]};
  EXPORT_FIELDS.forEach(function (name) { rec[name] = field(D, name, i); });
  D.x.forEach(function (col) { if (!(col[0] in rec)) rec[col[0]] = cellText(D, col[1], i); });
  return rec;
}

// A CSV cell: quoted when it must be; text that a spreadsheet would run as a formula
// (=, +, -, @, tab, carriage return first) is prefixed with an apostrophe.
function csvCell(value) {
  if (typeof value === "number") return String(value);
  var s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function exportCsv(im, shown) {
  var records = shown.map(function (i) { return exportRecord(im, i); });
  var columns = records.length ? Object.keys(records[0]) : ["row"].concat(EXPORT_FIELDS);
  var lines = [columns.map(csvCell).join(",")];
  records.forEach(function (r) { lines.push(columns.map(function (c) { return csvCell(r[c]); }).join(",")); });
  return "\ufeff" + lines.join("\r\n") + "\r\n";   // BOM: spreadsheets then read the Arabic right
}

function exportGeoJson(im, shown) {
  return JSON.stringify({type: "FeatureCollection", features: shown.map(function (i) {
    var props = exportRecord(im, i);
    return {type: "Feature", geometry: {type: "Point", coordinates: [props.lon, props.lat]}, properties: props};
  })});
}

function download(im, text, type, ext) {
  var a = el("a"), url = URL.createObjectURL(new Blob([text], {type: type}));
  a.href = url;
  a.download = (im.cfg.title.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "") || "incidents") + ext;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
}

function exportShown(im, kind) {
  var shown = shownIndices(im);
  if (kind === "csv") download(im, exportCsv(im, shown), "text/csv;charset=utf-8", ".csv");
  else download(im, exportGeoJson(im, shown), "application/geo+json", ".geojson");
  im.root.setAttribute("data-exported", String(shown.length));
}

function toolButton(div, cls, text, title, onClick) {
  var b = div.appendChild(el("button", cls, text));
  b.type = "button";
  b.title = title;
  b.setAttribute("aria-label", title);
  b.addEventListener("click", onClick);
  return b;
}

// Full screen: the map's root (strip included), or a fixed overlay where the browser refuses.
function toggleFullscreen(im) {
  var root = im.root, done = function () { im.map.invalidateSize({animate: false}); };
  if (document.fullscreenElement === root) return document.exitFullscreen().then(done);
  if (root.classList.contains("im-full")) { root.classList.remove("im-full"); return done(); }
  if (!root.requestFullscreen) { root.classList.add("im-full"); return done(); }
  root.requestFullscreen().then(done, function () { root.classList.add("im-full"); done(); });
}

function toolsNode(im) {
  var lab = im.cfg.labels, div = panel(im, "im-tools", "tools");
  toolButton(div, "im-fullscreen", "\u2922", lab.fullscreen, function () { toggleFullscreen(im); });
  div.appendChild(el("span", "im-muted", lab.export + ":"));
  toolButton(div, "im-export-csv", lab.export_csv, lab.export + " (CSV)", function () { exportShown(im, "csv"); });
  toolButton(div, "im-export-geojson", lab.export_geojson, lab.export + " (GeoJSON)", function () { exportShown(im, "geojson"); });
  im.readout = div.appendChild(el("div", "im-readout im-muted"));
  document.addEventListener("fullscreenchange", function () { im.map.invalidateSize({animate: false}); });
  return div;
}

// A click on the map writes its coordinates (latitude, longitude, 5 decimals) in the tools.
function followClicks(im) {
  im.map.on("click", function (e) {
    im.readout.textContent = im.cfg.labels.clicked + ": " + e.latlng.lat.toFixed(5) + ", " + e.latlng.lng.toFixed(5);
  });
}
