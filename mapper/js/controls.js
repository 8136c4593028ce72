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

// A row of the legend; its counts (incidents, and fatalities when the table has them) are
// filled in by updateCounts (filter.js).
function legendRow(im, div, attr, key, fill, counts) {
  var r = el("div", "im-legend-row"), count = el("span", "im-legend-count", "0"), killed = null;
  r.setAttribute(attr, key);
  fill(r);
  r.appendChild(count);
  if (im.hasDeaths) {
    killed = r.appendChild(el("span", "im-legend-count im-legend-killed", "0"));
    killed.title = im.cfg.labels.fatalities;
  }
  counts.push({n: count, k: killed});
  div.appendChild(r);
}

// A label the legend may cut short: the full text shows on hover.
function legendLabel(tag, text) {
  var label = el(tag, "im-legend-label", text);
  label.title = text;
  return label;
}

function legendHead(im, div, title) {
  var head = div.appendChild(el("div", "im-legend-title im-legend-row"));
  head.appendChild(el("span", "im-legend-label", title));
  if (!im.hasDeaths) return;
  head.appendChild(el("span", "im-legend-count im-muted", "n"));
  head.appendChild(el("span", "im-legend-count im-legend-killed im-muted", "†"));
}

// The areas' classes (areas.js), event types as white shapes (coloured only when the colour
// is the type), then the colours; the scale of the markers when they are sized by fatalities.
function legendNode(im) {
  var cfg = im.cfg, div = panel(im, "im-legend", "legend");
  im.areaLegend = div.appendChild(el("div", "im-area-legend"));
  im.areaLegend.style.display = "none";
  if (!im.onlyOther) legendHead(im, div, cfg.labels.legend_types);
  im.types.forEach(function (t) {
    if (im.onlyOther) return im.counts.types.push({n: el("span"), k: null});
    legendRow(im, div, "data-type", t.key, function (r) {
      r.insertAdjacentHTML("beforeend", shapeSvg(cfg.shapes, t.shape, cfg.colorBy === "event_type" ? t.color : "#ffffff", 14));
      r.appendChild(legendLabel("span", t.label));
    }, im.counts.types);
  });
  if (cfg.colorBy !== "event_type") {
    legendHead(im, div, cfg.colorTitle);
    im.colors.forEach(function (c) {
      legendRow(im, div, "data-color", c.key, function (r) {
        var sw = el("span", "im-swatch");
        sw.style.background = safeColor(c.color);
        r.appendChild(sw);
        r.appendChild(legendLabel("bdi", c.label));
      }, im.counts.colors);
    });
  }
  if (cfg.sizeBy) div.appendChild(el("div", "im-muted im-size-note", cfg.labels.size_by + " (" +
    cfg.sizeMin + "–" + cfg.sizeMax + " px, √, " + cfg.fatalityCap + "+ = " + cfg.sizeMax + " px)"));
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

// The legend may grow up to the panels of the top right corner (not over them), and scrolls.
function fitLegend(im) {
  var box = im.map.getContainer().getBoundingClientRect(), top = 0;
  im.root.querySelectorAll(".leaflet-top.leaflet-right .im-panel").forEach(function (p) {
    var list = p.querySelector(".im-results"), bottom = p.getBoundingClientRect().bottom;
    if (list) bottom -= list.getBoundingClientRect().height;   // the search's results come and go
    top = Math.max(top, bottom - box.top);
  });
  im.legendNode.style.maxHeight = Math.max(120, box.height - top - 40) + "px";
}

function addPanels(im) {
  addControl(im.map, "bottomright", function () { return (im.legendNode = legendNode(im)); });
  addControl(im.map, "topleft", function () { return titleNode(im); });
  addControl(im.map, "bottomleft", function () { return toolsNode(im); });
  addControl(im.map, "topright", function () { return searchNode(im); });
  if (im.cfg.dateMin !== null) addControl(im.map, "topright", function () { return filterNode(im); });
}
