"""Draft incidents from article text: one row per reported strike or attack at a place.

The text is cut into paragraphs, sentences and clauses (at commas and at "قُبيل"/"بُعيد",
"shortly after"). A clause that names a place in Syria or Iraq and carries an attack word
("صواريخ", "طائرة مسيّرة", "غارة", "drone", "shelling", ...) becomes a draft; a clause with a
place but no attack word borrows the word of the clause it leans on ("قاعدتي الرميلان،
والمالكية، عبر طائرات مسيّرة"). Dates come from the publication date and the relative or
explicit expressions of the text ("مساء أمس", "أول أمس", "on Tuesday", "الخامس والعشرين من كانون
الأول"). Context that is not a strike at a place (Gaza, running totals, patrols) gives no row.

Drafts are for a person to check, so every row keeps the sentence it came from (`evidence`,
with offsets into the text) and says in `notes` what was assumed.

>>> drafts = extract("قصفت طائرة مسيّرة قاعدة الشدادي مساء أمس.", date(2024, 1, 3))  # doctest: +SKIP
>>> drafts[0].place_id, drafts[0].date, drafts[0].time, drafts[0].event_type  # doctest: +SKIP
('site:shaddadi-base', '2024-01-02', 'evening', 'drone')
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from pathlib import Path

from gazetteer import Gazetteer, Place, distance_km
from gazetteer.fold import FoldedText, fold_with_offsets

from .output import write_csv, write_text
from .vocabulary import ARABIC_START as _AR
from .vocabulary import WORD_END as _END
from .vocabulary import EventWord, event_phrase, events_of, find_events, outcome_of  # noqa: F401
from .vocabulary import compile_folded as _compile

__all__ = ["COLUMNS", "Draft", "TimeRef", "drafts_csv", "extract", "find_actor", "find_count",
           "find_events", "find_fatalities", "find_outcome", "find_target", "find_times", "write_drafts"]

# The countries this tool maps; places elsewhere (Gaza, Beirut) are context, not incidents,
# unless they are curated sites (a coalition outpost in Jordan) or the caller's country hint.
CORE_COUNTRIES = frozenset({"SY", "IQ"})

_SPECIFICITY = {"site": 5, "settlement": 4, "region": 3, "admin2": 2, "admin1": 1}


# --- records -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Draft:
    """One reported strike or attack, in the columns of an incident table (`read_incidents`).

    `evidence` is the sentence it was read from; `evidence_start`..`evidence_end` are its
    code-point offsets in the text given to `extract`.
    """

    id: str
    date: str                      # "2024-01-02", or "2023-12" when only the month is given
    time: str = ""                 # dawn, morning, noon, afternoon, evening, night, before dawn
    location: str = ""             # the place as written
    lat: float | None = None
    lon: float | None = None
    place_id: str = ""
    place_name: str = ""
    event_type: str = "other"
    actor: str = ""
    target: str = ""
    outcome: str = "unknown"
    fatalities: int | None = None
    injuries: int | None = None
    count: int | None = None       # rockets, drones, shells... as stated
    country: str = ""
    admin1: str = ""
    description: str = ""
    source_url: str = ""
    evidence: str = ""
    evidence_start: int = 0
    evidence_end: int = 0
    date_precision: str = "day"
    notes: str = ""

    def as_row(self) -> dict[str, object]:
        """The CSV row: None as an empty cell, coordinates to 6 decimals."""
        row: dict[str, object] = {}
        for name in COLUMNS:
            value = getattr(self, name)
            if value is None:
                value = ""
            elif isinstance(value, float):
                value = f"{value:.6f}".rstrip("0").rstrip(".")
            row[name] = value
        return row


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Draft))


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression of the text, resolved against the publication date.

    `start`, `end` are offsets in the text; `time` is the part of the day, if said.
    """

    start: int
    end: int
    text: str
    date: str
    precision: str = "day"
    time: str = ""
    note: str = ""


# --- folding: attack words and outcomes live in mapper.vocabulary ------------------------------

def _fold(s: str) -> str:
    """The matching form of a phrase or text (`fold_with_offsets`): no harakat, one alef, ta
    marbuta as ha, lower case."""
    return fold_with_offsets(s).folded


# --- numbers, outcome, actor, target, casualties ------------------------------------------------

_NUMBER_WORDS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثنتان": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9,
    "عشر": 10, "عشرة": 10,
    "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a pair of": 2,
}
_NUMBERS = {_fold(k): v for k, v in _NUMBER_WORDS.items()}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True)) + ")"
_MUNITIONS_AR = r"(?:صواريخ|صاروخا|قذائف|قذيفة|طائرات|مسيرات|غارات|ضربات|عبوات|رشقات)"
_COUNT = (
    re.compile(_AR.replace("(?:ال|ل)?", "") + rf"({_NUMBER})\s+" + _fold(_MUNITIONS_AR) + _END),
    re.compile(rf"\b({_NUMBER})\s+(?:\w+\s+)?(?:rockets|missiles|drones|uavs|shells|mortar rounds|"
               r"air ?strikes|strikes|mortars|projectiles)\b"),
)
_DUALS = _compile(_AR + r"(?:صاروخين|قذيفتين|غارتين|مسيرتين|طائرتين|ضربتين جويتين)" + _END)


def _number(word: str) -> int | None:
    word = word.strip()
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def find_count(text: str) -> int | None:
    """The number of munitions stated ("أربعة صواريخ" -> 4, "two drones" -> 2), or None.

    >>> find_count("سقوط أربعة صواريخ"), find_count("two rockets hit the base"), find_count("صواريخ")
    (4, 2, None)
    """
    folded = _fold(text)
    for pattern in _COUNT:
        m = pattern.search(folded)
        if m and m.group(1).strip() not in ("a", "an"):
            return _number(m.group(1))
    return 2 if _DUALS.search(folded) else None


def find_outcome(text: str) -> str:
    """intercepted, hit or unknown, from the wording; an interception outweighs a hit.

    >>> find_outcome("طائرة مسيّرة اعترضتها المضادات"), find_outcome("rockets hit the base")
    ('intercepted', 'hit')
    """
    return outcome_of(text)


# Who struck: named agents, and nationalities only where they qualify the weapon or the
# forces ("الطيران الإسرائيلي", "Turkish drones"), never after "against" ("ضد تنظيم داعش").
_ACTORS: tuple[tuple[str, str], ...] = (
    ("Islamic Resistance in Iraq", r"المقاومة الإسلامية في العراق|islamic resistance in iraq"),
    ("Kataib Hezbollah", r"كتائب حزب الله|kata'?ib hezbollah|kataib hizballah"),
    ("Hezbollah", r"حزب الله|hezbollah|hizballah"),
    ("Israel", r"إسرائيل|الإسرائيلي|الإسرائيلية|إسرائيلية|إسرائيلي|الاحتلال|israel|israeli"),
    ("Turkey", r"القوات التركية|الجيش التركي|التركي|التركية|تركية|تركيا|turkish|turkey"),
    ("Russia", r"الطيران الروسي|الروسي|الروسية|روسية|russian|russia"),
    ("Coalition", r"(?:طيران|طائرات|غارات|غارة|ضربات|ضربة|مسيرة|مسيرات)(?: جوية)? (?:لل|ال)تحالف"
                  r"|coalition (?:aircraft|warplanes|jets|strikes?|air ?strikes?|drones?|forces struck)"
                  r"|the coalition (?:struck|carried out|conducted|said it)"),
    ("United States", r"(?:الطيران|طائرات|غارات|غارة|ضربات|ضربة|مسيرة|مسيرات)(?: جوية)? "
                      r"(?:الأمريكي|الأميركي|الأمريكية|الأميركية|أمريكية|أميركية)"
                      r"|(?:u\.?s\.?|american) (?:aircraft|warplanes|jets|strikes?|air ?strikes?|drones?|forces struck|military struck)"),
    ("Syrian government", r"قوات النظام|جيش النظام|قوات الحكومة السورية|الجيش السوري|قوات الأسد"
                          r"|الطيران السوري|regime forces|syrian army|syrian government|government forces"
                          r"|\bregime (?:shelling|artillery|aircraft|warplanes|jets)"),
    ("SDF", r"قسد|قوات سوريا الديمقراطية|syrian democratic forces|\bsdf\b"),
    ("Islamic State", r"داعش|تنظيم الدولة|islamic state|\bisis\b|\bisil\b"),
)
_ACTOR_PATTERNS = tuple((name, _compile(_AR + f"(?:{p})" + _END if re.search("[\u0600-\u06ff]", p) else p))
                        for name, p in _ACTORS)
_AGAINST = _compile(r"(?:ضد|لمحاربة|محاربة|لقتال|مواجهة)\s+(?:\S+\s+)?[\"'«]?\s*$",
                    r"(?:against|anti-|fight against|war on|fighting)\s+(?:the\s+)?(?:\S+\s+)?$")
_CLAIM = _compile(_AR + r"(?:أعلنت|أعلن|إعلان|تبنت|تبنى|تبني)" + _END,
                  r"\b(?:claimed|claims|claiming|announced|said it)\b")


def find_actor(text: str) -> str:
    """Who carried out the strike, as far as the wording says; "" when it does not.

    >>> find_actor("وكان الطيران الإسرائيلي قد استهدف"), find_actor("قاعدة التحالف ضد تنظيم داعش")
    ('Israel', '')
    """
    folded = _fold(text)
    best: tuple[int, str] | None = None
    for name, pattern in _ACTOR_PATTERNS:
        for m in pattern.finditer(folded):
            if _AGAINST.search(folded[max(0, m.start() - 40):m.start()]):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), name)
            break
    return best[1] if best else ""


_KILLED = (
    (_compile(_AR + rf"(?:مقتل|قتل|استشهاد)\s+({_NUMBER})\s"), None),
    (_compile(_AR + r"(?:مقتل|استشهاد)\s+(?:ال)?(?:قيادي|قائد|عنصر|شخص|مدني|جندي|مسؤول|ضابط|مستشار|طفل|امرأة)" + _END), 1),
    (_compile(_AR + r"(?:مقتل|استشهاد)\s+(?:ال)?(?:عنصرين|شخصين|مدنيين اثنين|جنديين|قياديين|ضابطين)" + _END), 2),
    (re.compile(rf"\b(?:killing|killed)\s+({_NUMBER})\b"), None),
    (re.compile(rf"\b({_NUMBER})\s+(?:\w+\s+){{0,2}}(?:were |was )?killed\b"), None),
    (re.compile(r"\b(?:killing|killed)\s+(?:a|an|one)\s"), 1),
)
_WOUNDED = (
    (_compile(_AR + rf"(?:إصابة|جرح)\s+({_NUMBER})\s"), None),
    (_compile(_AR + r"(?:إصابة|جرح)\s+(?:عنصرين|شخصين|جنديين)" + _END), 2),
    (re.compile(rf"\b(?:wounding|injuring|wounded|injured)\s+({_NUMBER})\b"), None),
    (re.compile(rf"\b({_NUMBER})\s+(?:\w+\s+){{0,2}}(?:were |was )?(?:wounded|injured)\b"), None),
)


def _people(text: str, patterns: Sequence[tuple[re.Pattern[str], int | None]]) -> int | None:
    folded = _fold(text)
    for pattern, fixed in patterns:
        m = pattern.search(folded)
        if m:
            return fixed if fixed is not None else _number(m.group(1))
    return None


def find_fatalities(text: str) -> tuple[int | None, int | None]:
    """(killed, wounded) where the text states them ("مقتل القيادي" -> 1), else None.

    >>> find_fatalities("مقتل القيادي في الحرس الثوري"), find_fatalities("killing two fighters")
    ((1, None), (2, None))
    """
    return _people(text, _KILLED), _people(text, _WOUNDED)


_TARGETS: tuple[tuple[str, str], ...] = (
    ("Iranian-backed militia positions",
     r"مواقع (?:لل|ل|ال)?(?:مليشيات|ميليشيات|فصائل)(?: ال)? ?(?:الإيرانية|إيرانية|الموالية لإيران|التابعة لإيران)"
     r"|(?:iranian-backed|iran-backed|pro-iranian|iran-aligned) (?:militia|militias) (?:positions|sites|targets)"
     r"|positions (?:of|held by) (?:iranian-backed|iran-backed|pro-iranian) militias?"),
    ("Hezbollah positions", r"مواقع (?:ل|ال)?حزب الله|hezbollah (?:positions|sites)"),
    ("Syrian government positions", r"مواقع (?:لقوات النظام|للجيش السوري|لجيش النظام)|(?:syrian army|regime|government) positions"),
    ("weapons depot", r"مستودع(?:ات)? (?:أسلحة|ذخيرة|للأسلحة)|(?:weapons?|arms|ammunition) (?:depots?|warehouses?|stores?)"),
    ("vehicle", r"(?:سيارة|مركبة|آلية)(?!\w)|\b(?:car|vehicle|truck|pick-?up)\b"),
)
_TARGET_PATTERNS = tuple((name, _compile(p)) for name, p in _TARGETS)
_BASE = _compile(_AR + r"(?:قاعدة|قاعدتي|قواعد|قاعدتين)" + _END, r"\b(?:base|bases|outpost|garrison)\b")
_BASE_OWNER = (
    ("US base", _compile(r"قاعدة (?:ال)?(?:قوات )?(?:ال)?(?:أمريكية|أميركية|الأمريكية|الأميركية)",
                         r"\b(?:u\.?s\.?|american) (?:military )?base")),
    ("Coalition base", _compile(r"قاعد(?:ة|تي) (?:ل|ال|لل)?تحالف", r"\bcoalition base")),
)
_KILLED_PERSON = _compile(r"(?:(?<=مقتل )|(?<=اغتيال ))(?:ال)?(?:قيادي|قائد|مسؤول|مستشار)[^.،,]{0,80}?[\"«“][^\"»”]{2,40}[\"»”]")


def find_target(text: str, place: Place | None = None) -> str:
    """What was struck, in short English where the wording is a known kind of target.

    >>> find_target("طاول القصف مواقع للمليشيات الإيرانية")
    'Iranian-backed militia positions'
    """
    folded = _fold(text)
    m = _KILLED_PERSON.search(folded)
    if m:
        return _quotes(_slice_folded(text, m.start(), m.end()))
    for name, pattern in _TARGET_PATTERNS:
        if pattern.search(folded):
            return name
    if place is None:
        return ""
    if place.feature in ("military_base", "airbase"):
        return place.name
    if _BASE.search(folded):
        owner = next((label for label, p in _BASE_OWNER if p.search(folded)), "base")
        return f"{owner} at {place.name}"
    return place.name if place.kind == "site" else ""


def _slice_folded(text: str, start: int, end: int) -> str:
    view = fold_with_offsets(text)
    a, b = view.span(start, end)
    return text[a:b]


def _as_written(s: str) -> str:
    """A mention as a location cell: no quotes, a dual head singular ("قاعدتي الرميلان")."""
    s = _quotes(s)
    return re.sub(r"^(قاعدت|منطقت|بلدت|قريت|مدينت)(?:ي|ين)(?=\s)", lambda m: m.group(1)[:-1] + "ة", s)


def _quotes(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\"«»“”]", "", s)).strip()


# --- time expressions ---------------------------------------------------------------------------

_PARTS_AR = {"فجر": "dawn", "صباح": "morning", "ظهر": "noon", "بعد ظهر": "afternoon", "عصر": "afternoon",
             "مساء": "evening", "ليل": "night", "ليلة": "night", "منتصف ليل": "night", "منتصف ليلة": "night"}
_PARTS = {_fold(k): v for k, v in _PARTS_AR.items()}
_RELATIVE_AR = {"اليوم": 0, "أمس": 1, "الأمس": 1, "البارحة": 1, "يوم أمس": 1, "أول أمس": 2,
                "أول من أمس": 2, "أمس الأول": 2}
_RELATIVE = {_fold(k): v for k, v in _RELATIVE_AR.items()}
_DAYS_AR = {"الأحد": 6, "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3,
            "الجمعة": 4, "السبت": 5}
_DAYS = {_fold(k): v for k, v in _DAYS_AR.items()}
_DAYS_EN = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday",
                                         "saturday", "sunday"])}
_MONTHS_AR = {"كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7,
              "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
              "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6,
              "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "سبتمبر": 9, "أكتوبر": 10,
              "نوفمبر": 11, "ديسمبر": 12}
_MONTHS = {_fold(k): v for k, v in _MONTHS_AR.items()}
_MONTHS_EN = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june",
                                               "july", "august", "september", "october", "november",
                                               "december"])}
_MONTHS_EN.update({m[:3]: v for m, v in list(_MONTHS_EN.items())})
_MONTHS_EN["sept"] = 9
_UNITS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_ORDINALS_AR = {w: i + 1 for i, w in enumerate(_UNITS)}
_ORDINALS_AR.update({"العاشر": 10, "الحادي عشر": 11, "العشرين": 20, "الثلاثين": 30,
                     "الحادي والعشرين": 21, "الحادي والثلاثين": 31})
_ORDINALS_AR.update({f"{w} عشر": 10 + i + 1 for i, w in enumerate(_UNITS) if i >= 1})
_ORDINALS_AR.update({f"{w} والعشرين": 20 + i + 1 for i, w in enumerate(_UNITS) if i >= 1})
_ORDINALS = {_fold(k): v for k, v in _ORDINALS_AR.items()}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_P = r"(?<!\w)[وفب]?"
_PART_RE = f"(?:({_alternation(_PARTS)})\\s+)?"
_TIME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ar_relative", re.compile(_P + _PART_RE + rf"(?:يوم\s+)?({_alternation(_RELATIVE)})"
                               rf"(?:\s+({_alternation(_DAYS)}))?(?!\w)")),
    ("ar_day", re.compile(_P + _PART_RE + rf"(?:(?:يوم|ليله)\s+)?({_alternation(_DAYS)})(?:\s+الماضي)?(?!\w)")),
    ("ar_date", re.compile(_P + rf"(?:في\s+)?(\d{{1,2}}|{_alternation(_ORDINALS)})\s+(?:من\s+)?(?:شهر\s+)?"
                           rf"({_alternation(_MONTHS)})(?:\s*/\s*(?:{_alternation(_MONTHS)}))?"
                           r"(?:\s+(?:من\s+)?(?:عام\s+)?(\d{4}))?(?!\w)")),
    ("ar_month", _compile(_P + rf"(?:في|خلال|مطلع|منتصف|أواخر|أوائل)\s+(?:شهر\s+)?"
                          rf"({_alternation(_MONTHS)})(?:\s*/\s*(?:{_alternation(_MONTHS)}))?"
                          r"(?:\s+(?:من\s+)?(?:عام\s+)?(\d{4}))?(?!\w)")),
    ("en_day_before", re.compile(r"\bthe day before yesterday\b")),
    ("en_last_night", re.compile(r"\b(?:last night|overnight)\b")),
    ("en_yesterday", re.compile(r"\b(?:(?:at\s+)?(dawn|morning|afternoon|evening)\s+)?yesterday"
                                r"(?:\s+(morning|afternoon|evening|night))?\b")),
    ("en_today", re.compile(r"\b(?:today|this (morning|afternoon|evening)|(tonight))\b")),
    ("en_date", re.compile(rf"\b(?:on\s+)?({_alternation(_MONTHS_EN)})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?"
                           r"(?:,?\s+(\d{4}))?\b")),
    ("en_date_dm", re.compile(rf"\b(?:on\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_alternation(_MONTHS_EN)})\b\.?"
                              r"(?:,?\s+(\d{4}))?\b")),
    ("en_month", re.compile(rf"\b(?:in|during)\s+(?:early\s+|late\s+|mid-?)?({_alternation(_MONTHS_EN)})\b"
                            r"(?:\s+(\d{4}))?")),
    ("en_day", re.compile(r"\b(?:(?:early|late)\s+(?:on\s+)?|(?:at\s+)?(dawn|morning|afternoon|evening|night)\s+on\s+|on\s+)?"
                          rf"({_alternation(_DAYS_EN)})(?:'s)?(?:\s+(morning|afternoon|evening|night))?\b")),
)
# "منذ السابع عشر من أكتوبر", "since October": a period's start, not the day of an event.
_SINCE = _compile(r"(?:منذ|حتى|لغاية)\s*$", r"\b(?:since|until|till)\s*$")


def _year_for(month: int, day: int, published: date, year: str | None) -> int:
    if year:
        return int(year)
    if (month, day) > (published.month, published.day):
        return published.year - 1
    return published.year


def _last_weekday(published: date, weekday: int) -> date:
    back = (published.weekday() - weekday) % 7 or 7
    return published - timedelta(days=back)


def find_times(text: str, published: date) -> list[TimeRef]:
    """The time expressions of a text, resolved against the publication date.

    Relative days (اليوم، أمس، أول أمس، "yesterday", "last night"), parts of the day (فجر، مساء,
    "at dawn"), day names (the most recent such day before publication) and explicit dates
    (the publication's year, or the one before when that would be after publication).
    Expressions after "منذ"/"since" start a period and are left out.

    >>> [(t.date, t.time) for t in find_times("مساء أمس وأول أمس", date(2024, 1, 3))]
    [('2024-01-02', 'evening'), ('2024-01-01', '')]
    """
    view = fold_with_offsets(text)
    return _times(view, text, published)


def _times(view: FoldedText, text: str, published: date) -> list[TimeRef]:
    s = view.folded
    found: list[tuple[int, int, str, str, str]] = []
    for kind, pattern in _TIME_PATTERNS:
        for m in pattern.finditer(s):
            if _SINCE.search(s[max(0, m.start() - 12):m.start()]):
                continue
            resolved = _resolve_time(kind, m, published)
            if resolved is None:
                continue
            day, precision, part = resolved
            found.append((m.start(), m.end(), day, precision, part))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    refs, taken = [], -1
    for start, end, day, precision, part in found:
        if start < taken:
            continue
        a, b = view.span(start, end)
        refs.append(TimeRef(a, b, text[a:b].strip(), day, precision, part))
        taken = end
    return refs


def _resolve_time(kind: str, m: re.Match[str], published: date) -> tuple[str, str, str] | None:
    g = m.groups()
    try:
        if kind == "ar_relative":
            part = _PARTS.get(g[0] or "", "")
            return (published - timedelta(days=_RELATIVE[g[1]])).isoformat(), "day", part
        if kind == "ar_day":
            part = _PARTS.get(g[0] or "", "")
            if "ليله" in m.group() and not part:
                part = "night"
            return _last_weekday(published, _DAYS[g[1]]).isoformat(), "day", part
        if kind == "ar_date":
            day = int(g[0]) if g[0].isdigit() else _ORDINALS[g[0]]
            month = _MONTHS[g[1]]
            return date(_year_for(month, day, published, g[2]), month, day).isoformat(), "day", ""
        if kind == "ar_month":
            month = _MONTHS[g[0]]
            return f"{_year_for(month, 1, published, g[1]):04d}-{month:02d}", "month", ""
        if kind == "en_day_before":
            return (published - timedelta(days=2)).isoformat(), "day", ""
        if kind == "en_last_night":
            return (published - timedelta(days=1)).isoformat(), "day", "night"
        if kind == "en_yesterday":
            return (published - timedelta(days=1)).isoformat(), "day", g[0] or g[1] or ""
        if kind == "en_today":
            return published.isoformat(), "day", g[0] or ("night" if g[1] else "")
        if kind in ("en_date", "en_date_dm"):
            month_word, day_word = (g[0], g[1]) if kind == "en_date" else (g[1], g[0])
            month, day = _MONTHS_EN[month_word], int(day_word)
            return date(_year_for(month, day, published, g[2]), month, day).isoformat(), "day", ""
        if kind == "en_month":
            month = _MONTHS_EN[g[0]]
            return f"{_year_for(month, 1, published, g[1]):04d}-{month:02d}", "month", ""
        if kind == "en_day":
            part = g[0] or g[2] or ""
            return _last_weekday(published, _DAYS_EN[g[1]]).isoformat(), "day", part
    except (KeyError, ValueError):
        return None
    return None


# --- the text's structure: paragraphs, sentences, clauses ---------------------------------------

_SENTENCE_END = re.compile(r"[.!?؟]+[\"'”»)]*(?=\s|$)")
_ABBREVIATIONS = frozenset("u.s us mr mrs dr st gen col lt maj jan feb mar apr jun jul aug sep sept "
                           "oct nov dec no vs etc e.g i.e".split())
_CLAUSE_BREAK = re.compile(r"،|؛|[,;:](?=\s)")
# A clause that opens with "shortly before/after" is about another event, told for its time.
_CONNECTIVE = _compile(r"(?<!\w)و?(?:قبيل|بعيد|عقب|إثر)(?!\w)",
                       r"\b(?:shortly|hours|minutes|moments|days|soon|just|a day|two days)\s+(?:after|before)\b")
_AFTER_WORDS = _compile(r"^و?(?:بعيد|عقب|إثر)", r"^\S+\s+after")   # this clause happened before the main one
_TOTALS = _compile(r"(?:أكثر من|نحو|حوالي|قرابة|ما يزيد عن|ما لا يقل عن)?\s*\d+\s+(?:هجوما|هجوم|هجمات|ضربة|غارة|استهداف)\S*.{0,80}منذ",
                   r"\b(?:more than|over|at least|nearly|some)?\s*\d+\s+(?:attacks|strikes|incidents)\b.{0,80}\bsince\b")
_PATROL = _compile(_AR + r"(?:دورية|دوريات)" + _END, r"\bpatrols?\b")
_FOREIGN = _compile(_AR + r"(?:غزة|قطاع غزة)" + _END, r"\bgaza\b")
_ANAPHORA = _compile(_AR.replace("(?:ال|ل)?", "ال") + r"(?:قصف|غارة|غارات|ضربة|ضربات|استهداف|هجوم|هجمات|عملية)" + _END,
                     r"\b(?:the|both|these|those|this|that) (?:strikes?|attacks?|raids?|shelling|bombardment|bombing)\b",
                     r"^\s*و?كما(?!\w)", r"\balso\b")
_REFERENCE = _compile(r"(?:غرب|شرق|شمال|جنوب|غربي|شرقي|شمالي|جنوبي|قرب|بالقرب من|قرابة)\s+(?:\S+\s+)?$",
                      r"\b(?:west|east|north|south|northwest|northeast|southwest|southeast)\s+of\s+$",
                      r"\b(?:near|outside|close to)\s+$")
_INSTRUMENTAL = _compile(r"^ب")
_INSTRUMENTAL_BEFORE = _compile(r"(?:عبر|بواسطة|من خلال|باستخدام)\s+$", r"\b(?:with|by|using)\s+(?:\w+\s+)?$")


@dataclass(frozen=True, slots=True)
class _Clause:
    start: int                     # offsets in the text
    end: int
    sentence: int
    paragraph: int
    events: tuple[EventWord, ...]  # attack words that count
    times: tuple[TimeRef, ...]
    places: tuple[_Mention, ...]   # places in Syria or Iraq, the most specific kept
    references: tuple[_Mention, ...]   # every place named, for anchors
    closed: bool = False           # "قبيل استهداف قاعدة حقل العمر": about another event's time
    context: bool = False          # totals, patrols, Gaza: nothing here is an incident
    before_main: bool = False      # opens with "بعيد"/"after": happened before the clause it follows


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    text: str
    place: Place
    ambiguous: bool
    reference: bool = False        # "غرب دمشق": a point to measure from, not the place struck


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append((pos + lead, pos + len(line.rstrip())))
        pos += len(line)
    return spans


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, begin = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)[.]$", text[begin:m.start() + 1])
        if m.group().startswith(".") and word and (word.group(1).lower() in _ABBREVIATIONS
                                                   or len(word.group(1)) == 1):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end:
        spans.append((begin, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _clause_spans(text: str, view: FoldedText, start: int, end: int) -> list[tuple[int, int]]:
    cuts = {start, end}
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        cuts.add(m.end())
    a, b = view.from_text(start), view.from_text(end)
    for m in _CONNECTIVE.finditer(view.folded, a, b):
        cuts.add(view.to_text(m.start()))
    ordered = sorted(cuts)
    return [(x, y) for x, y in zip(ordered, ordered[1:]) if text[x:y].strip(" \t،,;:؛\"'")]


# --- the extractor ------------------------------------------------------------------------------

def extract(text: str, published: date, *, gazetteer: Gazetteer | None = None, source_url: str = "",
            country: str | None = None) -> list[Draft]:
    """Draft incidents of an article: one per reported strike or attack at a place.

    `published` is the article's date, against which "أمس", "on Tuesday" and "December 25"
    are resolved; `country` is an optional hint (ISO2) for the geoparser and lets places of
    that country count besides Syria and Iraq.
    """
    from gazetteer.geoparse import geoparse

    check_published(published)
    hints = {"country": country} if country else None
    mentions = geoparse(text, hints=hints, gazetteer=gazetteer)   # None: the default, loaded once
    allowed = CORE_COUNTRIES | ({country.upper()} if country else set())
    view = fold_with_offsets(text)
    clauses = _clauses(text, view, published, mentions, allowed)
    drafts = _Drafter(text, published, source_url).run(clauses)
    return [replace(d, id=f"draft-{i:03d}", description=_describe(d)) for i, d in enumerate(drafts, 1)]


def _eligible(place: Place, allowed: frozenset[str] | set[str]) -> bool:
    if place.kind not in _SPECIFICITY:
        return False
    return place.country in allowed or (place.kind == "site" and place.curated)


def _clauses(text: str, view: FoldedText, published: date, mentions: Sequence, allowed) -> list[_Clause]:
    events = events_of(view)
    times = _times(view, text, published)
    clauses: list[_Clause] = []
    sentence = 0
    for paragraph, (p_start, p_end) in enumerate(_paragraphs(text)):
        for s_start, s_end in _sentences(text, p_start, p_end):
            for c_start, c_end in _clause_spans(text, view, s_start, s_end):
                clauses.append(_clause(text, view, c_start, c_end, sentence, paragraph,
                                       events, times, mentions, allowed))
            sentence += 1
    return clauses


def _clause(text: str, view: FoldedText, start: int, end: int, sentence: int, paragraph: int,
            events: Sequence[EventWord], times: Sequence[TimeRef], mentions: Sequence,
            allowed) -> _Clause:
    folded = view.folded[view.from_text(start):view.from_text(end)]
    context = bool(_TOTALS.search(folded) or _PATROL.search(folded) or _FOREIGN.search(folded))
    own_events = tuple(e for e in events if start <= e.start < end)
    own_times = tuple(t for t in times if start <= t.start < end)
    named = []
    for m in mentions:
        if not (start <= m.start < end) or m.match is None:
            continue
        before = view.folded[max(0, view.from_text(m.start) - 25):view.from_text(m.start)]
        named.append(_Mention(m.start, m.end, _as_written(m.text), m.match.place, m.match.ambiguous,
                              bool(_REFERENCE.search(before))))
    places = [m for m in named if _eligible(m.place, allowed)]
    if any(not m.reference for m in places):
        places = [m for m in places if not m.reference]
    places = _most_specific(places)
    opens = folded.lstrip(" \"'«")
    connective = bool(_CONNECTIVE.match(opens))
    return _Clause(start, end, sentence, paragraph, () if context else own_events, own_times,
                   tuple(places), tuple(named), closed=connective and not own_events, context=context,
                   before_main=connective and bool(_AFTER_WORDS.search(opens)))


def _most_specific(places: list[_Mention]) -> list[_Mention]:
    """Drop a governorate or region that contains a more specific place of the same clause
    ("قاعدة الشدادي بريف الحسكة" is the base), and a town next to a named site in it."""
    kept = []
    for m in places:
        rank = _SPECIFICITY[m.place.kind]
        inside = any((_SPECIFICITY[o.place.kind] > rank or o.place.radius_km < m.place.radius_km)
                     and _contains(m.place, o.place) for o in places if o is not m)
        next_to_site = m.place.kind == "settlement" and any(
            o.place.kind == "site" and distance_km(o.place.lat, o.place.lon, m.place.lat, m.place.lon) <= 25
            for o in places)
        if rank <= 3 and inside or next_to_site:
            continue
        if any(k.place.id == m.place.id for k in kept):
            continue
        kept.append(m)
    return kept


def _contains(area: Place, place: Place) -> bool:
    """True when `place` lies in `area` (a governorate, district or region)."""
    if area.kind not in ("admin1", "admin2", "region"):
        return False
    if area.admin1 and place.admin1 and area.admin1 != place.admin1:
        return False  # a part of a governorate holds no place of another one
    if area.admin1 and (area.kind == "admin1" or area.id.startswith("part:")):
        # The sector of "western Anbar" is a rule of thumb; the text that puts a base "in
        # western Anbar" knows better.
        return True
    return distance_km(area.lat, area.lon, place.lat, place.lon) <= max(area.radius_km, 1.0)


def _same_place(a: Place, b: Place) -> bool:
    if a.id == b.id:
        return True
    if a.kind in ("admin1", "admin2", "region") or b.kind in ("admin1", "admin2", "region"):
        return False
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= max(min(a.radius_km, b.radius_km), 2.0)


@dataclass(frozen=True, slots=True)
class _Found:
    """A draft being built, with where it came from."""

    draft: Draft
    place: Place
    paragraph: int
    sentence: int


class _Drafter:
    """Walks the clauses in order; drafts made so far anchor, date and absorb later ones."""

    def __init__(self, text: str, published: date, source_url: str) -> None:
        self.text = text
        self.published = published
        self.source_url = source_url
        self.found: list[_Found] = []

    def run(self, clauses: list[_Clause]) -> list[Draft]:
        by_sentence: dict[int, list[_Clause]] = {}
        for c in clauses:
            by_sentence.setdefault(c.sentence, []).append(c)
        for sentence in sorted(by_sentence):
            self._sentence(by_sentence[sentence])
        return [f.draft for f in self.found]

    # -- one sentence --

    def _sentence(self, clauses: list[_Clause]) -> None:
        start, end = clauses[0].start, clauses[-1].end
        sentence_text = self.text[start:end]
        anchors = self._anchors(clauses)
        claim = self._claim(clauses)
        if claim is not None and not any(c.places for c in clauses):
            self._claim_earlier(clauses, claim[1])
        for i, clause in enumerate(clauses):
            if clause.closed or clause.context or not clause.places:
                continue
            for mention in clause.places:
                j = self._event_clause(clauses, i, mention)
                if j is None:
                    self._continuation(clauses, i, mention)
                    continue
                self._candidate(clauses, i, j, mention, anchors, claim, sentence_text)

    def _anchors(self, clauses: list[_Clause]) -> list[TimeRef]:
        """"قُبيل استهداف قاعدة حقل العمر": the date of the attack on that base, told earlier."""
        anchors = []
        for c in clauses:
            if not c.closed:
                continue
            for m in c.references:
                # The lead event at that place: the one the story tells the others against.
                earlier = next((f for f in self.found if _same_place(f.place, m.place)), None)
                if earlier is not None:
                    d = earlier.draft
                    anchors.append(TimeRef(c.start, c.end, self.text[c.start:c.end].strip(), d.date,
                                           d.date_precision, "",
                                           note=f"date of the attack at {d.place_name} the text times it by"))
                    break
        return anchors

    def _claim(self, clauses: list[_Clause]) -> tuple[int, str] | None:
        """(offset, actor) of "أعلنت المقاومة ... عن استهداف" / "X claimed": claims what follows."""
        for i, c in enumerate(clauses):
            folded = _fold(self.text[c.start:c.end])
            if not _CLAIM.search(folded):
                continue
            actor = find_actor(self.text[c.start:clauses[min(i + 1, len(clauses) - 1)].end])
            if actor:
                return c.start, actor
        return None

    def _claim_earlier(self, clauses: list[_Clause], actor: str) -> None:
        """"The Islamic Resistance in Iraq claimed both attacks": a claim with no place of its own
        names the actor of the paragraph's drafts that have none."""
        paragraph = clauses[0].paragraph
        if not _ANAPHORA.search(_fold(self.text[clauses[0].start:clauses[-1].end])):
            return
        for k, f in enumerate(self.found):
            if f.paragraph == paragraph and not f.draft.actor:
                self.found[k] = replace(f, draft=replace(f.draft, actor=actor,
                                                         notes=_join("claimed", f.draft.notes)))

    def _event_clause(self, clauses: list[_Clause], i: int, mention: _Mention) -> int | None:
        """The clause whose attack word applies to a place of clause `i`: its own, else the next
        one that has an attack word ("الرميلان، والمالكية، عبر طائرات مسيّرة"), else the one
        before ("ضربات جوية، كان أبرزها ... في السيدة زينب")."""
        if clauses[i].events:
            return i
        for j in range(i + 1, len(clauses)):
            if clauses[j].closed or clauses[j].context:
                break
            if clauses[j].events:
                return j
        for j in range(i - 1, -1, -1):
            if clauses[j].closed or clauses[j].context:
                break
            if clauses[j].events:
                return j
        return None

    def _event_word(self, clause: _Clause, mention: _Mention) -> EventWord:
        """The attack word of a clause for one of its places: the one before the place, unless
        the one after is instrumental ("قاعدة الشدادي برشقة صاروخية", "hit with rockets")."""
        before = [e for e in clause.events if e.end <= mention.start]
        after = [e for e in clause.events if e.start >= mention.end]
        if after and (not before or self._instrumental(after[0])):
            return after[0]
        return before[-1] if before else clause.events[0]

    def _instrumental(self, word: EventWord) -> bool:
        lead = _fold(self.text[max(0, word.start - 12):word.start])
        return bool(_INSTRUMENTAL.match(_fold(word.text)) or _INSTRUMENTAL_BEFORE.search(lead))

    def _candidate(self, clauses: list[_Clause], i: int, j: int, mention: _Mention,
                   anchors: list[TimeRef], claim: tuple[int, str] | None, sentence_text: str) -> None:
        clause = clauses[i]
        word = self._event_word(clauses[j], mention)
        lo, hi = min(i, j), max(i, j)
        tail = hi
        while tail + 1 < len(clauses) and not (clauses[tail + 1].places or clauses[tail + 1].closed
                                               or clauses[tail + 1].context):
            tail += 1   # ", killing two fighters", ", the group said": about this strike too
        group = clauses[lo:tail + 1]
        group_text = self.text[group[0].start:group[-1].end]
        notes: list[str] = []

        when = self._own_time(clauses, i, lo, hi, anchors, mention)
        actor = find_actor(group_text)
        claimed = False
        if claim is not None and claim[0] < mention.start:
            actor, claimed = claim[1], True
        outcome = find_outcome(group_text)
        if outcome == "unknown":
            outcome = self._sentence_outcome(clauses)
        killed, wounded = find_fatalities(group_text)
        draft = Draft(
            id="", date=self.published.isoformat(), location=mention.text, lat=mention.place.lat,
            lon=mention.place.lon, place_id=mention.place.id, place_name=mention.place.name,
            event_type=word.event_type, actor=actor, target=find_target(group_text, mention.place),
            outcome=outcome, fatalities=killed, injuries=wounded,
            count=find_count(self.text[max(clauses[j].start, word.start - 25):word.end]),
            country=mention.place.country, admin1=mention.place.admin1, source_url=self.source_url,
            evidence=self.text[clauses[0].start:clauses[-1].end].strip(),
            evidence_start=clauses[0].start, evidence_end=clauses[-1].end)
        draft = _trim_evidence(draft, self.text)
        if claimed:
            notes.append("claimed")
        if mention.ambiguous:
            notes.append("place ambiguous")
        if mention.place.kind in ("admin1", "admin2", "region"):
            notes.append(f"location is a {_AREA_WORDS[mention.place.kind]}, not a point")

        if when is not None:
            draft = replace(draft, date=when.date, date_precision=when.precision, time=when.time)
            if when.note:
                notes.append(when.note)
            if self._merge(draft, mention, clause, has_date=True):
                return
        else:
            if self._merge(draft, mention, clause, has_date=False):
                return
            draft = self._inherit_date(draft, mention, clause, sentence_text, notes)
        self.found.append(_Found(replace(draft, notes="; ".join(notes)), mention.place,
                                 clause.paragraph, clause.sentence))

    def _own_time(self, clauses: list[_Clause], i: int, lo: int, hi: int, anchors: list[TimeRef],
                  mention: _Mention) -> TimeRef | None:
        """The time of the clause group, else the nearest before it in the sentence (an anchor
        included), else one later in the sentence; shifted to "before ..." for a "بُعيد" clause."""
        group_times = [t for c in clauses[lo:hi + 1] for t in c.times]
        if group_times:
            return min(group_times, key=lambda t: abs(t.start - mention.start))
        earlier = [t for c in clauses[:lo] if not c.context for t in c.times]
        earlier += [a for a in anchors if a.start < clauses[lo].start]
        if earlier:
            t = max(earlier, key=lambda t: t.start)
            if clauses[i].before_main:
                t = replace(t, time=f"before {t.time}" if t.time else "",
                            note=t.note or "date of the event it preceded")
            return t
        later = [t for c in clauses[hi + 1:] if not c.context for t in c.times]
        return later[0] if later else None

    def _sentence_outcome(self, clauses: list[_Clause]) -> str:
        """An outcome said of the whole report ("أن المسيّرات والصواريخ أصابت الأهداف")."""
        outcomes = {find_outcome(self.text[c.start:c.end]) for c in clauses if not c.places and not c.context}
        outcomes.discard("unknown")
        return outcomes.pop() if len(outcomes) == 1 else "unknown"

    def _merge(self, draft: Draft, mention: _Mention, clause: _Clause, *, has_date: bool) -> bool:
        """A later sentence about the same attack ("سقوط أربعة صواريخ ضمن أراضي الحقل") adds its
        details to the draft already made instead of becoming a second row."""
        for k in range(len(self.found) - 1, -1, -1):
            f = self.found[k]
            if f.sentence == clause.sentence or clause.paragraph - f.paragraph > 1:
                continue
            if f.draft.event_type != draft.event_type or not _same_place(f.place, mention.place):
                continue
            if has_date and draft.date != f.draft.date:
                continue
            old = f.draft
            merged = replace(
                old, count=old.count if old.count is not None else draft.count,
                outcome=old.outcome if old.outcome != "unknown" else draft.outcome,
                actor=old.actor or draft.actor, target=old.target or draft.target,
                fatalities=old.fatalities if old.fatalities is not None else draft.fatalities,
                injuries=old.injuries if old.injuries is not None else draft.injuries,
                time=old.time or draft.time,
                evidence_start=min(old.evidence_start, draft.evidence_start),
                evidence_end=max(old.evidence_end, draft.evidence_end))
            merged = replace(merged, evidence=self.text[merged.evidence_start:merged.evidence_end])
            self.found[k] = replace(f, draft=merged)
            return True
        return False

    def _inherit_date(self, draft: Draft, mention: _Mention, clause: _Clause, sentence_text: str,
                      notes: list[str]) -> Draft:
        same_paragraph = [f for f in self.found if f.paragraph == clause.paragraph]
        if same_paragraph and _ANAPHORA.search(_fold(sentence_text)):
            d = same_paragraph[-1].draft
            notes.append("date of the report before it")
            return replace(draft, date=d.date, date_precision=d.date_precision)
        same_place = next((f for f in reversed(self.found) if _same_place(f.place, mention.place)), None)
        if same_place is not None:
            d = same_place.draft
            notes.append(f"date not stated; taken from the earlier report at {d.place_name}")
            return replace(draft, date=d.date, date_precision=d.date_precision)
        notes.append("date assumed (publication date)")
        return draft

    def _continuation(self, clauses: list[_Clause], i: int, mention: _Mention) -> None:
        """A sentence with no attack word of its own that goes on about the strike before it
        ("فقد طاول القصف مواقع ... بمنطقة كناكر"): it narrows that strike's place, or adds one."""
        clause = clauses[i]
        sentence_text = self.text[clauses[0].start:clauses[-1].end]
        if not _ANAPHORA.search(_fold(sentence_text)):
            return
        same_paragraph = [k for k, f in enumerate(self.found) if f.paragraph == clause.paragraph
                          and f.sentence < clause.sentence]
        if not same_paragraph:
            return
        target = find_target(self.text[clause.start:clause.end], mention.place)
        end = clauses[-1].end
        for k in reversed(same_paragraph):
            f = self.found[k]
            if _contains(f.place, mention.place):
                old = f.draft
                refined = replace(
                    old, location=mention.text, lat=mention.place.lat, lon=mention.place.lon,
                    place_id=mention.place.id, place_name=mention.place.name,
                    country=mention.place.country, admin1=mention.place.admin1,
                    target=target or old.target, evidence_end=max(old.evidence_end, end),
                    notes=_join(_drop_note(old.notes, "location is a"),
                                f"location narrowed from {old.location} by the next sentence"))
                refined = replace(refined, evidence=self.text[refined.evidence_start:refined.evidence_end])
                self.found[k] = replace(f, draft=refined, place=mention.place)
                return
            if _same_place(f.place, mention.place):
                return
        last = self.found[same_paragraph[-1]]
        d = last.draft
        start = clauses[0].start
        self.found.append(_Found(replace(
            d, location=mention.text, lat=mention.place.lat, lon=mention.place.lon,
            place_id=mention.place.id, place_name=mention.place.name, country=mention.place.country,
            admin1=mention.place.admin1, target=target, count=None,
            evidence=self.text[start:end].strip(), evidence_start=start, evidence_end=end,
            notes=_join(d.notes, f"continues the report at {d.place_name}")),
            mention.place, clause.paragraph, clause.sentence))


def _trim_evidence(draft: Draft, text: str) -> Draft:
    start, end = draft.evidence_start, draft.evidence_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return replace(draft, evidence=text[start:end], evidence_start=start, evidence_end=end)


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _drop_note(notes: str, prefix: str) -> str:
    return "; ".join(n for n in notes.split("; ") if n and not n.startswith(prefix))


_AREA_WORDS = {"admin1": "governorate", "admin2": "district", "region": "region"}


def _describe(d: Draft) -> str:
    """One English line for popups and tables: what, where, how many, by whom, with what result."""
    parts = [f"{event_phrase(d.event_type)} at {d.place_name}"]
    if d.count:
        parts[0] += f" ({d.count})"
    if d.actor:
        parts.append(("claimed by " if "claimed" in d.notes else "by ") + d.actor)
    if d.target and d.target != d.place_name:
        parts.append(f"target: {d.target}")
    if d.outcome != "unknown":
        parts.append(d.outcome)
    if d.fatalities:
        parts.append(f"{d.fatalities} killed")
    if d.injuries:
        parts.append(f"{d.injuries} wounded")
    return "; ".join(parts)


# --- output -------------------------------------------------------------------------------------

# The publication dates relative dates can be reckoned from: reports of this century and the
# last, and none from the future (a day's grace for time zones).
EARLIEST_PUBLISHED = date(1900, 1, 1)


def check_published(published: date, today: date | None = None) -> None:
    """Raise ValueError, saying why, for a publication date before EARLIEST_PUBLISHED or after
    tomorrow (`today` by default the system's date)."""
    latest = (today or date.today()) + timedelta(days=1)
    if published < EARLIEST_PUBLISHED:
        raise ValueError(f"{published.isoformat()} is before {EARLIEST_PUBLISHED.isoformat()}")
    if published > latest:
        raise ValueError(f"{published.isoformat()} is in the future")


def drafts_csv(drafts: Iterable[Draft], *, raw_cells: bool = False) -> str:
    """The drafts as CSV text with the incident columns (see COLUMNS); cells made safe to
    open in a spreadsheet unless `raw_cells` (see `mapper.output.csv_cell`)."""
    out = io.StringIO()
    rows = [[row[c] for c in COLUMNS] for row in (d.as_row() for d in drafts)]
    write_csv(out, [COLUMNS, *rows], raw=raw_cells, lineterminator="\n")
    return out.getvalue()


def write_drafts(drafts: Iterable[Draft], path: str | Path, *, raw_cells: bool = False) -> None:
    """Write drafts as a UTF-8 CSV that `read_incidents` and `incident-map render` read,
    whole or not at all; raises WriteError naming the file when it cannot be written."""
    write_text(path, drafts_csv(drafts, raw_cells=raw_cells), newline="")
