/* The data block (mapper/encode.py): read, inflated when compressed, and its columns read back.
 */

// The decoded incidents and areas blocks, as a promise of [D, areas].
function loadData(cfg) {
  return Promise.all([loadBlock(cfg.prefix + "-data"), loadBlock(cfg.prefix + "-areas")]);
}

// A block by id: JSON, or deflated JSON in base64, which the browser inflates itself.
function loadBlock(id) {
  var node = document.getElementById(id), text = node.textContent;
  if (node.type !== "application/octet-stream") return Promise.resolve(JSON.parse(text));
  var stream = new Blob([base64Bytes(text.trim())]).stream()
    .pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text().then(JSON.parse);
}

function base64Bytes(text) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  var bin = atob(text);
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

// A text column holds the strings themselves or indices into the string table D.S.
function cellText(D, col, i) {
  if (!col) return "";
  var v = col[i];
  return typeof v === "number" ? D.S[v] : v;
}

// Text field `name` of incident i ("" when the column is empty throughout).
function field(D, name, i) {
  return cellText(D, D.f[name], i);
}
