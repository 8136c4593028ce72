/* The heat layer: the incidents shown, counted in cells of a few pixels, blurred, and drawn
 * on one canvas over the view; redrawn after every move and filter change. Our own code.
 */
var HEAT_CELL = 4;        // screen pixels per cell
var HEAT_RADIUS = 5;      // cells of blur, each way (two box passes: close to a Gaussian)

function heatLayer(im) {
  var pane = im.map.createPane("imHeat");
  pane.style.zIndex = 380;            // over the areas, under the sites and markers
  pane.style.pointerEvents = "none";
  var Heat = L.Layer.extend({
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "im-heat", pane);
      map.on("moveend resize", this.redraw, this);
      map.on("zoomstart", this.hide, this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize", this.redraw, this);
      map.off("zoomstart", this.hide, this);
    },
    hide: function () { this._canvas.style.visibility = "hidden"; },
    redraw: function () { drawHeat(im, this._canvas); }
  });
  return new Heat();
}

// How many incidents shown fall in each cell of the view.
function heatCounts(im, gw, gh) {
  var D = im.D, px = im.points.x, py = im.points.y, visible = im.visible, typeOn = im.typeOn;
  var scale = Math.pow(2, im.map.getZoom()), o = im.map.getPixelBounds().min, grid = new Float32Array(gw * gh);
  for (var i = 0, n = im.n; i < n; i++) {
    if (!visible[i] || !typeOn[D.t[i]]) continue;
    var gx = Math.floor((px[i] * scale - o.x) / HEAT_CELL), gy = Math.floor((py[i] * scale - o.y) / HEAT_CELL);
    if (gx >= 0 && gy >= 0 && gx < gw && gy < gh) grid[gy * gw + gx] += 1;
  }
  return grid;
}

// One box blur of radius r along rows (step 1) or columns (step w), src into dst.
function boxBlur(src, dst, w, h, r, alongRows) {
  var lines = alongRows ? h : w, len = alongRows ? w : h, step = alongRows ? 1 : w, norm = 1 / (2 * r + 1);
  for (var l = 0; l < lines; l++) {
    var base = alongRows ? l * w : l, sum = 0;
    for (var k = -r; k <= r; k++) sum += k >= 0 && k < len ? src[base + k * step] : 0;
    for (var p = 0; p < len; p++) {
      dst[base + p * step] = sum * norm;
      var add = p + r + 1, drop = p - r;
      if (add < len) sum += src[base + add * step];
      if (drop >= 0) sum -= src[base + drop * step];
    }
  }
}

function blurred(grid, gw, gh) {
  var tmp = new Float32Array(grid.length);
  for (var pass = 0; pass < 2; pass++) {
    boxBlur(grid, tmp, gw, gh, HEAT_RADIUS, true);
    boxBlur(tmp, grid, gw, gh, HEAT_RADIUS, false);
  }
  return grid;
}

// 256 colours from clear pale yellow to opaque dark red (ColorBrewer YlOrRd, as the areas).
function heatPalette() {
  var stops = [[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]];
  var out = new Uint8ClampedArray(256 * 4);
  for (var v = 0; v < 256; v++) {
    var x = v / 255 * (stops.length - 1), k = Math.min(stops.length - 2, Math.floor(x)), f = x - k;
    for (var ch = 0; ch < 3; ch++) out[v * 4 + ch] = stops[k][ch] + (stops[k + 1][ch] - stops[k][ch]) * f;
    out[v * 4 + 3] = 230 * Math.pow(v / 255, 0.6);   // from clear: no edge where the heat ends
  }
  return out;
}

function drawHeat(im, canvas) {
  var map = im.map, size = map.getSize(), gw = Math.ceil(size.x / HEAT_CELL), gh = Math.ceil(size.y / HEAT_CELL);
  var grid = blurred(heatCounts(im, gw, gh), gw, gh), peak = 0;
  for (var k = 0; k < grid.length; k++) if (grid[k] > peak) peak = grid[k];
  var small = document.createElement("canvas"), pal = im.heatPalette || (im.heatPalette = heatPalette());
  small.width = gw;
  small.height = gh;
  var sctx = small.getContext("2d"), img = sctx.createImageData(gw, gh), lit = 0;
  for (var c = 0; c < grid.length; c++) {
    var v = peak > 0 ? Math.round(255 * Math.sqrt(grid[c] / peak)) : 0;   // sqrt: sparse cells still show
    if (v > 0) lit++;
    for (var ch = 0; ch < 4; ch++) img.data[c * 4 + ch] = pal[v * 4 + ch];
  }
  sctx.putImageData(img, 0, 0);
  canvas.width = size.x;
  canvas.height = size.y;
  L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
  var ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, gw * HEAT_CELL, gh * HEAT_CELL);
  canvas.style.visibility = "";
  canvas.setAttribute("data-lit", String(lit));
}
