/* Time: a strip of incidents per day under the map, on which the date window is drawn and can
 * be dragged out (a brush), and a play control that steps the window forward by a day, a
 * week or a month.
 */
var PLAY_MS = 900;        // between two steps of play

// Incidents shown per day over the whole range (types switched on; dated to the day only).
function dayCounts(im) {
  var D = im.D, cfg = im.cfg, span = cfg.dateMax - cfg.dateMin + 1, counts = new Array(span).fill(0);
  for (var i = 0, n = im.n; i < n; i++) {
    if (D.d0[i] !== D.d1[i] || !im.typeOn[D.t[i]]) continue;
    counts[D.d0[i] - cfg.dateMin]++;
  }
  return counts;
}

function stripNode(im) {
  var lab = im.cfg.labels, div = el("div", "im-strip");
  div.id = im.cfg.prefix + "-strip";
  var play = div.appendChild(el("button", "im-play", "\u25b6"));
  play.type = "button";
  play.title = lab.play;
  play.setAttribute("aria-label", lab.play);
  play.addEventListener("click", function () { togglePlay(im); });
  var step = div.appendChild(el("select", "im-step"));
  step.setAttribute("aria-label", lab.step);
  ["day", "week", "month"].forEach(function (s) {
    var o = step.appendChild(el("option", null, lab["step_" + s]));
    o.value = s;
  });
  step.value = "week";
  var canvas = div.appendChild(el("canvas", "im-strip-canvas"));
  canvas.setAttribute("aria-label", lab.per_day);
  canvas.title = lab.per_day;
  im.playButton = play;
  im.stepSelect = step;
  brush(im, canvas);
  return {div: div, canvas: canvas};
}

// The canvas's size in CSS pixels, read only when the map's size changes: reading it after
// the markers are redrawn would force the browser to lay the whole map out again.
function sizeStrip(im) {
  var canvas = im.strip.canvas, ratio = window.devicePixelRatio || 1;
  im.strip.w = canvas.clientWidth;
  im.strip.h = canvas.clientHeight;
  canvas.width = Math.round(im.strip.w * ratio);
  canvas.height = Math.round(im.strip.h * ratio);
  canvas.getContext("2d").setTransform(ratio, 0, 0, ratio, 0, 0);
}

// The bars, dark inside the date window and light outside it, and the window's edges.
function drawStrip(im) {
  var canvas = im.strip.canvas, cfg = im.cfg, w = im.strip.w, h = im.strip.h;
  if (!w || !h) return;
  var ctx = canvas.getContext("2d"), counts = im.dayCounts || (im.dayCounts = dayCounts(im));
  ctx.clearRect(0, 0, w, h);
  var peak = Math.max.apply(null, counts.concat([1])), slot = w / counts.length;
  var from = im.from === null ? cfg.dateMin : im.from, to = im.to === null ? cfg.dateMax : im.to;
  for (var d = 0; d < counts.length; d++) {
    if (!counts[d]) continue;
    var day = cfg.dateMin + d, bh = Math.max(1, (h - 4) * counts[d] / peak);
    ctx.fillStyle = day >= from && day <= to ? "#333333" : "#c8c8c8";
    ctx.fillRect(d * slot, h - bh, Math.max(1, slot * 0.8), bh);
  }
  ctx.fillStyle = "rgba(0, 114, 178, 0.15)";
  var x0 = (Math.max(from, cfg.dateMin) - cfg.dateMin) * slot, x1 = (Math.min(to, cfg.dateMax) - cfg.dateMin + 1) * slot;
  ctx.fillRect(x0, 0, Math.max(2, x1 - x0), h);
}

// Dragging on the strip sets the window to the days dragged over; a click, to one day.
function brush(im, canvas) {
  var start = null;
  function dayAt(e) {
    var r = canvas.getBoundingClientRect(), span = im.cfg.dateMax - im.cfg.dateMin + 1;
    var d = Math.floor((e.clientX - r.left) / r.width * span);
    return im.cfg.dateMin + Math.max(0, Math.min(span - 1, d));
  }
  canvas.addEventListener("pointerdown", function (e) {
    start = dayAt(e);
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointerup", function (e) {
    if (start === null) return;
    var end = dayAt(e);
    stopPlay(im);
    setWindow(im, Math.min(start, end), Math.max(start, end));
    start = null;
  });
}

// The day `day` moved by one step (day, week or calendar month), forward or back.
function addStep(day, step, sign) {
  if (step === "day") return day + sign;
  if (step === "week") return day + 7 * sign;
  var d = new Date(day * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + sign, d.getUTCDate()) / DAY;
}

// One step forward; false (and nothing done) when the window already ends at the last day.
function stepWindow(im) {
  var cfg = im.cfg, step = im.stepSelect.value, from = im.from, to = im.to;
  if (from <= cfg.dateMin && to >= cfg.dateMax) {   // the whole range: start with its first step
    setWindow(im, cfg.dateMin, Math.min(cfg.dateMax, addStep(cfg.dateMin, step, 1) - 1));
    return true;
  }
  if (to >= cfg.dateMax) return false;
  var next = addStep(from, step, 1);
  setWindow(im, next, Math.min(cfg.dateMax, next + (to - from)));
  return true;
}

function togglePlay(im) {
  if (im.playing) return stopPlay(im);
  if (!stepWindow(im)) {               // at the end: start again from the first step
    setWindow(im, im.cfg.dateMin, im.cfg.dateMax);
    stepWindow(im);
  }
  im.playing = setInterval(function () { if (!stepWindow(im)) stopPlay(im); }, PLAY_MS);
  im.playButton.textContent = "\u23f8";
  im.playButton.title = im.cfg.labels.pause;
  im.root.setAttribute("data-playing", "1");
}

function stopPlay(im) {
  if (!im.playing) return;
  clearInterval(im.playing);
  im.playing = null;
  im.playButton.textContent = "\u25b6";
  im.playButton.title = im.cfg.labels.play;
  im.root.removeAttribute("data-playing");
}

// The strip goes under the map, inside the map's root (so it comes along in full screen).
function addStrip(im) {
  if (im.cfg.dateMin === null) return;
  im.strip = stripNode(im);
  im.root.classList.add("im-has-strip");
  im.root.appendChild(im.strip.div);
  im.map.invalidateSize({animate: false});
  sizeStrip(im);
  im.map.on("resize", function () { sizeStrip(im); drawStrip(im); });
}
