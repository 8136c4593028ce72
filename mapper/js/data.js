/* The data blocks: the incidents' (mapper/encode.py write_block) read back into columns, and
 * the areas' (JSON, deflated or not).
 */

// The decoded incidents and areas blocks, as a promise of [D, areas].
function loadData(cfg) {
  return Promise.all([loadIncidents(cfg.prefix + "-data"), loadBlock(cfg.prefix + "-areas")]);
}

// A block by id: JSON, or deflated JSON in base64, which the browser inflates itself.
function loadBlock(id) {
  var node = document.getElementById(id), text = node.textContent;
  if (node.type !== "application/octet-stream") return Promise.resolve(JSON.parse(text));
  return inflate(base64Bytes(text.trim())).then(function (buf) {
    return JSON.parse(new TextDecoder().decode(buf));
  });
}

function inflate(bytes) {
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).arrayBuffer();
}

function base64Bytes(text) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  var bin = atob(text);
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

// The incidents: base 85 text of the block's bytes, deflated when the type says so.
function loadIncidents(id) {
  var node = document.getElementById(id), bytes = base85Bytes(node.textContent.trim());
  var raw = /deflated$/.test(node.type) ? inflate(bytes) : Promise.resolve(bytes.buffer);
  return raw.then(function (buf) { return readBlock(new Uint8Array(buf)); });
}

var BASE85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%()*+-./:;=?@[^_{|}~";

// Five digits to four bytes (big-endian); a last group of k + 1 digits to k bytes.
function base85Bytes(text) {
  var digit = new Uint8Array(128), n = text.length, rest = n % 5, full = n - rest, o = 0, v, k;
  for (var d = 0; d < 85; d++) digit[BASE85.charCodeAt(d)] = d;
  var out = new Uint8Array(full / 5 * 4 + (rest ? rest - 1 : 0));
  for (var i = 0; i < full; i += 5) {
    for (v = 0, k = i; k < i + 5; k++) v = v * 85 + digit[text.charCodeAt(k)];
    out[o++] = v >>> 24;     // a Uint8Array keeps the low byte
    out[o++] = v >>> 16;
    out[o++] = v >>> 8;
    out[o++] = v;
  }
  for (v = 0, k = full; k < full + 5; k++) v = v * 85 + (k < n ? digit[text.charCodeAt(k)] : 84);
  for (k = 24; o < out.length; k -= 8) out[o++] = v >>> k;
  return out;
}

// The block: a header's length, the header (JSON), then the columns it points into.
function readBlock(bytes) {
  var size = bytes[0] + bytes[1] * 256 + bytes[2] * 65536 + bytes[3] * 16777216;
  var head = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + size)));
  var body = bytes.subarray(4 + size), n = head.n, D = {n: n, f: {}, x: []}, codes = {};
  var names = Object.keys(head.c), late = names.filter(function (name) { return head.c[name].by; });
  names.forEach(function (name) {
    var spec = head.c[name];
    if (spec.by) return;   // read from the text column that determines it, below
    var v = readInts(body, n, spec);
    if (spec.r) for (var i = 0; i < n; i++) v[i] += D[spec.r][i];
    D[name] = v;
  });
  Object.keys(head.f).forEach(function (name) { D.f[name] = readText(body, n, head.f[name], D, codes, "f/" + name); });
  D.x = head.x.map(function (e, k) { return [e[0], readText(body, n, e[1], D, codes, "x/" + k)]; });
  late.forEach(function (name) { D[name] = readIndex(body, n, head.c[name], codes); });
  if (!D.k) D.k = fatalityCounts(D.f.fatalities, n);
  return D;
}

// The index of a dictionary column: its own, or a map from the index of the one named "by".
function readIndex(body, n, spec, codes) {
  if (!spec.by) return readInts(body, n, spec.i || spec);
  var parent = codes[spec.by.join("/")], m = spec.m, out = new Int32Array(n);
  for (var i = 0; i < n; i++) out[i] = m[parent[i]];
  return out;
}

// Integers stored less `m`, byte plane after byte plane, as steps from `b` when `d`.
function readInts(body, n, spec) {
  var w = spec.w, p = body.subarray(spec.o, spec.o + n * w), i;
  if (w === 8) {
    var raw = new Uint8Array(n * 8);
    for (i = 0; i < n; i++) for (var k = 0; k < 8; k++) raw[i * 8 + k] = p[k * n + i];
    return new Float64Array(raw.buffer);
  }
  var out = spec.f ? new Float64Array(n) : new Int32Array(n), m = spec.m;
  for (i = 0; i < n; i++) {
    var v = p[i];
    if (w > 1) v += p[n + i] * 256;
    if (w > 2) v += p[2 * n + i] * 65536 + p[3 * n + i] * 16777216;
    out[i] = v + m;
  }
  if (spec.d && n) {
    out[0] = spec.b;
    for (i = 1; i < n; i++) out[i] += out[i - 1];
  }
  return out;
}

// Fatalities for sizes and totals, 0 where none was given.
function fatalityCounts(col, n) {
  var k = new Int32Array(n);
  if (col) for (var i = 0; i < n; i++) k[i] = Math.max(col.ints[i], 0);
  return k;
}

// A text column as an object whose get(i) is the text of incident i (see write_block);
// a dictionary column's index is kept in `codes` under `where`, for the columns it determines.
function readText(body, n, spec, D, codes, where) {
  if (!spec) return null;
  var s = spec.s, i = spec.k === "dict" ? codes[where] = readIndex(body, n, spec, codes) :
    spec.i ? readInts(body, n, spec.i) : null;
  if (spec.k === "dict") return {get: function (r) { return s[i[r]]; }};
  if (spec.k === "date") return {get: function (r) { return i[r] ? s[i[r] - 1] : isoOf(D.d0[r]); }};
  if (spec.k === "count") return {ints: i, get: function (r) { return i[r] < 0 ? "" : String(i[r]); }};
  if (spec.k === "num") {
    var v = readInts(body, n, spec.v);
    return {get: function (r) { var t = s[i[r]]; return v[r] < 0 ? t[0] : t[0] + v[r] + t[1]; }};
  }
  var starts = startsOf(readInts(body, n, spec.l)), bytes = body.subarray(spec.o, spec.o + starts[n]);
  if (spec.k === "words") return {get: function (r) { return joinWords(s, bytes, starts[r], starts[r + 1]); }};
  var utf8 = new TextDecoder();
  return {get: function (r) { return utf8.decode(bytes.subarray(starts[r], starts[r + 1])); }};
}

function startsOf(lengths) {
  var out = new Float64Array(lengths.length + 1);
  for (var i = 0; i < lengths.length; i++) out[i + 1] = out[i] + lengths[i];
  return out;
}

// The words of varint ranks from a to b, joined by single spaces.
function joinWords(vocabulary, bytes, a, b) {
  var out = [], value = 0, scale = 1;
  for (var p = a; p < b; p++) {
    var byte = bytes[p];
    value += (byte & 127) * scale;
    if (byte & 128) { scale *= 128; continue; }
    out.push(vocabulary[value]);
    value = 0;
    scale = 1;
  }
  return out.join(" ");
}

// Text of incident i in a text column ("" when the column is empty throughout).
function cellText(D, col, i) {
  return col ? col.get(i) : "";
}

// Text field `name` of incident i.
function field(D, name, i) {
  return cellText(D, D.f[name], i);
}
