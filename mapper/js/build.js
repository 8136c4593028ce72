/* Wiring: the map's state, its layers and panels, and the hook for tests and links.
 *
 * Called as start(map, layerControl, cfg) once folium's script has made the map. Every part
 * takes the map's state `im` as its first argument instead of sharing variables: the state
 * of one map is this object and nothing else.
 */

function newState(map, layerControl, cfg, root, D, areaBlob) {
  var im = {
    map: map, layerControl: layerControl, cfg: cfg, root: root, D: D, n: D.n, areaBlob: areaBlob,
    types: cfg.types, colors: cfg.colors, from: cfg.dateMin, to: cfg.dateMax,
    hasDeaths: D.k.some(function (k) { return k > 0; }),
    onlyOther: cfg.types.length === 1 && cfg.types[0].key === "other",   // no type to tell
    points: project(D),                         // web-mercator pixels at zoom 0
    visible: new Uint8Array(D.n).fill(1),       // kept by the date filter
    typeOn: cfg.types.map(function () { return 1; }),  // switched on in the layer control
    icons: {}, counts: {types: [], colors: []},
    circleRenderer: L.canvas({padding: 0.3}),
    popup: L.popup({maxWidth: 380, minWidth: 220, className: "im-popup-wrap", autoPanPadding: [20, 20]})
  };
  im.groups = typeGroups(im);
  im.circles = circleLayer(im);
  im.sites = sitesLayer(im);
  im.areas = areaLayer(im, areaBlob);
  im.heat = heatLayer(im);
  return im;
}

// The choropleth (shown at first: it was asked for) and the heat layer (off at first).
function addAnalysisLayers(im) {
  var cfg = im.cfg, control = im.layerControl;
  if (im.areas) {
    control.addOverlay(im.areas, esc(cfg.labels["areas_" + cfg.areas.level] + " · " + cfg.labels["measure_" + cfg.areas.measure]));
    im.areas.addTo(im.map);
  }
  if (im.n) control.addOverlay(im.heat, esc(cfg.labels.heat));
}

// The first view, without animation: a zoom still animating swallows later view changes.
// Pixels are kept clear round the incidents, for the panels in the map's corners.
function fitAll(im) {
  im.map.fitBounds(im.cfg.bounds, {padding: [60, 60], maxZoom: 11, animate: false});
}

function followMap(im) {
  im.map.on("overlayadd overlayremove", function (e) {
    var t = im.groups.indexOf(e.layer);
    if (t < 0) return;
    im.typeOn[t] = e.type === "overlayadd" ? 1 : 0;
    im.dayCounts = null;
    redraw(im);
  });
  im.map.on("moveend", function () { render(im); });
  im.map.on("resize", function () { fitLegend(im); });
  followClicks(im);
}

// root.incidentMap: bring incident i into view, then open its popup or tooltip (for tests
// and for links into the map); `done` is called in every case.
function hook(im) {
  return {
    map: im.map, groups: im.groups, visible: im.visible, circles: im.circles, sites: im.sites,
    render: function () { render(im); },
    applyFilter: function (from, to) { applyFilter(im, from, to); },
    dayOf: dayOf, fitAll: function () { fitAll(im); },
    areas: im.areas, heat: im.heat, step: function () { return stepWindow(im); },
    quantileBreaks: quantileBreaks,
    find: function (q) { return findNames(im, q).map(function (e) { return e.label; }); },
    foldKey: function (s) { return foldKey(foldRules(im), s); },
    skeletonKey: function (s) { return skeletonKey(foldRules(im), s); },
    exportCsv: function () { return exportCsv(im, shownIndices(im)); },
    record: function (i) { return exportRecord(im, i); },
    openPopup: function (i, done) {
      reveal(im, i, function () { openPopup(im, i); if (done) done(); });
    },
    openTooltip: function (i, done) {
      reveal(im, i, function (ll) {
        L.tooltip({direction: "top", className: "im-tooltip"}).setLatLng(ll)
          .setContent(tooltipNode(im, i)).addTo(im.map);
        if (done) done();
      });
    }
  };
}

function build(map, layerControl, cfg, root, blocks) {
  root.setAttribute("data-parsed-ms", String(Math.round(performance.now())));
  var im = newState(map, layerControl, cfg, root, blocks[0], blocks[1]);
  addPanels(im);
  addStrip(im);
  fitLegend(im);
  fitAll(im);            // before any layer is drawn, which the new view would draw again
  addOverlays(im);
  addAnalysisLayers(im);
  followMap(im);
  redraw(im);
  root.incidentMap = hook(im);
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  root.setAttribute("data-state", "ready");
}

function start(map, layerControl, cfg) {
  var root = document.getElementById(cfg.prefix + "-root");
  // folium sets zoom limits only through its default tile layer, which we do not use.
  map.setMinZoom(cfg.minZoom);
  map.setMaxZoom(cfg.maxZoom);
  if (cfg.outlinesId) addOutlines(map, layerControl, cfg);
  map.attributionControl.addAttribution(cfg.credits);
  root.setAttribute("data-state", "loading");
  loadData(cfg).then(function (blocks) { build(map, layerControl, cfg, root, blocks); }).catch(function (err) {
    root.setAttribute("data-state", "error");
    console.error("incident map: could not draw the incidents:", err);
  });
}
