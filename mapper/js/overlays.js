/* Overlays: uncertainty circles, struck sites, the outline basemap; each redrawn from the
 * incidents the date filter keeps, and listed in the layer control.
 */

// One dashed circle per distinct imprecise point on show, drawn on a canvas.
function circleLayer(im) {
  var layer = L.layerGroup();
  layer.on("add", function () { drawCircles(im); });
  return layer;
}

function drawCircles(im) {
  var D = im.D, visible = im.visible, layer = im.circles, renderer = im.circleRenderer, seen = {};
  layer.clearLayers();
  for (var i = 0, n = im.n; i < n; i++) {
    if (!visible[i] || D.p[i] < 2 || D.r[i] <= 0) continue;
    var key = D.lat[i] + "," + D.lon[i] + "," + D.r[i];
    if (seen[key]) continue;
    seen[key] = 1;
    L.circle([D.lat[i] / 1e5, D.lon[i] / 1e5], {
      radius: D.r[i] * 100, renderer: renderer, interactive: false,
      color: "#555", weight: 1, dashArray: "4 3", fillColor: "#888", fillOpacity: 0.08
    }).addTo(layer);
  }
}

// Each resolved place once, ringed, with how many incidents on show hit it.
function sitesLayer(im) {
  var layer = L.featureGroup();
  im.map.createPane("imSites").style.zIndex = 590;  // over the tiles, under the markers
  layer.on("add", function () { drawSites(im); });
  return layer;
}

// place id -> {i: an incident there, n: incidents on show}
function siteCounts(im) {
  var byPlace = new Map(), D = im.D, visible = im.visible;
  for (var i = 0, n = im.n; i < n; i++) {
    var id = visible[i] ? field(D, "place_id", i) : "";
    if (!id) continue;
    var s = byPlace.get(id);
    if (s) s.n++;
    else byPlace.set(id, {i: i, n: 1});
  }
  return byPlace;
}

function drawSites(im) {
  var layer = im.sites;
  layer.clearLayers();
  siteCounts(im).forEach(function (s) {
    var tip = el("div", "im-tip");
    tip.appendChild(el("bdi", null, field(im.D, "place_name", s.i)));
    tip.appendChild(el("span", null, " \u00b7 " + s.n + " " + im.cfg.labels.incidents_here));
    L.circleMarker(latLngOf(im.D, s.i), {
      radius: 6 + Math.min(10, 2 * Math.log(s.n + 1)), color: "#b2182b", weight: 1.5, opacity: 0.8,
      fill: false, pane: "imSites"
    }).bindTooltip(tip, {direction: "top", className: "im-tooltip"}).addTo(layer);
  });
}

// The type groups present, the circles (shown at first unless there are too many) and the
// struck sites, on the map and in the layer control.
function addOverlays(im) {
  var D = im.D, map = im.map, control = im.layerControl, present = im.types.map(function () { return 0; });
  for (var i = 0; i < im.n; i++) present[D.t[i]] = 1;
  im.groups.forEach(function (g, t) {
    if (!present[t]) return;
    g.addTo(map);
    control.addOverlay(g, '<span class="im-ov">' + shapeSvg(im.cfg.shapes, im.types[t].shape,
      im.types[t].color, 12) + " " + esc(im.onlyOther ? im.cfg.labels.all_marks : im.types[t].label) + "</span>");
  });
  var imprecise = 0;
  for (var k = 0; k < im.n; k++) if (D.p[k] >= 2 && D.r[k] > 0) imprecise++;
  if (imprecise) {
    control.addOverlay(im.circles, esc(im.cfg.labels.uncertainty));
    if (im.cfg.circlesOn) im.circles.addTo(map);
  }
  if (D.f.place_id) {
    control.addOverlay(im.sites, esc(im.cfg.labels.sites));
    im.sites.addTo(map);
  }
}

// The outline basemap (self-contained maps): under the tiles, so it shows where they fail.
function addOutlines(map, layerControl, cfg) {
  map.createPane("imOutlines").style.zIndex = 150;
  var outlines = L.geoJSON(JSON.parse(document.getElementById(cfg.outlinesId).textContent), {
    pane: "imOutlines", interactive: false,
    style: {color: "#6b6b6b", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1}
  }).addTo(map);
  layerControl.addOverlay(outlines, esc(cfg.labels.outlines));
}
