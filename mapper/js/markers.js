/* Markers and clusters: drawn from the grid cells on every move, one layer group per type.
 */

// The icon of a single incident of type t, colour c and side `size` px (each made once).
function markerIcon(im, t, c, size) {
  var key = (t * 4096 + c) * 64 + size, h = size / 2;
  if (!im.icons[key]) {
    im.icons[key] = L.divIcon({
      className: "im-mk im-mk-" + im.types[t].key,
      html: shapeSvg(im.cfg.shapes, im.types[t].shape, im.colors[c].color, size),
      iconSize: [size, size], iconAnchor: [h, h], popupAnchor: [0, -h], tooltipAnchor: [0, -h]
    });
  }
  return im.icons[key];
}

// A marker's side: 16 px, or by fatalities (mapper.style.marker_size: area follows the toll,
// capped), in whole pixels.
function markerSize(im, i) {
  var cfg = im.cfg;
  if (cfg.sizeBy !== "fatalities") return 16;
  var share = Math.min(Math.max(im.D.k[i], 0), cfg.fatalityCap) / cfg.fatalityCap;
  return Math.round(cfg.sizeMin + (cfg.sizeMax - cfg.sizeMin) * Math.sqrt(share));
}

// A cluster: the type's shape in its own colour, sized by the count written on it.
function clusterIcon(im, t, count) {
  var type = im.types[t];
  var size = count < 10 ? 28 : count < 100 ? 34 : count < 1000 ? 40 : 46;
  return L.divIcon({
    className: "im-cluster im-cluster-" + type.key,
    html: shapeSvg(im.cfg.shapes, type.shape, type.color, size) +
      '<span class="im-cluster-n">' + (+count) + "</span>",
    iconSize: [size, size], iconAnchor: [size / 2, size / 2]
  });
}

function incidentMarker(im, t, i) {
  var D = im.D;
  var mk = L.marker([D.lat[i] / 1e5, D.lon[i] / 1e5], {icon: markerIcon(im, t, D.c[i], markerSize(im, i)), keyboard: false});
  mk._imIndex = i;
  return mk;
}

// A cluster remembers its cell, and the box of its incidents to zoom to when clicked.
function clusterMarker(im, t, c, key, cell, z, ring) {
  var map = im.map;
  var mk = L.marker(map.unproject(clusterPoint(c, ring, t), z), {icon: clusterIcon(im, t, c.n), keyboard: false});
  mk._imCluster = {t: t, n: c.n, z: z, key: key, cell: cell, box: L.latLngBounds(
    map.unproject(L.point(c.ax, c.by), z), map.unproject(L.point(c.bx, c.ay), z))};
  return mk;
}

// Redraw what is in view: after a move, a date filter, or a type switched on or off.
function render(im) {
  var z = im.map.getZoom(), cell = cellSize(im.cfg, z);
  var cells = gridCells(im, z, cell), shared = sharedCells(cells);
  im.groups.forEach(function (g, t) {
    g.clearLayers();
    cells[t].forEach(function (c, key) {
      g.addLayer(c.n === 1 ? incidentMarker(im, t, c.i)
        : clusterMarker(im, t, c, key, cell, z, shared.get(key)));
    });
  });
  im.root.setAttribute("data-zoom", String(z));  // the zoom drawn, once any animation is over
}

// A marker opens its popup; a cluster zooms in on its incidents, or, when they share one
// point and no zoom can split them, lists them.
function onMarkerClick(im, e) {
  var map = im.map, m = e.layer;
  if (m._imIndex !== undefined) return openPopup(im, m._imIndex);
  var c = m._imCluster;
  var sw = map.project(c.box.getSouthWest(), c.z), ne = map.project(c.box.getNorthEast(), c.z);
  if (c.z >= map.getMaxZoom() || (Math.abs(ne.x - sw.x) < 1 && Math.abs(ne.y - sw.y) < 1)) {
    im.popup.setLatLng(m.getLatLng()).setContent(listNode(im, c)).openOn(map);
  } else {
    map.fitBounds(c.box, {padding: [40, 40], maxZoom: Math.max(c.z + 1, Math.min(map.getMaxZoom(), c.z + 3))});
  }
}

// Tooltips are made on first hover, not with the marker.
function onMarkerHover(im, e) {
  var m = e.layer;
  if (m.getTooltip()) return;
  var tip = m._imIndex !== undefined ? tooltipNode(im, m._imIndex)
    : el("div", "im-tip", im.types[m._imCluster.t].label + " · " + m._imCluster.n);
  m.bindTooltip(tip, {direction: "top", className: "im-tooltip"});
  m.openTooltip();
}

// One feature group per event type (it passes its markers' events up to these handlers).
function typeGroups(im) {
  return im.types.map(function () {
    var g = L.featureGroup();
    g.on("click", function (e) { onMarkerClick(im, e); });
    g.on("mouseover", function (e) { onMarkerHover(im, e); });
    return g;
  });
}
