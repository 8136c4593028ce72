/* Projection and grid clustering: pure computation over typed arrays, no drawing.
 *
 * Each incident is projected once to web-mercator pixels at zoom 0; a redraw scales them to
 * the zoom in view and drops each into a grid cell of its event type, in one pass, so 100k
 * incidents cost a few hundred markers on screen.
 */
var CELL = 60;            // grid cell, in screen pixels
var SPAN = 67108864;      // 2^26 > pixels across the world at zoom 18: cell keys cannot collide

function project(D) {
  var n = D.n, x = new Float64Array(n), y = new Float64Array(n);
  for (var i = 0; i < n; i++) {
    var lat = Math.max(-85.05, Math.min(85.05, D.lat[i] / 1e5));
    var s = Math.sin(lat * Math.PI / 180);
    x[i] = (D.lon[i] / 1e5 + 180) / 360 * 256;
    y[i] = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
  }
  return {x: x, y: y};
}

function cellKey(x, y, cell) {
  return Math.floor(x / cell) * SPAN + Math.floor(y / cell);
}

// The cell size at zoom z: past cfg.unclusterAt only incidents at the very same point share one.
function cellSize(cfg, z) {
  return z < cfg.unclusterAt ? CELL : 1;
}

// Every shown incident in view (with a margin) in a cell of its type: one Map per type, cell
// key -> {i: first incident, n, sx, sy: sums of x and y, ax, bx, ay, by: bounding box}.
function gridCells(im, z, cell) {
  var D = im.D, px = im.points.x, py = im.points.y, visible = im.visible, typeOn = im.typeOn;
  var scale = Math.pow(2, z), b = im.map.getPixelBounds(), pad = CELL * 2;
  var x0 = b.min.x - pad, x1 = b.max.x + pad, y0 = b.min.y - pad, y1 = b.max.y + pad;
  var cells = im.types.map(function () { return new Map(); });
  for (var i = 0, n = im.n; i < n; i++) {
    if (!visible[i] || !typeOn[D.t[i]]) continue;
    var x = px[i] * scale, y = py[i] * scale;
    if (x < x0 || x > x1 || y < y0 || y > y1) continue;
    addToCell(cells[D.t[i]], cellKey(x, y, cell), i, x, y);
  }
  return cells;
}

function addToCell(cells, key, i, x, y) {
  var c = cells.get(key);
  if (c === undefined) {
    cells.set(key, {i: i, n: 1, sx: x, sy: y, ax: x, bx: x, ay: y, by: y});
    return;
  }
  c.n++; c.sx += x; c.sy += y;
  if (x < c.ax) c.ax = x;
  if (x > c.bx) c.bx = x;
  if (y < c.ay) c.ay = y;
  if (y > c.by) c.by = y;
}

// Clusters of several types in one cell would hide each other: cell key -> the types with a
// cluster there, which are then set on a ring round the cell's centre.
function sharedCells(cells) {
  var shared = new Map();
  cells.forEach(function (m, t) {
    m.forEach(function (c, key) {
      if (c.n > 1) shared.set(key, (shared.get(key) || []).concat([t]));
    });
  });
  return shared;
}

// Where cluster c of type t is drawn, in pixels at its zoom: the mean of its incidents,
// moved onto the ring of the types that share its cell.
function clusterPoint(c, ring, t) {
  var x = c.sx / c.n, y = c.sy / c.n;
  if (ring.length > 1) {
    var a = 2 * Math.PI * ring.indexOf(t) / ring.length, radius = 10 + 4 * ring.length;
    x += radius * Math.cos(a);
    y += radius * Math.sin(a);
  }
  return L.point(x, y);
}

// The shown incidents of type t in cell `key` at zoom z (a cluster's members), at most `limit`.
function cellMembers(im, t, key, z, cell, limit) {
  var D = im.D, scale = Math.pow(2, z), out = [];
  for (var i = 0; i < im.n && out.length < limit; i++) {
    if (!im.visible[i] || D.t[i] !== t) continue;
    if (cellKey(im.points.x[i] * scale, im.points.y[i] * scale, cell) === key) out.push(i);
  }
  return out;
}
