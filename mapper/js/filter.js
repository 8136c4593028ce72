/* The filters: the date window (one pass over the incidents' first and last days) and the
 * event types switched on in the layer control; every layer that follows them is redrawn.
 */

// An incident is kept when its span of days (a day, a month or a year) meets [from, to].
function applyFilter(im, from, to) {
  var started = performance.now(), D = im.D, visible = im.visible, n = im.n;
  for (var i = 0; i < n; i++) {
    visible[i] = (from === null || D.d1[i] >= from) && (to === null || D.d0[i] <= to) ? 1 : 0;
  }
  im.from = from;
  im.to = to;
  im.popup.close();
  redraw(im);
  if (im.map.hasLayer(im.circles)) drawCircles(im);
  if (im.map.hasLayer(im.sites)) drawSites(im);
  im.root.setAttribute("data-filter-ms", String(Math.round(performance.now() - started)));
  im.root.setAttribute("data-state", "ready");
}

// Everything drawn from the incidents shown: after a date change or a type switched.
function redraw(im) {
  render(im);
  updateCounts(im);
  drawAreas(im);
  if (im.heat && im.map.hasLayer(im.heat)) im.heat.redraw();
  if (im.strip) drawStrip(im);
}

// A date input left empty means the data's first or last day.
function onDateChange(im) {
  var from = dayOf(im.fromInput.value), to = dayOf(im.toInput.value);
  applyFilter(im, from === null ? im.cfg.dateMin : from, to === null ? im.cfg.dateMax : to);
}

// Set the date inputs to [from, to] (days) and apply them: for play and the strip's brush.
function setWindow(im, from, to) {
  im.fromInput.value = isoOf(from);
  im.toInput.value = isoOf(to);
  applyFilter(im, from, to);
}

function resetDates(im) {
  var cfg = im.cfg;
  im.fromInput.value = cfg.dateMin === null ? "" : isoOf(cfg.dateMin);
  im.toInput.value = cfg.dateMax === null ? "" : isoOf(cfg.dateMax);
  onDateChange(im);
}

// Per event type and colour: incidents and fatalities among the dated ones kept; the number
// and toll of those shown (types switched on too).
function tally(im) {
  var D = im.D, visible = im.visible, typeOn = im.typeOn, n = im.n;
  var out = {tc: new Array(im.types.length).fill(0), tk: new Array(im.types.length).fill(0),
    cc: new Array(im.colors.length).fill(0), ck: new Array(im.colors.length).fill(0), shown: 0, killed: 0};
  for (var i = 0; i < n; i++) {
    if (!visible[i]) continue;
    var t = D.t[i], c = D.c[i], k = D.k[i];
    out.tc[t]++; out.tk[t] += k;
    out.cc[c]++; out.ck[c] += k;
    if (typeOn[t]) { out.shown++; out.killed += k; }
  }
  return out;
}

// The legend's counts and the subtitle: range, shown / all, fatalities shown.
function updateCounts(im) {
  var f = tally(im), lab = im.cfg.labels, from = im.from, to = im.to;
  im.counts.types.forEach(function (node, t) { setCount(node, f.tc[t], f.tk[t]); });
  im.counts.colors.forEach(function (node, c) { setCount(node, f.cc[c], f.ck[c]); });
  var range = from === null || from === undefined ? "" : isoOf(from) + " \u2013 " + isoOf(to) + " \u00b7 ";
  var deaths = im.hasDeaths ? " \u00b7 " + f.killed + " " + lab.killed : "";
  im.subtitle.textContent = range + f.shown + " / " + im.n + " " + lab.incidents + deaths + im.cfg.reviewNote;
  im.root.setAttribute("data-shown", String(f.shown));
  im.root.setAttribute("data-killed", String(f.killed));
  im.root.setAttribute("data-from", from === null || from === undefined ? "" : isoOf(from));
  im.root.setAttribute("data-to", from === null || from === undefined ? "" : isoOf(to));
}

function setCount(node, n, k) {
  node.n.textContent = String(n);
  if (node.k) node.k.textContent = String(k);
}
