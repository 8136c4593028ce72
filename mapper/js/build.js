/* Wiring: the map's state, its layers and panels, and the hook for tests and links.
 *
 * Called as start(map, layerControl, cfg) once folium's script has made the map. Every part
 * takes the map's state `im` as its first argument instead of sharing variables: the state
 * of one map is this object and nothing else.
 */

function newState(map, layerControl, cfg, root, D) {
  var im = {
    map: map, layerControl: layerControl, cfg: cfg, root: root, D: D, n: D.n,
    types: cfg.types, colors: cfg.colors,
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
  return im;
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
    render(im);
  });
  im.map.on("moveend", function () { render(im); });
}

// root.incidentMap: bring incident i into view, then open its popup or tooltip (for tests
// and for links into the map); `done` is called in every case.
function hook(im) {
  return {
    map: im.map, groups: im.groups, visible: im.visible, circles: im.circles, sites: im.sites,
    render: function () { render(im); },
    applyFilter: function (from, to) { applyFilter(im, from, to); },
    dayOf: dayOf, fitAll: function () { fitAll(im); },
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

function build(map, layerControl, cfg, root, D) {
  root.setAttribute("data-parsed-ms", String(Math.round(performance.now())));
  var im = newState(map, layerControl, cfg, root, D);
  addPanels(im);
  addOverlays(im);
  followMap(im);
  fitAll(im);
  render(im);
  updateCounts(im, cfg.dateMin, cfg.dateMax);
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
  loadData(cfg).then(function (D) { build(map, layerControl, cfg, root, D); }).catch(function (err) {
    root.setAttribute("data-state", "error");
    console.error("incident map: could not draw the incidents:", err);
  });
}
