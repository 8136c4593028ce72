/* The panels in the map's corners: legend with counts, title, date filter.
 */

function addControl(map, position, onAdd) {
  var control = L.control({position: position});
  control.onAdd = onAdd;
  control.addTo(map);
  return control;
}

// A panel with its own id, which clicks and wheel turns do not pass through to the map.
function panel(im, cls, name) {
  var div = el("div", "im-panel " + cls);
  div.id = im.cfg.prefix + "-" + name;
  stopPropagation(div);
  return div;
}

// A row of the legend; its count is filled in by updateCounts (filter.js).
function legendRow(div, attr, key, fill, counts) {
  var r = el("div", "im-legend-row"), count = el("span", "im-legend-count", "0");
  r.setAttribute(attr, key);
  fill(r);
  r.appendChild(count);
  counts.push(count);
  div.appendChild(r);
}

// Event types as white shapes (coloured only when the colour is the type), then the colours.
function legendNode(im) {
  var cfg = im.cfg, div = panel(im, "im-legend", "legend");
  div.appendChild(el("div", "im-legend-title", cfg.labels.legend_types));
  im.types.forEach(function (t) {
    legendRow(div, "data-type", t.key, function (r) {
      r.insertAdjacentHTML("beforeend", shapeSvg(cfg.shapes, t.shape, cfg.colorBy === "event_type" ? t.color : "#ffffff", 14));
      r.appendChild(el("span", "im-legend-label", t.label));
    }, im.counts.types);
  });
  if (cfg.colorBy === "event_type") return div;
  div.appendChild(el("div", "im-legend-title", cfg.labels.legend_colors));
  im.colors.forEach(function (c) {
    legendRow(div, "data-color", c.key, function (r) {
      var sw = el("span", "im-swatch");
      sw.style.background = safeColor(c.color);
      r.appendChild(sw);
      r.appendChild(el("bdi", "im-legend-label", c.label));
    }, im.counts.colors);
  });
  return div;
}

function titleNode(im) {
  var div = panel(im, "im-title", "title");
  div.appendChild(el("div", "im-title-main", im.cfg.title));
  im.subtitle = el("div", "im-subtitle");
  div.appendChild(im.subtitle);
  return div;
}

// From and to: date inputs set to the data's first and last day.
function dateInput(im, k) {
  var cfg = im.cfg, first = cfg.dateMin, inp = el("input");
  inp.type = "date";
  inp.className = k ? "im-date-to" : "im-date-from";
  inp.setAttribute("aria-label", k ? cfg.labels.date_to : cfg.labels.date_from);
  if (first !== null) { inp.min = isoOf(first); inp.max = isoOf(cfg.dateMax); }
  inp.value = first === null ? "" : isoOf(k ? cfg.dateMax : first);
  inp.addEventListener("change", function () { onDateChange(im); });
  return inp;
}

function filterNode(im) {
  var div = panel(im, "im-filter", "filter");
  div.appendChild(el("div", "im-legend-title", im.cfg.labels.dates));
  im.fromInput = div.appendChild(dateInput(im, 0));
  im.toInput = div.appendChild(dateInput(im, 1));
  var reset = el("button", "im-date-reset", im.cfg.labels.all_dates);
  reset.type = "button";
  reset.addEventListener("click", function () { resetDates(im); });
  div.appendChild(reset);
  return div;
}

function addPanels(im) {
  addControl(im.map, "bottomright", function () { return legendNode(im); });
  addControl(im.map, "topleft", function () { return titleNode(im); });
  addControl(im.map, "topright", function () { return filterNode(im); });
}
