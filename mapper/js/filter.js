/* The date filter: one pass over the incidents' first and last days, then every layer redrawn.
 */

// An incident is kept when its span of days (a day, a month or a year) meets [from, to].
function applyFilter(im, from, to) {
  var started = performance.now(), D = im.D, visible = im.visible, n = im.n;
  for (var i = 0; i < n; i++) {
    visible[i] = (from === null || D.d1[i] >= from) && (to === null || D.d0[i] <= to) ? 1 : 0;
  }
  im.popup.close();
  render(im);
  updateCounts(im, from, to);
  if (im.map.hasLayer(im.circles)) drawCircles(im);
  if (im.map.hasLayer(im.sites)) drawSites(im);
  im.root.setAttribute("data-filter-ms", String(Math.round(performance.now() - started)));
  im.root.setAttribute("data-state", "ready");
}

// A date input left empty means the data's first or last day.
function onDateChange(im) {
  var from = dayOf(im.fromInput.value), to = dayOf(im.toInput.value);
  applyFilter(im, from === null ? im.cfg.dateMin : from, to === null ? im.cfg.dateMax : to);
}

function resetDates(im) {
  var cfg = im.cfg;
  im.fromInput.value = cfg.dateMin === null ? "" : isoOf(cfg.dateMin);
  im.toInput.value = cfg.dateMax === null ? "" : isoOf(cfg.dateMax);
  onDateChange(im);
}

// The legend's counts and the subtitle (range, shown / all) for the incidents on show.
function updateCounts(im, from, to) {
  var D = im.D, visible = im.visible, n = im.n, shown = 0;
  var tc = new Array(im.types.length).fill(0), cc = new Array(im.colors.length).fill(0);
  for (var i = 0; i < n; i++) {
    if (!visible[i]) continue;
    shown++;
    tc[D.t[i]]++;
    cc[D.c[i]]++;
  }
  im.counts.types.forEach(function (node, t) { node.textContent = String(tc[t]); });
  im.counts.colors.forEach(function (node, c) { node.textContent = String(cc[c]); });
  var range = from === null ? "" : isoOf(from) + " \u2013 " + isoOf(to) + " \u00b7 ";
  im.subtitle.textContent = range + shown + " / " + n + " " + im.cfg.labels.incidents + im.cfg.reviewNote;
  im.root.setAttribute("data-shown", String(shown));
}
