/* The search box: the incidents' locations, the places they were resolved to and the areas'
 * names (English and Arabic), folded as the gazetteer folds names (mapper/folding.py ships its
 * tables as cfg.fold), so that "الشدادي" finds "Shaddadi" and "Chaddadi" finds "الشدادي".
 */
var SEARCH_RESULTS = 8;

// The compiled rules of cfg.fold, made once per map.
function foldRules(im) {
  if (im.fold) return im.fold;
  var F = im.cfg.fold;
  im.fold = {
    invisible: new RegExp(F.invisible, "g"), marks: new RegExp(F.marks, "g"),
    apostrophes: new RegExp(F.apostrophes, "g"), arabic: new RegExp(F.arabic),
    digits: F.digits, letters: F.letters, articles: new Set(F.articles), article: F.article,
    habits: F.habits.map(function (h) { return [new RegExp(h[0], "g"), h[1]]; }),
    steps: F.skeletonSteps.map(function (h) { return [new RegExp(h[0], "g"), h[1]]; }),
    digraphs: F.digraphs, arabicClass: F.arabicClass, latinClass: F.latinClass,
    dropFinal: F.dropFinal, separator: F.separator
  };
  return im.fold;
}

function translate(text, table) {
  var out = "";
  for (var ch of text) out += Object.prototype.hasOwnProperty.call(table, ch) ? table[ch] : ch;
  return out;
}

// gazetteer.fold.words: normalized words, Arabic letter variants folded.
function foldWords(R, text) {
  var t = translate(text.replace(R.invisible, "").normalize("NFKC"), R.digits).replace(R.marks, "");
  t = t.normalize("NFD").replace(/\p{Mn}/gu, "").normalize("NFC").toLowerCase().replace(R.apostrophes, "");
  t = t.replace(/[^\p{L}\p{N}_]+/gu, " ").replace(/_/g, " ");
  return translate(t, R.letters).split(/\s+/).filter(Boolean);
}

function stripArticle(R, word) {
  return word.startsWith(R.article) && word.length > 3 ? word.slice(R.article.length) : word;
}

// gazetteer.fold.fold_word, then fold_words' dropping of Latin articles.
function foldKey(R, text) {
  var words = foldWords(R, text), out = [];
  words.forEach(function (word, i) {
    var folded = word;
    for (var round = 0; round < 4; round++) {
      var next = folded;
      if (R.arabic.test(next)) next = stripArticle(R, next);
      else R.habits.forEach(function (h) { next = next.replace(h[0], h[1]); });
      if (next === folded) break;
      folded = next;
    }
    if (i < words.length - 1 && (R.articles.has(word) || R.articles.has(folded))) return;
    if (folded) out.push(folded);
  });
  return out.join(" ");
}

// gazetteer.fold.skeleton: the consonant classes shared by Arabic and Latin spellings.
function skeletonKey(R, text) {
  var words = foldWords(R, text), out = [];
  words.forEach(function (word, i) {
    var classes;
    if (R.arabic.test(word)) {
      word = stripArticle(R, word);
      while (word.endsWith(R.dropFinal)) word = word.slice(0, -1);
      classes = Array.from(word, function (c) { return R.arabicClass[c] || R.separator; });
    } else {
      if (R.articles.has(word) && i + 1 < words.length) return;
      R.steps.forEach(function (h) { word = word.replace(h[0], h[1]); });
      R.digraphs.forEach(function (d) { word = word.split(d[0]).join(d[1]); });
      classes = Array.from(word, function (c) { return R.latinClass[c] || R.separator; });
    }
    var kept = classes.filter(function (c, k) { return k === 0 || classes[k - 1] !== c; });
    var key = kept.join("").split(R.separator).join("");
    if (key) out.push(key);
  });
  return out.join(" ");
}
