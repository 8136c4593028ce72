/* DOM nodes, shapes and dates: small helpers that hold no state.
 *
 * Text from the data reaches the page only through el(..., text), that is through
 * textContent, never through innerHTML: a hostile description shows as text.
 */
var DAY = 86400000;
var HEX = /^#[0-9a-fA-F]{6}$/;

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
  });
}

// Colours come from mapper/style.py (constants), checked again here before they reach markup.
function safeColor(color) {
  return HEX.test(color) ? color : "#999999";
}

// The marker of an event type: one SVG path per shape, from mapper/style.py.
function shapeSvg(shapes, shape, color, size) {
  var path = shapes[shape] || shapes.circle;
  return '<svg class="im-shape" width="' + size + '" height="' + size +
    '" viewBox="0 0 20 20" aria-hidden="true"><path d="' + esc(path) + '" fill="' +
    safeColor(color) + '" stroke="#222" stroke-width="1.3" stroke-linejoin="round"/></svg>';
}

// Days since 1970-01-01 of "YYYY-MM-DD" (a date input's value), or null.
function dayOf(iso) {
  var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : null;
}

function isoOf(day) {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

// Clicks and wheel turns on a panel must not pan or zoom the map under it.
function stopPropagation(div) {
  L.DomEvent.disableClickPropagation(div);
  L.DomEvent.disableScrollPropagation(div);
}

// Only http and https addresses become links: never javascript:, data: or the like.
function isWebUrl(s) {
  if (!/^\s*https?:\/\//i.test(s)) return false;
  try {
    var u = new URL(s.trim());
    return u.protocol === "http:" || u.protocol === "https:";
  } catch (err) {
    return false;
  }
}

function hasArabic(s) {
  return /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/.test(s);
}
