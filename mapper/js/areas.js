/* The choropleth: governorates or districts coloured by the incidents (or fatalities) the
 * filters keep, in quantile classes; the rule is mapper/choropleth.py's, computed again here.
 */

// A ring of the areas block: lat, lon pairs in thousandths of a degree, each relative to the last.
function decodeRing(flat) {
  var out = [], lat = 0, lon = 0;
  for (var k = 0; k < flat.length; k += 2) {
    lat += flat[k];
    lon += flat[k + 1];
    out.push([lat / 1000, lon / 1000]);
  }
  return out;
}

function decodeArea(polys) {
  return polys.map(function (rings) { return rings.map(decodeRing); });
}

// The upper bounds of the quantile classes of the figures above 0 (choropleth.quantile_breaks).
function quantileBreaks(values, classes) {
  var ranked = [];
  for (var k = 0; k < values.length; k++) if (values[k] > 0) ranked.push(values[k]);
  ranked.sort(function (a, b) { return a - b; });
  var breaks = [];
  for (var c = 1; c <= classes && ranked.length; c++) {
    var bound = ranked[Math.ceil(c * ranked.length / classes) - 1];
    if (!breaks.length || bound > breaks[breaks.length - 1]) breaks.push(bound);
  }
  return breaks;
}

function classOf(value, breaks) {
  if (value <= 0) return -1;
  for (var k = 0; k < breaks.length; k++) if (value <= breaks[k]) return k;
  return breaks.length - 1;
}

// The ramp's colours for n classes: its ends kept, its middle thinned (choropleth.ramp).
function rampOf(ramp, n) {
  if (n >= ramp.length) return ramp.slice();
  if (n <= 1) return n ? [ramp[ramp.length - 1]] : [];
  var step = (ramp.length - 1) / (n - 1), out = [];
  for (var k = 0; k < n; k++) out.push(ramp[Math.round(k * step)]);
  return out;
}

// Per area: incidents and fatalities among those shown (date filter and type switches).
function areaFigures(im) {
  var D = im.D, col = im.cfg.areas.level === "admin1" ? D.a1 : D.a2;
  var m = im.areaShapes.length, counts = new Array(m).fill(0), deaths = new Array(m).fill(0);
  var visible = im.visible, typeOn = im.typeOn, t = D.t, k = D.k;
  for (var i = 0, n = im.n; i < n; i++) {
    var a = col[i];
    if (a < 0 || !visible[i] || !typeOn[t[i]]) continue;
    counts[a]++;
    deaths[a] += k[i];
  }
  return {counts: counts, deaths: deaths};
}

function areaLayer(im, blob) {
  var cfg = im.cfg.areas;
  if (!cfg || !blob.polygons) return null;
  im.map.createPane("imAreas").style.zIndex = 350;   // over the tiles, under the markers
  var renderer = L.svg({pane: "imAreas", padding: 0.3}), layer = L.featureGroup();
  im.areaNames = blob.names[cfg.level];
  im.areaShapes = blob.polygons.map(function (polys, k) {
    var shape = L.polygon(decodeArea(polys), {
      pane: "imAreas", renderer: renderer, color: "#555", weight: 0.7, fillOpacity: 0.6,
      fillColor: "#fff", className: "im-area"
    });
    shape.bindTooltip(function () { return areaTip(im, k); }, {sticky: true, className: "im-tooltip"});
    layer.addLayer(shape);
    return shape;
  });
  layer.on("add", function () { drawAreas(im); });
  layer.on("remove", function () { im.areaLegend.style.display = "none"; });
  return layer;
}

// The name in English and Arabic and the figures of area k.
function areaTip(im, k) {
  var a = im.areaNames[k], f = im.areaNow, lab = im.cfg.labels, box = el("div", "im-tip");
  box.appendChild(el("b", null, a[1]));
  if (a[2]) {
    box.appendChild(document.createTextNode(" \u00b7 "));
    var ar = box.appendChild(el("bdi", null, a[2]));
    ar.setAttribute("dir", "rtl");
  }
  box.appendChild(el("br"));
  box.appendChild(el("span", "im-area-figures", f.counts[k] + " " + lab.measure_incidents +
    " \u00b7 " + f.deaths[k] + " " + lab.killed));
  return box;
}

// Colour every area by its class, and write the classes in the legend.
function drawAreas(im) {
  if (!im.areaShapes || !im.map.hasLayer(im.areas)) return;
  var cfg = im.cfg.areas, f = areaFigures(im);
  var values = cfg.measure === "fatalities" ? f.deaths : f.counts;
  var breaks = quantileBreaks(values, cfg.classes), colors = rampOf(cfg.ramp, breaks.length);
  im.areaNow = f;
  im.areaShapes.forEach(function (shape, k) {
    var c = classOf(values[k], breaks);
    shape.setStyle({fillColor: c < 0 ? "#ffffff" : safeColor(colors[c]), fillOpacity: c < 0 ? 0.05 : 0.6});
    var path = shape.getElement();
    if (!path) return;
    path.setAttribute("data-code", im.areaNames[k][0]);
    path.setAttribute("data-value", String(values[k]));
    path.setAttribute("data-class", String(c));
  });
  areaLegend(im, breaks, colors);
}

// The classes' bounds ("1–3", "4–9", ...) with their colours, at the top of the legend.
function areaLegend(im, breaks, colors) {
  var div = im.areaLegend, cfg = im.cfg.areas, lab = im.cfg.labels, low = 1;
  div.textContent = "";
  div.style.display = "";
  div.appendChild(el("div", "im-legend-title", lab["areas_" + cfg.level] + " \u00b7 " + lab["measure_" + cfg.measure]));
  breaks.forEach(function (bound, k) {
    var r = el("div", "im-legend-row im-area-class"), sw = el("span", "im-swatch im-square");
    sw.style.background = safeColor(colors[k]);
    r.appendChild(sw);
    r.appendChild(el("span", "im-legend-label", low === bound ? String(bound) : low + "\u2013" + bound));
    r.setAttribute("data-class", String(k));
    div.appendChild(r);
    low = bound + 1;
  });
  if (!breaks.length) div.appendChild(el("div", "im-muted", lab.no_incidents));
}
