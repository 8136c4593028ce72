"""Draft incidents from article text: one row per reported strike or attack at a place.

Drafts are for a person to check, so every row keeps the sentence it came from (`evidence`,
with offsets into the text) and says in `notes` what was assumed.

How a text is read, in three plain phases:

1. attach (`_attach`): the text is cut into paragraphs, sentences and clauses (at commas and
   semicolons, before "قُبيل"/"بُعيد"/"shortly after" and before "فيما"/"في حين"/"while"), and
   every clause gets the words that fall in it: attack words (the one event vocabulary,
   `mapper.vocabulary`), typeless event words ("استهداف", "attacked"), time expressions
   (`TIME_RULES`) and place mentions with their role: target, reference ("غربي حلب", "south of
   X": a landmark), dateline (where the report was filed), source ("مصدر أمني في ديالى",
   "Syria's defence ministry"), route ("fired from X", "withdrew towards X"), locator ("قاعدة حرير في أربيل": the
   second name only says where the first is), and roads ("on the road between A and B").
2. fill (`_Filler`): every target of a clause that has an event (its own, or the one its
   clause leans on) becomes a candidate whose fields come from the clauses of that event:
   type, date (a chained "hours later", "في وقت لاحق" takes the date of the event before it),
   toll, outcome, actor, claim, target. What was assumed is kept as structured flags.
3. merge (`_merge`): candidates about one event become one draft (a later sentence about the
   same strike, an interception over the base's city, a sentence that narrows the place), and
   only then do the flags become the `notes` column.

Every distance and reach the extractor decides by is a field of `THRESHOLDS`. A new date
expression is one `TimeRule` in `TIME_RULES`: its pattern (written as printed) and its resolver.

>>> drafts = extract("قصفت طائرة مسيّرة قاعدة الشدادي مساء أمس.", date(2024, 1, 3))  # doctest: +SKIP
>>> drafts[0].place_id, drafts[0].date, drafts[0].time, drafts[0].event_type  # doctest: +SKIP
('site:shaddadi-base', '2024-01-02', 'evening', 'drone')
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from gazetteer import Gazetteer, Place, distance_km
from gazetteer.fold import FoldedText, fold_with_offsets, generic_of

from .model import DRAFT_COLUMNS, Incident
from .output import write_csv, write_text
from .prefilter import AnyOf, Gated, Prefilter
from .vocabulary import ARABIC_START as _AR
from .vocabulary import WORD_END as _END
from .vocabulary import EventWord, compile_folded, event_phrase, events_of, find_events, outcome_of

__all__ = ["COLUMNS", "THRESHOLDS", "TIME_RULES", "Thresholds", "TimeRef", "TimeRule", "When",
           "drafts_csv", "extract", "find_actor", "find_count", "find_events", "find_fatalities",
           "find_outcome", "find_target", "find_times", "write_drafts"]

# The countries this tool maps; places elsewhere (Gaza, Beirut) are context, not incidents,
# unless they are curated sites (a coalition outpost in Jordan) or the caller's country hint.
CORE_COUNTRIES = frozenset({"SY", "IQ"})

_SPECIFICITY = {"site": 5, "settlement": 4, "region": 3, "admin2": 2, "admin1": 1}
_AREAS = frozenset({"admin1", "admin2", "region"})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every distance and reach the extractor decides by, in one place."""

    role_reach: int = 45           # folded characters before a name read for its role ("جنوب",
                                   # "مصدر أمني في", "fired from the direction of")
    actor_reach: int = 40          # characters before an actor read for "against"/"killing" (not the actor)
    count_reach: int = 25          # characters before an attack word where its number is written
    since_reach: int = 12          # characters before a date where "منذ"/"since" makes it a period
    speech_reach: int = 30         # characters before a date read for "said" (the day a source spoke)
    toll_words: int = 4            # words after "killing"/"مقتل" searched for the number
    toll_back_words: int = 10      # words before "were killed" searched for the number
    apposition_words: int = 3      # words before ", south of X," for it to qualify the place before
    title_words: int = 16          # a paragraph this short with no full stop, atop the text, is a title
    weak_place_score: float = 0.7  # a match scored below this is weak ...
    far_km: float = 100.0          # ... and no place of the story this far from every place ...
    sure_place_score: float = 0.9  # ... its paragraph names with at least this score
    site_town_km: float = 25.0     # a town this close to a site named in the same clause is the
                                   # site's town, not a second place
    base_city_km: float = 60.0     # an interception over a city this close to a base, told next to
                                   # the attack on the base, is the same incident
    same_place_km: float = 2.0     # two points this close (or within the smaller radius) are one place
    road_margin_km: float = 3.0    # added to half a road's length for its radius
    merge_paragraphs: int = 1      # a later sentence adds to a draft at most this many paragraphs on


THRESHOLDS = Thresholds()


# --- records -----------------------------------------------------------------------------------

# A draft is an Incident (`mapper.model`) with the place, count and evidence fields filled;
# these are its columns, in the order its CSV has them.
COLUMNS: tuple[str, ...] = DRAFT_COLUMNS


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression of the text, resolved against the publication date.

    `start`, `end` are offsets in the text; `time` is the part of the day, if said; `rule` the
    name of the `TimeRule` that read it. A `chained` expression ("hours later", "في وقت لاحق")
    dates itself by the event told before it: `find_times` resolves it against the time
    expression before it (or the publication date), `extract` against that event.
    """

    start: int
    end: int
    text: str
    date: str
    precision: str = "day"
    time: str = ""
    note: str = ""
    rule: str = ""
    chained: bool = False


# --- folding: attack words and outcomes live in mapper.vocabulary ------------------------------

# Most clauses hold none of the words a pattern here cannot match without (mapper.prefilter):
# each pattern runs only where they are, and answers as it would anywhere.
_PREFILTER = Prefilter()


def _compile(*patterns: str) -> Gated:
    """`vocabulary.compile_folded`, run only on strings that hold what the pattern needs."""
    return _PREFILTER.add(compile_folded(*patterns))


def _fold(s: str) -> str:
    """The matching form of a phrase or text (`fold_with_offsets`): no harakat, one alef, ta
    marbuta as ha, lower case."""
    return fold_with_offsets(s).folded


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# --- numbers, outcome, actor, target ------------------------------------------------------------

_NUMBER_WORDS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثنتان": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9,
    "عشر": 10, "عشرة": 10,
    "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a pair of": 2,
}
_NUMBERS = {_fold(k): v for k, v in _NUMBER_WORDS.items()}
_NUMBER = r"(?:\d{1,3}|" + _alternation(_NUMBERS) + ")"
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
# forces ("الطيران الإسرائيلي", "Turkish drones"), never after "against" ("ضد تنظيم داعش") nor
# as the victims ("killed five Islamic State militants", "مقتل عنصرين من قسد").
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
                          r"|government (?:drones?|shelling|artillery|aircraft|warplanes|jets)"
                          r"|\bregime (?:shelling|artillery|aircraft|warplanes|jets)"),
    ("SDF", r"قسد|قوات سوريا الديمقراطية|syrian democratic forces|\bsdf\b"),
    ("Islamic State", r"داعش|تنظيم الدولة|islamic state|\bisis\b|\bisil\b"),
)
_ACTOR_PATTERNS = tuple((name, _compile(_AR + f"(?:{p})" + _END if re.search("[\u0600-\u06ff]", p) else p))
                        for name, p in _ACTORS)
_ANY_ACTOR = AnyOf(*(pattern for _, pattern in _ACTOR_PATTERNS))
_AGAINST = _compile(r"(?:ضد|لمحاربة|محاربة|لقتال|مواجهة)\s+(?:\S+\s+)?[\"'«]?\s*$",
                    r"(?:against|anti-|fight against|war on|fighting)\s+(?:the\s+)?(?:\S+\s+)?$")
_VICTIMS = _compile(r"(?:مقتل|قتل|إصابة|جرح|استهداف)\s+(?:\S+\s+){0,3}(?:من|في|ل)\s*(?:ال)?\s*[\"'«]?\s*$",
                    r"\b(?:killing|killed|wounding|wounded|injuring|injured)\s+(?:\S+\s+){0,2}$")
_CLAIM = _compile(_AR + r"(?:أعلنت|أعلن|إعلان|تبنت|تبنى|تبني)" + _END,
                  r"\b(?:claimed|claims|claiming|announced|said it)\b")
# A claimant named again in short ("وكانت المقاومة قد أعلنت"): the one named before.
_CLAIMANT_AGAIN = _compile(_AR + r"(?:المقاومة|الفصائل|الحركة)" + _END, r"\bthe (?:group|militia|militias)\b")


def find_actor(text: str) -> str:
    """Who carried out the strike, as far as the wording says; "" when it does not.

    >>> find_actor("وكان الطيران الإسرائيلي قد استهدف"), find_actor("قاعدة التحالف ضد تنظيم داعش")
    ('Israel', '')
    """
    folded = _fold(text)
    if not _ANY_ACTOR.may_match(folded):
        return ""
    best: tuple[int, str] | None = None
    for name, pattern in _ACTOR_PATTERNS:
        for m in pattern.finditer(folded):
            before = folded[max(0, m.start() - THRESHOLDS.actor_reach):m.start()]
            if _AGAINST.search(before) or _VICTIMS.search(before):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), name)
            break
    return best[1] if best else ""


_TARGETS: tuple[tuple[str, str], ...] = (
    ("Iranian-backed militia positions",
     r"مواقع (?:لل|ل|ال)?(?:مليشيات|ميليشيات|فصائل)(?: ال)? ?(?:الإيرانية|إيرانية|الموالية لإيران|التابعة لإيران)"
     r"|(?:iranian-backed|iran-backed|pro-iranian|iran-aligned) (?:militia|militias) (?:positions|sites|targets)"
     r"|positions (?:of|held by) (?:iranian-backed|iran-backed|pro-iranian) militias?"),
    ("Hezbollah positions", r"مواقع (?:ل|ال)?حزب الله|hezbollah (?:positions?|sites?)"),
    ("Syrian government positions", r"مواقع (?:لقوات النظام|للجيش السوري|لجيش النظام|للنظام)"
                                    r"|(?:syrian army|regime|government) positions"),
    ("weapons depot", r"مستودع(?:ات)? (?:أسلحة|ذخيرة|للأسلحة)|(?:weapons?|arms|ammunition) (?:depots?|warehouses?|stores?)"),
    ("vehicle", r"(?:سيارة|مركبة|آلية|عجلة)(?!\w)|\b(?:car|vehicle|truck|pick-?up)\b"),
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


# --- tolls: killed and wounded ------------------------------------------------------------------

_AR_NO_ARTICLE = r"(?<!\w)[وفبلك]{0,2}"
# Words that report deaths or wounds; the count is in the words after them ("مقتل ثلاثة عناصر",
# "أصيب جنديان", "killing its two passengers") or, for an English passive, before them ("four
# civilians were killed").
_TRIGGERS = {
    "killed": _compile(_AR_NO_ARTICLE + r"(?:مقتل|قتل|قتلت|استشهاد|استشهد|مصرع|اغتيال|اغتال|اغتالت|اغتالوا)" + _END,
                       r"\b(?:killing|killed|kills|kill|dead)\b"),
    "wounded": _compile(_AR_NO_ARTICLE + r"(?:إصابة|إصابات|أصيب|أصيبت|أصيبا|جرح|جرحت)" + _END,
                        r"\b(?:wounding|wounded|wounds|injuring|injured|injures|hurt|hurting)\b"),
}
_ANY_TRIGGER = _compile(*(p.pattern for p in _TRIGGERS.values()))
# "ثلاثة قتلى", "قتيلان", "جريح": the noun of the dead or wounded itself.
_TOLL_NOUNS = {
    "killed": (_compile(_AR_NO_ARTICLE + rf"({_NUMBER})\s+(?:قتلى|قتيلا)" + _END), _compile(_AR + r"(?:قتيلين|قتيلان)" + _END)),
    "wounded": (_compile(_AR_NO_ARTICLE + rf"({_NUMBER})\s+(?:جرحى|مصابين|جريحا)" + _END), _compile(_AR + r"(?:جريحين|جريحان)" + _END)),
}
_ONE = frozenset(_fold(w) for w in (
    "مدني مدنيا مدنية شخص شخصا عنصر عنصرا جندي جنديا طفل طفلا طفلة امرأة سيدة شاب شابا رجل رجلا "
    "مواطن مواطنا مقاتل مقاتلا ضابط ضابطا قيادي قياديا قائد قائدا مسؤول مسؤولا عامل عاملا سائق سائقا "
    "راع راعي فتى فتاة مسن عسكري عسكريا مستشار مستشارا صحفي صحفيا ناشط ناشطا آخر آخرا شرطي شرطيا "
    "حارس حارسا ثالث ثالثا رابع رابعا والده والدته والدها والدتها زوجته زوجها ابنه ابنها ابنته ابنتها "
    "شقيقه شقيقها شقيقته شقيقتها "
    "civilian person man woman child boy girl soldier fighter member militant driver passenger "
    "worker officer commander policeman shepherd farmer journalist guard resident teenager official "
    "another mother father wife husband son daughter brother sister").split())
_TWO = frozenset(_fold(w) for w in (
    "مدنيان شخصين شخصان عنصرين عنصران جنديين جنديان طفلين طفلان طفلتين طفلتان امرأتين امرأتان "
    "سيدتين سيدتان شابين شابان رجلين رجلان ضابطين ضابطان مقاتلان").split())
_PEOPLE = frozenset("people civilians soldiers fighters members militants children women men others "
                    "persons troops personnel guards policemen officers workers passengers".split())
_VAGUE = frozenset(_fold(w) for w in "عدد عشرات العشرات العديد عدة several dozens scores many number few "
                                      "handful dozen".split())
_AUX = frozenset("were was been are is have had".split())
_SUBJECT_OPENS = frozenset("and when where while after before that which as but said says".split())
_TOKEN = re.compile(r"[^\W_]+")
_CLAUSE_END = re.compile(r"[,.;:،؛!?؟]")
# "No casualties" is a toll of 0; "no word on casualties" is no toll at all, and is read first.
_TOLL_UNKNOWN = _compile(
    r"(?:دون|بدون|من دون)\s+(?:ورود|أن ترد|تسجيل|توفر)?\s*(?:أي\s+)?(?:معلومات|أنباء|أخبار)",
    r"لم\s+(?:ترد|يرد|تتوفر|يتوفر|تتضح|يتضح|تعرف|يعرف)\s+(?:بعد\s+)?(?:أي\s+)?(?:\S+\s+)?(?:معلومات|أنباء|حصيلة|حجم)",
    r"\bwithout (?:reporting|giving|mentioning|citing) (?:any )?(?:casualties|a toll|deaths)",
    r"\bno (?:immediate )?(?:word|information|reports?|details) (?:on|of|about) (?:any )?(?:casualties|injuries|deaths)",
    r"\b(?:not|un)(?: immediately)? (?:clear|known) (?:whether|if) (?:there were )?(?:any )?(?:casualties|anyone)")
_TOLL_NONE = _compile(
    r"(?:دون|بدون|من دون)\s+(?:أن\s+(?:تسفر|يسفر|تؤدي|يؤدي|تسجل|يسجل)\s+(?:عن\s+|إلى\s+)?)?(?:(?:وقوع|تسجيل|أي)\s+)*"
    r"(?:إصابات|إصابة|خسائر بشرية|ضحايا)",
    r"لم\s+(?:تسجل|يسجل|تسفر|يسفر|تؤد|يؤد|تقع|يقع|تخلف|يخلف|توقع|يوقع)\s+(?:\S+\s+)?(?:(?:عن|إلى|أي)\s+)*"
    r"(?:إصابات|إصابة|خسائر بشرية|ضحايا|قتلى|جرحى)",
    r"اقتصرت\s+(?:ال)?(?:خسائر|أضرار)\s+على\s+(?:ال)?(?:ماديات|مادية|أضرار المادية|أضرار مادية)",
    r"\bno (?:casualties|injuries|deaths|fatalities)\b", r"\bno one (?:was )?(?:hurt|injured|killed|wounded)\b",
    r"\bnobody was (?:hurt|injured|killed|wounded)\b",
    r"\bcaus(?:ed|ing) no (?:\w+ (?:or|and) )?(?:casualties|injuries|deaths)\b",
    r"\bwithout (?:causing )?(?:any )?(?:casualties|injuries)\b",
    r"\b(?:material|property) damage only\b", r"\bonly (?:material|property) damage\b")


@dataclass(frozen=True, slots=True)
class _Toll:
    """The dead and wounded a stretch of text states; `none` when it says there were none."""

    killed: int | None = None
    wounded: int | None = None
    none: bool = False

    @property
    def stated(self) -> bool:
        return self.killed is not None or self.wounded is not None or self.none

    def values(self) -> tuple[int | None, int | None]:
        zero = 0 if self.none else None
        return (self.killed if self.killed is not None else zero,
                self.wounded if self.wounded is not None else zero)

    def over(self, other: _Toll) -> _Toll:
        """This toll, with what it leaves unsaid taken from `other`."""
        return _Toll(self.killed if self.killed is not None else other.killed,
                     self.wounded if self.wounded is not None else other.wounded,
                     self.none or other.none)


def _count_after(folded: str, start: int, reach: int) -> int | None:
    """The number of people right after a trigger: a number, a singular person (1), a dual (2)."""
    stretch = folded[start:start + 80]
    end = _CLAUSE_END.search(stretch)
    stretch = stretch[:end.start()] if end else stretch
    trigger = _ANY_TRIGGER.search(stretch)
    stretch = stretch[:trigger.start()] if trigger else stretch
    tokens = _TOKEN.findall(stretch)[:reach]
    for k, tok in enumerate(tokens):
        if tok in _VAGUE:
            return None
        bare = tok[2:] if tok.startswith("ال") and len(tok) > 4 else tok
        n = _number(tok)
        if n is not None:
            if tok in ("a", "an") and k + 1 < len(tokens) and tokens[k + 1] in _VAGUE:
                return None
            return n
        if bare in _TWO:
            return 2
        if bare in _ONE:
            following = _number(tokens[k + 1]) if k + 1 < len(tokens) else None
            return following if following is not None else 1
        if tok in _PEOPLE:
            following = _number(tokens[k + 1]) if k + 1 < len(tokens) else None
            return following
    return None


def _count_before(folded: str, end: int) -> int | None:
    """The number of an English passive ("two soldiers were wounded", "3 people killed")."""
    stretch = folded[max(0, end - 120):end]
    cut = list(_CLAUSE_END.finditer(stretch))
    stretch = stretch[cut[-1].end():] if cut else stretch
    tokens = _TOKEN.findall(stretch)[::-1][:-1] if end > 120 and not cut else _TOKEN.findall(stretch)[::-1]
    if not tokens:
        return None
    if tokens[0] in _AUX:
        tokens = tokens[1:]
    elif not (tokens[0] in _PEOPLE or tokens[0] in _ONE or _number(tokens[0]) is not None):
        return None
    # Back through the subject ("three members of the Kurdish-led Syrian Democratic Forces were
    # killed") to its number, not past the word that opens it.
    for k, tok in enumerate(tokens[:THRESHOLDS.toll_back_words]):
        if tok in _SUBJECT_OPENS:
            return None
        n = _number(tok)
        if n is not None and tok not in ("a", "an"):
            return None if tokens[k + 1:k + 2] == ["no"] else n   # "no one was hurt"
        if tok in _ONE:
            return 1
    return None


def _toll(folded: str, reach: int = THRESHOLDS.toll_words) -> _Toll:
    """The toll a folded stretch of text states."""
    found: dict[str, int | None] = {"killed": None, "wounded": None}
    for kind, pattern in _TRIGGERS.items():
        hits = []
        for m in pattern.finditer(folded):
            n = _count_after(folded, m.end(), reach)
            if n is None and re.match(r"[a-z]", m.group()):
                n = _count_before(folded, m.start())
            if n is not None:
                hits.append((m.start(), n))
        number_noun, dual_noun = _TOLL_NOUNS[kind]
        for m in number_noun.finditer(folded):
            n = _number(m.group(1))
            if n is not None:
                hits.append((m.start(), n))
        hits += [(m.start(), 2) for m in dual_noun.finditer(folded)]
        if hits:
            found[kind] = min(hits)[1]
    none = not _TOLL_UNKNOWN.search(folded) and bool(_TOLL_NONE.search(folded))
    return _Toll(found["killed"], found["wounded"], none)


def find_fatalities(text: str) -> tuple[int | None, int | None]:
    """(killed, wounded) where the text states them, 0 for "no casualties", else None.

    >>> find_fatalities("مقتل القيادي في الحرس الثوري"), find_fatalities("killing two fighters")
    ((1, None), (2, None))
    >>> find_fatalities("قُتل مدني وأصيب ثلاثة آخرون"), find_fatalities("دون وقوع إصابات")
    ((1, 3), (0, 0))
    """
    return _toll(_fold(text)).values()


# --- time expressions: one TimeRule per kind of expression --------------------------------------

@dataclass(frozen=True, slots=True)
class When:
    """What a time rule reads: a day, how precisely it is known, and the part of the day."""

    day: date
    precision: str = "day"         # day, week, month
    part: str = ""                 # dawn, morning, noon, afternoon, evening, night

    def iso(self) -> str:
        return f"{self.day:%Y-%m}" if self.precision == "month" else self.day.isoformat()


@dataclass(frozen=True, slots=True)
class TimeRule:
    """A kind of time expression: its pattern and how it resolves, side by side.

    `pattern` is a regular expression written as printed (Arabic letters are folded as the text
    is, see `vocabulary.compile_folded`) and matched on the folded text; its named groups are
    for `resolve`. `resolve(match, base)` gives the `When`, or None when the words name no real
    day ("31 شباط"): the rule then says so by giving nothing. `base` is the publication date; for
    a `chained` rule ("hours later", "في وقت لاحق") it is the date of the event told before.
    """

    name: str
    pattern: str
    resolve: Callable[[re.Match[str], date], When | None]
    chained: bool = False
    regex: Gated = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", _compile(self.pattern))


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
_DAYS_AGO = {_fold(k): v for k, v in {"يومين": 2, "ثلاثة أيام": 3, "أربعة أيام": 4, "أيام": 3,
                                       "بضعة أيام": 3, "two": 2, "three": 3, "four": 4, "2": 2, "3": 3,
                                       "4": 4, "a few": 3, "several": 3}.items()}
_PARTS_EN = "dawn|morning|noon|afternoon|evening|night"

_P = r"(?<!\w)[وفب]?"
_PART_AR = rf"(?:(?P<part>{_alternation(_PARTS)})\s+)?"


def _day(year: int, month: int, day: int) -> date | None:
    """The date, or None for one that does not exist ("31 شباط")."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, published: date, year: str | None) -> int:
    if year:
        return int(year)
    if (month, day) > (published.month, published.day):
        return published.year - 1
    return published.year


def _last_weekday(published: date, weekday: int, *, before: bool = False) -> date:
    """The latest such day on or before publication ("on Monday" in a Monday report is that day);
    with `before` ("الاثنين الماضي", "last Monday") the one before it."""
    back = (published.weekday() - weekday) % 7 or (7 if before else 0)
    return published - timedelta(days=back)


def _part(m: re.Match[str]) -> str:
    word = m.groupdict().get("part") or ""
    return _PARTS.get(word, word)


def _relative_ar(m: re.Match[str], base: date) -> When:
    return When(base - timedelta(days=_RELATIVE[m["rel"]]), part=_part(m))


def _weekday_ar(m: re.Match[str], base: date) -> When:
    return When(_last_weekday(base, _DAYS[m["day"]], before=bool(m["last"])),
                part=_part(m) or ("night" if m["night"] else ""))


def _weekday_en(m: re.Match[str], base: date) -> When:
    return When(_last_weekday(base, _DAYS_EN[m["day"]], before=bool(m["last"])),
                part=m["part"] or m["part2"] or "")


def _night_between(days: dict[str, int]) -> Callable[[re.Match[str], date], When]:
    """"ليلة الاثنين على الثلاثاء", "overnight Monday to Tuesday": the night that began on the first day."""
    def resolve(m: re.Match[str], base: date) -> When:
        return When(_last_weekday(base - timedelta(days=1), days[m["day"]]), part="night")
    return resolve


def _date_ar(m: re.Match[str], base: date) -> When | None:
    dom = int(m["dom"]) if m["dom"].isdigit() else _ORDINALS[m["dom"]]
    month = _MONTHS[m["month"]]
    day = _day(_year_for(month, dom, base, m["year"]), month, dom)
    return When(day) if day else None


def _date_en(m: re.Match[str], base: date) -> When | None:
    month, dom = _MONTHS_EN[m["month"]], int(m["dom"])
    day = _day(_year_for(month, dom, base, m["year"]), month, dom)
    return When(day) if day else None


def _month_of(months: dict[str, int]) -> Callable[[re.Match[str], date], When]:
    def resolve(m: re.Match[str], base: date) -> When:
        month = months[m["month"]]
        return When(date(_year_for(month, 1, base, m["year"]), month, 1), "month")
    return resolve


def _days_back(days: int, part: str = "") -> Callable[[re.Match[str], date], When]:
    def resolve(m: re.Match[str], base: date) -> When:
        return When(base - timedelta(days=days), part=_part(m) or part)
    return resolve


def _last_week(m: re.Match[str], base: date) -> When:
    """The Thursday of the Monday-to-Sunday week before publication (ACLED's middle of the week)."""
    return When(base - timedelta(days=base.weekday() + 4), "week")


def _earlier_this_week(m: re.Match[str], base: date) -> When | None:
    """The middle day between Monday and the day before publication; none on a Monday."""
    if base.weekday() == 0:
        return None
    return When(base - timedelta(days=base.weekday()) + timedelta(days=(base.weekday() - 1) // 2), "week")


def _days_ago(m: re.Match[str], base: date) -> When:
    """"قبل يومين", "two days ago": that day, as loosely as the press uses it (a week's precision)."""
    return When(base - timedelta(days=_DAYS_AGO[m["n"]]), "week")


def _same_day(m: re.Match[str], base: date) -> When:
    return When(base, part=_part(m))


def _next_day(m: re.Match[str], base: date) -> When:
    return When(base + timedelta(days=1), part=_part(m) if _part(m) != "day" else "")


TIME_RULES: tuple[TimeRule, ...] = (
    TimeRule("ar_relative", _P + _PART_AR + rf"(?:يوم\s+)?(?P<rel>{_alternation(_RELATIVE)})"
                            rf"(?:\s+(?:{_alternation(_DAYS)}))?(?!\w)", _relative_ar),
    TimeRule("ar_weekday", _P + _PART_AR + rf"(?:(?:يوم|(?P<night>ليله))\s+)?(?P<day>{_alternation(_DAYS)})"
                           r"(?:\s+(?P<last>الماضي|المنصرم))?(?!\w)", _weekday_ar),
    TimeRule("ar_night_between", _P + rf"ليل(?:ه)?\s+(?:يوم\s+)?(?P<day>{_alternation(_DAYS)})\s*(?:على|الى|-|–)\s*"
                                 rf"(?:يوم\s+)?(?:{_alternation(_DAYS)})(?!\w)", _night_between(_DAYS)),
    TimeRule("ar_date", _P + rf"(?:في\s+)?(?P<dom>\d{{1,2}}|{_alternation(_ORDINALS)})\s+(?:من\s+)?(?:شهر\s+)?"
                        rf"(?P<month>{_alternation(_MONTHS)})(?:\s*/\s*(?:{_alternation(_MONTHS)}))?"
                        r"(?:\s+(?:من\s+)?(?:عام\s+)?(?P<year>\d{4}))?(?!\w)", _date_ar),
    TimeRule("ar_month", _P + rf"(?:في|خلال|مطلع|منتصف|أواخر|أوائل)\s+(?:شهر\s+)?"
                         rf"(?P<month>{_alternation(_MONTHS)})(?:\s*/\s*(?:{_alternation(_MONTHS)}))?"
                         r"(?:\s+(?:من\s+)?(?:عام\s+)?(?P<year>\d{4}))?(?!\w)", _month_of(_MONTHS)),
    TimeRule("ar_last_week", _P + r"(?:(?:في|خلال)\s+)?(?:ال)?أسبوع\s+(?:ال)?ماضي(?!\w)", _last_week),
    TimeRule("ar_this_week", _P + r"(?:مطلع|بداية|أوائل)\s+(?:هذا\s+)?(?:ال)?أسبوع(?:\s+(?:ال)?(?:حالي|جاري))?(?!\w)",
             _earlier_this_week),
    TimeRule("ar_days_ago", _P + rf"قبل\s+(?P<n>{_alternation(k for k in _DAYS_AGO if not k.isascii())})(?!\w)",
             _days_ago),
    TimeRule("ar_later", _P + r"(?:في\s+وقت\s+لاحق|بعد\s+(?:ساعات|ساعة|ساعتين|دقائق|وقت قصير)|لاحقا)(?!\w)",
             _same_day, chained=True),
    TimeRule("ar_next_day", _P + _PART_AR + r"(?:في\s+)?(?:ال)?يوم\s+(?:ال)?تالي(?!\w)", _next_day, chained=True),
    TimeRule("en_day_before", r"\bthe day before yesterday\b", _days_back(2)),
    TimeRule("en_last_night", r"\b(?:last night|overnight)\b", _days_back(1, "night")),
    TimeRule("en_yesterday", r"\b(?:(?:at\s+)?(?P<part>dawn|morning|afternoon|evening)\s+)?yesterday"
                             r"(?:\s+(?P<part2>morning|afternoon|evening|night))?\b",
             lambda m, base: When(base - timedelta(days=1), part=m["part"] or m["part2"] or "")),
    TimeRule("en_today", r"\b(?:today|this (?P<part>morning|afternoon|evening)|(?P<tonight>tonight))\b",
             lambda m, base: When(base, part=m["part"] or ("night" if m["tonight"] else ""))),
    TimeRule("en_date", rf"\b(?:on\s+)?(?P<month>{_alternation(_MONTHS_EN)})\.?\s+(?P<dom>\d{{1,2}})(?:st|nd|rd|th)?"
                        r"(?:,?\s+(?P<year>\d{4}))?\b", _date_en),
    TimeRule("en_date_dm", rf"\b(?:on\s+)?(?P<dom>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_alternation(_MONTHS_EN)})\b\.?"
                           r"(?:,?\s+(?P<year>\d{4}))?\b", _date_en),
    TimeRule("en_month", rf"\b(?:in|during)\s+(?:early\s+|late\s+|mid-?)?(?P<month>{_alternation(_MONTHS_EN)})\b"
                         r"(?:\s+(?P<year>\d{4}))?", _month_of(_MONTHS_EN)),
    TimeRule("en_night_between", rf"\b(?:overnight|(?:on )?the night of)\s+(?:from\s+)?(?P<day>{_alternation(_DAYS_EN)})"
                                 rf"\s+(?:to|into|-)\s+(?:{_alternation(_DAYS_EN)})\b", _night_between(_DAYS_EN)),
    TimeRule("en_weekday", rf"\b(?:(?:early|late)\s+(?:on\s+)?|(?:at\s+)?(?P<part>{_PARTS_EN})\s+on\s+|on\s+)?"
                           rf"(?:(?P<last>last|previous)\s+)?(?P<day>{_alternation(_DAYS_EN)})(?:'s)?(?:\s+(?P<part2>{_PARTS_EN}))?\b", _weekday_en),
    TimeRule("en_last_week", r"\blast week\b", _last_week),
    TimeRule("en_this_week", r"\b(?:earlier|early) this week\b", _earlier_this_week),
    TimeRule("en_days_ago", rf"\b(?P<n>{_alternation(k for k in _DAYS_AGO if k.isascii())}) days ago\b", _days_ago),
    TimeRule("en_later", rf"\b(?:(?:hours|minutes|moments) later|later (?:that|the same) (?:day|(?P<part>{_PARTS_EN}))"
                         r"|later in the day|shortly afterwards?)\b", _same_day, chained=True),
    TimeRule("en_next_day", rf"\bthe (?:next|following) (?P<part>day|{_PARTS_EN})\b", _next_day, chained=True),
)
_RULES_BY_NAME = {rule.name: rule for rule in TIME_RULES}
if len(_RULES_BY_NAME) != len(TIME_RULES):
    raise RuntimeError("mapper.extract: two time rules share a name")
# "منذ السابع عشر من أكتوبر", "since October": a period's start, not the day of an event.
_SINCE = _compile(r"(?:منذ|حتى|لغاية)\s*$", r"\b(?:since|until|till)\s*$")


def find_times(text: str, published: date) -> list[TimeRef]:
    """The time expressions of a text, resolved against the publication date (`TIME_RULES`).

    Relative days (اليوم، أمس، أول أمس، "yesterday", "last night"), parts of the day (فجر، مساء,
    "at dawn"), day names (the most recent such day before publication), explicit dates (the
    publication's year, or the one before when that would be after publication), weeks ("last
    week", "قبل يومين": week precision) and chained times ("hours later": the day of the time
    expression before, else publication). Expressions after "منذ"/"since" start a period and
    are left out.

    >>> [(t.date, t.time) for t in find_times("مساء أمس وأول أمس", date(2024, 1, 3))]
    [('2024-01-02', 'evening'), ('2024-01-01', '')]
    """
    refs = _times(fold_with_offsets(text), text, published)
    out, base = [], When(published)
    for ref in refs:
        if ref.chained:
            ref = _rebase(ref, base)
        out.append(ref)
        base = _when_of(ref.date, ref.precision)
    return out


def _times(view: FoldedText, text: str, published: date) -> list[TimeRef]:
    s = view.folded
    found: list[tuple[int, int, TimeRule, When]] = []
    for rule in TIME_RULES:
        for m in rule.regex.finditer(s):
            if _SINCE.search(s[max(0, m.start() - THRESHOLDS.since_reach):m.start()]):
                continue
            when = rule.resolve(m, published)
            if when is not None:
                found.append((m.start(), m.end(), rule, when))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    refs, taken = [], -1
    for start, end, rule, when in found:
        if start < taken:
            continue
        a, b = view.span(start, end)
        refs.append(TimeRef(a, b, text[a:b].strip(), when.iso(), when.precision, when.part,
                            rule=rule.name, chained=rule.chained))
        taken = end
    return refs


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2}


def _when_of(iso: str, precision: str) -> When:
    """A draft's or a TimeRef's date as a `When`."""
    return When(date.fromisoformat(iso + ("-01" if precision == "month" else "")), precision)


def _rebase(ref: TimeRef, base: When) -> TimeRef:
    """A chained expression resolved against the day of the event before it, as precise as that."""
    rule = _RULES_BY_NAME[ref.rule]
    m = rule.regex.search(_fold(ref.text))
    when = rule.resolve(m, base.day) if m else None
    if when is None:
        return replace(ref, date=base.iso(), precision=base.precision)
    precision = max(when.precision, base.precision, key=_PRECISION_RANK.__getitem__)
    when = replace(when, precision=precision)
    return replace(ref, date=when.iso(), precision=precision, time=when.part)


# --- the text's structure: paragraphs, sentences, clauses ---------------------------------------

_SENTENCE_END = re.compile(r"[.!?؟]+[\"'”»)]*(?=\s|$)")
_ABBREVIATIONS = frozenset("u.s us mr mrs dr st gen col lt maj jan feb mar apr jun jul aug sep sept "
                           "oct nov dec no vs etc e.g i.e".split())
_WORD_BEFORE_DOT = re.compile(r"([\w.]+)[.]$")
_ABBREVIATION_REACH = 2 + max(map(len, _ABBREVIATIONS))
_CLAUSE_BREAK = re.compile(r"،|؛|[,;:](?=\s)")
# A clause that opens with "shortly before/after" is about another event, told for its time.
_CONNECTIVE = _compile(r"(?<!\w)و?(?:قبيل|بعيد|عقب|إثر)(?!\w)",
                       r"\b(?:shortly|hours|minutes|moments|days|soon|just|a day|two days)\s+(?:after|before)\b")
# "فيما", "في حين", "while": the clause after them tells another event.
_CONJUNCTION = _compile(r"(?<!\w)(?:فيما|في حين|بينما)(?!\w)", r"\b(?:while|whereas)\b")
_AFTER_WORDS = _compile(r"^و?(?:بعيد|عقب|إثر)", r"^\S+\s+after")   # this clause happened before the main one
_TOTALS = _compile(r"(?:أكثر من|نحو|حوالي|قرابة|ما يزيد عن|ما لا يقل عن)?\s*\d+\s+(?:هجوما|هجوم|هجمات|ضربة|غارة|استهداف)\S*.{0,80}منذ",
                   r"\b(?:more than|over|at least|nearly|some)?\s*\d+\s+(?:attacks|strikes|incidents)\b.{0,80}\bsince\b")
_PATROL = _compile(_AR + r"(?:دورية|دوريات)" + _END, r"\bpatrols?\b")
_FLIGHT = _compile(_AR + r"تحليق" + _END, r"\b(?:fl(?:ying|ew|ights?) over|overflights?|reconnaissance flights?)\b")
_FOREIGN = _compile(_AR + r"(?:غزة|قطاع غزة)" + _END, r"\bgaza\b")
# A span of time, not an event: "over the past year", "in recent years", "خلال الأشهر الماضية".
_PERIOD = _compile(r"(?:خلال|على مدى|في)\s+(?:ال)?(?:أشهر|أسابيع|سنوات|أعوام|عام|سنة)\s+(?:ال)?(?:ماضية|أخيرة|ماضي|فائت)",
                   r"\b(?:over|during|in|throughout) the (?:past|last) (?:year|years|months|weeks|decade)\b",
                   r"\bin recent (?:years|months|weeks)\b")
_ANAPHORA = _compile(_AR.replace("(?:ال|ل)?", "ال") + r"(?:قصف|غارة|غارات|ضربة|ضربات|استهداف|هجوم|هجمات|عملية|انفجار)" + _END,
                     r"\b(?:the|both|these|those|this|that) (?:strikes?|attacks?|raids?|shelling|bombardment|bombing|blast|explosions?)\b",
                     r"^\s*و?كما(?!\w)", r"\balso\b")
# A sentence that goes on with the story told before it: its events share that event's day.
_GOES_ON = _compile(r"^\W*(?:و?كما|في حين|فيما|بينما|وفي السياق ذاته|وفي سياق متصل)(?!\w)", r"\balso\b")
_INSTRUMENTAL = _compile(r"^ب")
_INSTRUMENTAL_BEFORE = _compile(r"(?:عبر|بواسطة|من خلال|باستخدام)\s+$", r"\b(?:with|by|using)\s+(?:\w+\s+)?$")
# Words that say an attack happened without saying with what ("استهداف", "attacked"): they make a
# clause an event, and its type comes from the event vocabulary elsewhere in its sentence, from
# the event before ("another strike"), or is "other". Event types live in mapper.vocabulary only.
_EVENT_NOUN = _compile(_AR_NO_ARTICLE + r"(?:استهداف|استهدف|استهدفت|استهدفوا|قصف|قصفت|قصفوا|هجوم|هجمات|هاجم|هاجمت"
                       r"|هاجموا|اغتيال|اغتال|اغتالت|اغتالوا|ضربة|ضربات)" + _END,
                       r"\b(?:strikes?|attacks?|attacked|struck|targeted|targeting|raids?|assassinated|assassination"
                       r"|gunned down|shot dead|ambush(?:ed)?)\b")
# The same words with the article or a demonstrative: they point back at an event told before.
_EVENT_AGAIN = _compile(_AR.replace("(?:ال|ل)?", "ال") + r"(?:استهداف|قصف|هجوم|هجمات|ضربة|ضربات|عملية|انفجار|استهدافات)" + _END,
                        r"\b(?:the|both|these|those|this|that) (?:strikes?|attacks?|raids?|shelling|bombardment|bombing"
                        r"|blast|explosions?)\b")
# "went on strike", "a heart attack": not attacks.
_NOT_AN_ATTACK = _compile(r"\b(?:on|general|hunger|labou?r|workers'?|heart|cyber|panic|asthma)\s+$")
_ANOTHER = _compile(_AR + r"(?:ثانية|أخرى|جديدة|جديد|ثان)" + _END, r"\b(?:another|second|separate|new|further)\b")
_SPEECH = _compile(_AR + r"(?:قال|قالت|أفاد|أفادت|أعلن|أعلنت|ذكر|ذكرت|أكد|أكدت|صرح|أوضح|أشار|أشارت)" + _END,
                   r"\b(?:said|says|told|reported|announced|stated|added|confirmed)\b")
_SPEECH_BEFORE = _compile(r"\b(?:said|told|reported|announced|stated|added|confirmed)\s+(?:\w+\s+)?(?:on\s+)?$")


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
        # The word before a full stop, read no further back than the longest abbreviation could
        # be: a longer word is none either way.
        word = _WORD_BEFORE_DOT.search(text, max(begin, m.start() + 1 - _ABBREVIATION_REACH),
                                       m.start() + 1) if text[m.start()] == "." else None
        if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end:
        spans.append((begin, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _clause_spans(text: str, view: FoldedText, start: int, end: int,
                  filed: Sequence[int] = ()) -> list[tuple[int, int]]:
    """The clauses of a sentence; `filed`, the sorted ends of datelines, cut there too."""
    cuts = {start, end, *filed[bisect.bisect_right(filed, start):bisect.bisect_left(filed, end)]}
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        cuts.add(m.end())
    a, b = view.from_text(start), view.from_text(end)
    for pattern in (_CONNECTIVE, _CONJUNCTION):
        for m in pattern.finditer(view.folded, a, b):
            cuts.add(view.to_text(m.start()))
    ordered = sorted(cuts)
    return [(x, y) for x, y in zip(ordered, ordered[1:]) if text[x:y].strip(" \t،,;:؛\"'")]


# --- place roles ----------------------------------------------------------------------------------

# Read on the folded text just before a name (THRESHOLDS.role_reach characters).
_REFERENCE_BEFORE = _compile(
    r"(?:إلى\s+)?(?:ال)?(?:غرب|شرق|شمال|جنوب)(?:ي|ا)?(?:\s+(?:ال)?(?:غرب|شرق)(?:ي|ا)?)?\s+(?:(?:مدينة|بلدة)\s+)?$",
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+(?:the\s+)?"
    r"(?:(?:city|town|village)\s+of\s+)?$",
    r"\bkm\s+(?:\(\S+\s+miles\)\s+)?(?:\w+\s+)?(?:of|from)\s+(?:the\s+)?$")
_NEAR_BEFORE = _compile(r"(?:قرب|بالقرب من|محيط|أطراف|ضواحي)\s+(?:\S+\s+)?$",
                        r"\b(?:near|outside|close to|around|outskirts of|vicinity of)\s+(?:the\s+)?(?:\w+\s+(?:of\s+)?)?$")
_SOURCE_BEFORE = _compile(
    r"(?:مصدر|مصادر|مسؤول|مسؤولون|ناشط|ناشطون|نشطاء|مراسل|شهود|سكان|أهالي|مكتب|قيادة|شرطة|خلية|مديرية)"
    r"(?:\s+\S+){0,2}\s+(?:في|من)\s+$",
    r"\b(?:officials?|sources?|residents?|activists?|witnesses|correspondents?|reporters?|police|authorities"
    r"|spokes(?:man|woman|person)|medics?|doctors?|governor|mayor|monitor)\s+(?:\w+\s+){0,2}(?:in|from)\s+(?:the\s+)?$")
# Where the attack came from or went: "انطلقا من منطقة قريبة من X", "fired from the direction of
# X", "ينسحب المهاجمون باتجاه X".
_ROUTE_BEFORE = _compile(r"(?:انطلق\S*|أطلق\S*|مصدره\S*)\s+من(?:\s+\S+){0,3}\s+$", r"من\s+اتجاه(?:\s+\S+){0,2}\s+$",
                         r"(?:باتجاه|نحو)\s+(?:\S+\s+)?$",
                         r"\b(?:fired|launched|came)\s+from\s+(?:the\s+)?(?:(?:area|vicinity|outskirts|direction|side)\s+"
                         r"(?:of\s+)?(?:the\s+)?)?(?:\w+\s+)?$",
                         r"\bfrom the direction of\s+(?:\S+\s+){0,2}$", r"\b(?:towards?|fled to)\s+(?:the\s+)?$")
_POSSESSIVE = re.compile(r"^['’]s\b|['’]s$")
# A name that is part of a body's name: "Kurdistan Regional Government", "حكومة إقليم كردستان".
_BODY_AFTER = _compile(r"\s*(?:regional\s+)?(?:government|ministry|authorities|council|administration|governorate council"
                       r"|health directorate|police|security forces|military council)\b", r"\s+(?:ال)?(?:عسكري|المدني)(?!\w)")
_BODY_BEFORE = _compile(r"(?:حكومة|وزارة|مجلس|إدارة|محافظ|مديرية|قيادة عمليات|شرطة)\s+$")
_BODY_NAME = re.compile(r"\b(?:government|ministry|council)$", re.IGNORECASE)
_ROAD_BEFORE = _compile(
    r"(?:ال)?(?:طريق|أوتوستراد|اوتستراد|أتوستراد)(?:\s+(?:ال)?(?:واصل|رابط|دولي|سريع|عام|بري))?(?:\s+(?:بين|من))?"
    r"(?:\s+(?:مدينتي|بلدتي|قريتي|مدينة|بلدة|قرية))?\s+$",
    r"\b(?:road|highway|route)\s+(?:between|from|linking|connecting)\s+(?:the\s+)?(?:(?:towns?|cities|villages?)\s+of\s+)?$")
# "the Damascus-Beirut highway": a road named by its ends
_ROAD_AFTER = re.compile(r"\s*[-–—]\s*[\w'-]+(?:\s[\w'-]+)?\s+(?:highway|road|motorway|expressway)\b", re.IGNORECASE)
_ROAD_LINK = re.compile(r"^\s*(?:و|and|to|[-–—])\s*$")
# Between a name and the next: "قاعدة حرير في أربيل", "Kafr Sousa neighborhood of Damascus": the
# second only says where the first is.
_LOCATOR_LINK = _compile(
    r"^\s*(?:(?:في|داخل|ضمن|من)\s+)?(?:(?:ال)?(?:منطقة|محافظة|مدينة|بلدة|ريف|قضاء|ناحية|حي)\s+)?$",
    r"^\s*(?:(?:neighbou?rhood|district|area|suburb|town|city|village|base|camp|province|governorate"
    r"|countryside|region)\s+)?(?:of|in|at|inside)?\s*(?:the\s+)?$")


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    text: str
    place: Place
    ambiguous: bool
    role: str = "target"           # target, reference ("غربي حلب"), dateline, source ("مصدر في X"),
                                   # route ("fired from X", "باتجاه X"), locator ("قاعدة حرير في أربيل")
    near: bool = False             # "near X", "محيط X": around the place, not in it
    road: bool = False             # the midpoint of "the road between A and B"


def _role(view: FoldedText, mention) -> tuple[str, bool]:
    """(role, near) of a geoparsed mention, from the words right before and after it."""
    if mention.role == "dateline":
        return "dateline", False
    at = view.from_text(mention.start)
    before = view.folded[max(0, at - THRESHOLDS.role_reach):at]
    after = view.folded[view.from_text(mention.end):view.from_text(mention.end) + 3]

    if _POSSESSIVE.search(mention.text) or _POSSESSIVE.match(after) or _BODY_AFTER.match(
            view.folded, view.from_text(mention.end)) or _BODY_BEFORE.search(before) or _BODY_NAME.search(mention.text):
        return "source", False   # "Syria's defence ministry", "مجلس منبج العسكري": who speaks, not where
    if _SOURCE_BEFORE.search(before):
        return "source", False
    if _ROUTE_BEFORE.search(before):
        return "route", False
    if _REFERENCE_BEFORE.search(before):
        return "reference", False
    return "target", bool(_NEAR_BEFORE.search(before))


def _road(a: _Mention, b: _Mention, start: int, text: str) -> _Mention:
    """"The road between A and B" as one place: their midpoint, with half their distance (and a
    margin) as radius."""
    pa, pb = a.place, b.place
    km = distance_km(pa.lat, pa.lon, pb.lat, pb.lon)
    place = Place(f"road:{pa.id}+{pb.id}", f"road between {pa.name} and {pb.name}",
                  (pa.lat + pb.lat) / 2, (pa.lon + pb.lon) / 2, "region", feature="road",
                  country=pa.country if pa.country == pb.country else "",
                  admin1=pa.admin1 if pa.admin1 == pb.admin1 else "",
                  radius_km=round(km / 2 + THRESHOLDS.road_margin_km, 1),
                  source=f"midpoint of {pa.id} and {pb.id}")
    return _Mention(start, b.end, _quotes(text[start:b.end]), place, a.ambiguous or b.ambiguous, road=True)


def _eligible(place: Place, allowed: frozenset[str] | set[str]) -> bool:
    if place.kind not in _SPECIFICITY:
        return False
    return place.country in allowed or (place.kind == "site" and place.curated) or place.feature == "road"


def _coarser(a: Place, b: Place) -> bool:
    """True when `b` is at least as large a place as `a`."""
    return _SPECIFICITY.get(b.kind, 0) < _SPECIFICITY.get(a.kind, 0) or b.radius_km >= a.radius_km


def _places(text: str, view: FoldedText, named: list[_Mention], allowed) -> list[_Mention]:
    """The places a clause's event may be at, from its mentions in order: roads joined, locators
    and landmarks set aside (a landmark is kept when the clause names nothing else), the most
    specific of nested places kept."""
    named = [m for m in named if m.role in ("target", "reference")]
    joined: list[_Mention] = []
    k = 0
    while k < len(named):
        a = named[k]
        b = named[k + 1] if k + 1 < len(named) else None
        at = view.from_text(a.start)
        lead = max(0, at - THRESHOLDS.role_reach)
        road = _ROAD_BEFORE.search(view.folded[lead:at])
        if road is None and not _ROAD_AFTER.match(text, a.end):
            if _eligible(a.place, allowed):
                joined.append(a)
            k += 1
            continue
        paired = b is not None and bool(_ROAD_LINK.match(text[a.end:b.start]))
        ends = (a, b) if paired and b is not None else (a,)
        k += len(ends)
        if any(m.near and m.role == "target" for m in named[k:]):
            continue   # "أوتوستراد دمشق – عمان قرب بلدة خربة غزالة": the road's name; the town is the point
        if all(_eligible(m.place, allowed) for m in ends):
            start = view.to_text(lead + road.start()) if road else a.start
            joined.append(_road(a, ends[1], start, text) if len(ends) == 2 else replace(a, near=True))
        # a road to a place abroad ("the Damascus-Beirut highway") names no point on it
    for k in range(1, len(joined)):
        a, b = joined[k - 1], joined[k]
        link = view.folded[view.from_text(a.end):view.from_text(b.start)]
        if _LOCATOR_LINK.match(link) and _coarser(a.place, b.place):
            joined[k] = replace(b, role="locator")
    places = [m for m in joined if m.role != "locator"]
    if any(m.role == "target" for m in places):
        places = [m for m in places if m.role == "target"]
    return _most_specific(places)


def _most_specific(places: list[_Mention]) -> list[_Mention]:
    """Drop a governorate or region that contains a more specific place of the same clause
    ("قاعدة الشدادي بريف الحسكة" is the base), and a town next to a named site in it."""
    kept: list[_Mention] = []
    for m in places:
        rank = _SPECIFICITY[m.place.kind]
        inside = any((_SPECIFICITY[o.place.kind] > rank or o.place.radius_km < m.place.radius_km)
                     and _contains(m.place, o.place) for o in places if o is not m)
        next_to_site = m.place.kind == "settlement" and any(
            o.place.kind == "site" and distance_km(o.place.lat, o.place.lon, m.place.lat, m.place.lon)
            <= THRESHOLDS.site_town_km for o in places)
        if rank <= 3 and inside or next_to_site:
            continue
        if any(k.place.id == m.place.id for k in kept):
            continue
        kept.append(m)
    return kept


def _contains(area: Place, place: Place) -> bool:
    """True when `place` lies in `area` (a governorate, district or region)."""
    if area.kind not in _AREAS or area.feature == "road":
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
    if a.kind in _AREAS or b.kind in _AREAS:
        return False
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= max(min(a.radius_km, b.radius_km), THRESHOLDS.same_place_km)


# --- phase 1: attach words to clauses ------------------------------------------------------------

# What a sentence with no attack, time or place of its own can still tell of the events around
# it (`_Filler._claim`, `_Filler._details`): who claimed them, and their toll.
_TELLING = AnyOf(_CLAIM, _TOLL_NONE, *_TRIGGERS.values(), *(p for pair in _TOLL_NOUNS.values() for p in pair))

@dataclass(frozen=True, slots=True)
class _Generic:
    """A typeless event word ("استهداف", "a separate strike"); `again` when it points back."""

    start: int
    end: int
    again: bool


@dataclass(frozen=True, slots=True)
class _Clause:
    start: int                     # offsets in the text
    end: int
    sentence: int                  # only ever compared (equal, before, next to): `_attach`
                                   # counts a paragraph it skips as one sentence
    paragraph: int
    events: tuple[EventWord, ...]  # attack words of the event vocabulary
    generic: tuple[_Generic, ...]  # typeless event words
    times: tuple[TimeRef, ...]
    speech: tuple[bool, ...]       # per time: it dates the telling ("said on Thursday"), not the event
    places: tuple[_Mention, ...]   # where its event may be, the most specific kept
    named: tuple[_Mention, ...]    # every place named, any role (anchors and repeats)
    closed: bool = False           # "قبيل استهداف قاعدة حقل العمر": about another event's time
    context: bool = False          # totals, patrols, Gaza, "over the past year": nothing here is an incident
    before_main: bool = False      # opens with "بعيد"/"after": happened before the clause it follows

    @property
    def targets(self) -> tuple[_Mention, ...]:
        return tuple(m for m in self.places if m.role == "target")

    @property
    def new_events(self) -> bool:
        """True when the clause tells an event of its own (an attack word, or "استهداف" unqualified)."""
        return bool(self.events) or any(not g.again for g in self.generic)


class _Words:
    """A text's words of one kind, sorted by offset: those in a span by bisection."""

    def __init__(self, items: Sequence) -> None:
        self.items = sorted(items, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]

    def within(self, start: int, end: int) -> list:
        return self.items[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]


def _attach(text: str, view: FoldedText, published: date, mentions: Sequence, allowed) -> list[_Clause]:
    """Phase 1: the clauses of the text, each with its words (linear in the text's length: every
    word is found once and given to its clause by bisection)."""
    events = _Words(events_of(view))
    times = _Words(_times(view, text, published))
    generic = _Words(_generic_words(view, events))
    paragraphs = _paragraphs(text)
    named = _Words(_trusted(text, paragraphs, times, [
        _Mention(m.start, m.end, _as_written(m.text), m.match.place, m.match.ambiguous, *_role(view, m))
        for m in mentions if m.match is not None], {id(m.match.place): m.match.score for m in mentions if m.match}))
    filed = _dateline_ends(text, named.items)
    filed_set = set(filed)
    titles = _titles(text, paragraphs)
    words = _Words([*events.items, *generic.items, *times.items, *named.items])
    clauses: list[_Clause] = []
    sentence = 0
    for paragraph, (p_start, p_end) in enumerate(paragraphs):
        if _inert(view, p_start, p_end, words):
            sentence += 1   # sentence numbers are only compared: a quiet paragraph counts as one
            continue
        for s_start, s_end in _sentences(text, p_start, p_end):
            if _inert(view, s_start, s_end, words):
                sentence += 1
                continue
            for c_start, c_end in _clause_spans(text, view, s_start, s_end, filed):
                clause = _clause(text, view, c_start, c_end, sentence, paragraph, events, generic,
                                 times, named, allowed)
                if paragraph < titles:   # a headline or caption restates the story told below
                    clause = replace(clause, events=(), generic=(), context=True)
                if c_end in filed_set:   # "ERBIL, Iraq, Jan 10 (Reuters) -": when and where it was filed
                    clause = replace(clause, speech=(True,) * len(clause.times))
                clauses.append(clause)
            sentence += 1
    return _drop_appositions(text, _speech_times(view, clauses))


def _inert(view: FoldedText, start: int, end: int, *words: _Words) -> bool:
    """True for a sentence (or a paragraph) that can change no draft, so that its clauses need
    not be made (most sentences of a report): it holds no word of `words` (attack words, times,
    places), so only a claim or a toll could tell something of the events around it, and it
    holds none of the words those patterns need."""
    if any(w.within(start, end) for w in words):
        return False
    folded = view.folded[view.from_text(start):view.from_text(end)]
    return not _TELLING.may_match(folded)


def _trusted(text: str, paragraphs: list[tuple[int, int]], times: _Words, mentions: list[_Mention],
             scores: dict[int, float]) -> list[_Mention]:
    """The mentions that may be places of the story: not a date read as a name ("7 نيسان" is also
    a village), and not a weak match far from every place its paragraph names with confidence
    ("معبر السكك" in a report on Albu Kamal is no hamlet 300 km away in Anbar)."""
    out = [m for m in mentions if not any(t.start < m.end and m.start < t.end for t in times.within(m.start - 40, m.end))]
    starts = [a for a, _ in paragraphs]
    by_paragraph: dict[int, list[_Mention]] = {}
    for m in out:
        by_paragraph.setdefault(bisect.bisect_right(starts, m.start), []).append(m)
    kept = []
    for group in by_paragraph.values():
        sure = [m.place for m in group if scores.get(id(m.place), 1.0) >= THRESHOLDS.sure_place_score]
        for m in group:
            weak = scores.get(id(m.place), 1.0) < THRESHOLDS.weak_place_score
            if weak and sure and all(distance_km(m.place.lat, m.place.lon, p.lat, p.lon) > THRESHOLDS.far_km
                                     for p in sure):
                continue
            kept.append(m)
    return kept


_ENDS_SENTENCE = re.compile(r"[.!?؟:\"”»]\s*$")


def _titles(text: str, paragraphs: list[tuple[int, int]]) -> int:
    """How many paragraphs open the text as title lines (a headline, a date, a caption): short,
    with no full stop, before the first paragraph that ends like a sentence; 0 if none does."""
    for k, (a, b) in enumerate(paragraphs):
        if _ENDS_SENTENCE.search(text[a:b]) or len(text[a:b].split()) > THRESHOLDS.title_words:
            return k if _ENDS_SENTENCE.search(text[a:b]) else 0
    return 0


_DATELINE_DASH = re.compile(r"\s[-–—]+(?=\s)|(?<=\))\s*[-–—]+|[-–—]\s")


def _dateline_ends(text: str, named: Sequence[_Mention]) -> list[int]:
    """The offsets where datelines end, sorted: the dash after a name geoparse marked a dateline."""
    ends = set()
    for m in named:
        if m.role == "dateline":
            dash = _DATELINE_DASH.search(text, m.end, m.end + 80)
            if dash is not None and "\n" not in text[m.end:dash.start()]:
                ends.add(dash.end())
    return sorted(ends)


def _generic_words(view: FoldedText, events: _Words) -> list[_Generic]:
    """The typeless event words that no attack word of the vocabulary covers."""
    found: list[_Generic] = []
    again = [(m.start(), m.end()) for m in _EVENT_AGAIN.finditer(view.folded)]
    covered = {i for a, b in again for i in range(a, b)}
    spans = [(a, b, True) for a, b in again]
    spans += [(m.start(), m.end(), False) for m in _EVENT_NOUN.finditer(view.folded) if m.start() not in covered]
    for a, b, is_again in sorted(spans):
        if _NOT_AN_ATTACK.search(view.folded, max(0, a - 12), a):
            continue
        start, end = view.span(a, b)
        if not any(e.start < end and start < e.end for e in events.within(start - 60, end)):
            found.append(_Generic(start, end, is_again))
    return found


def _clause(text: str, view: FoldedText, start: int, end: int, sentence: int, paragraph: int,
            events: _Words, generic: _Words, times: _Words, named: _Words, allowed) -> _Clause:
    folded = view.folded[view.from_text(start):view.from_text(end)]
    own_events = tuple(events.within(start, end))
    # A patrol or a flight is context ("سيّرت القوات الأميركية دوريات", "وسط تحليق لطيران
    # الاستطلاع فوق ...") unless something struck.
    context = bool(_TOTALS.search(folded) or ((_PATROL.search(folded) or _FLIGHT.search(folded)) and not own_events)
                   or _FOREIGN.search(folded) or _PERIOD.search(folded))
    own_times = tuple(times.within(start, end))
    mentions = named.within(start, end)
    opens = folded.lstrip(" \"'«")
    connective = bool(_CONNECTIVE.match(opens))
    speech = tuple(bool(_SPEECH_BEFORE.search(
        view.folded[max(0, view.from_text(t.start) - THRESHOLDS.speech_reach):view.from_text(t.start)])) for t in own_times)
    return _Clause(start, end, sentence, paragraph, () if context else own_events,
                   () if context else tuple(generic.within(start, end)), own_times, speech,
                   tuple(_places(text, view, mentions, allowed)), tuple(mentions),
                   closed=connective and not own_events, context=context,
                   before_main=connective and bool(_AFTER_WORDS.search(opens)))


def _speech_times(view: FoldedText, clauses: list[_Clause]) -> list[_Clause]:
    """Mark the times that date the telling: a time standing alone after "أفاد مصدر"/"said"
    ("أفاد مصدر أمني، الثلاثاء، بتعرض ...")."""
    out = []
    for k, c in enumerate(clauses):
        if c.times:
            prev = clauses[k - 1] if k and clauses[k - 1].sentence == c.sentence else None
            folded = view.folded[view.from_text(c.start):view.from_text(c.end)]
            rest = folded
            for t in c.times:
                rest = rest.replace(_fold(t.text), "")
            alone = not _TOKEN.search(rest)
            said = prev is not None and bool(_SPEECH.search(view.folded[view.from_text(prev.start):view.from_text(prev.end)]))
            c = replace(c, speech=tuple(s or (alone and said) for s in c.speech))
        out.append(c)
    return out


def _drop_appositions(text: str, clauses: list[_Clause]) -> list[_Clause]:
    """", south of Baghdad," right after a clause that names its place: the landmark of that
    place, not the place of an event."""
    out: list[_Clause] = []
    for c in clauses:
        prev = out[-1] if out else None
        if (prev is not None and prev.sentence == c.sentence and prev.targets and c.places
                and all(m.role == "reference" for m in c.places) and not c.new_events
                and len(_TOKEN.findall(text[c.start:c.places[0].start])) <= THRESHOLDS.apposition_words):
            c = replace(c, places=())
        out.append(c)
    return out


# --- phase 2: fill each event's fields from the clauses of its event ------------------------------

@dataclass(frozen=True, slots=True)
class _Flags:
    """What a draft's fields rest on; they become its notes only on output (`_notes`)."""

    claimed: bool = False          # the actor is a claimant
    date_source: str = "stated"    # stated, speech, chained, anchored, preceded, previous, paragraph,
                                   # place, publication (see _DATE_NOTES)
    date_from: str = ""            # the place or words the date was taken from
    place_role: str = "target"     # target; reference (only a landmark was named); road; again
                                   # ("the field": a place named before, by its kind)
    place_words: str = ""          # the landmark or road as written
    ambiguous: bool = False
    typed: bool = True             # the type was read from an attack word, not assumed
    toll_shared: str = ""          # a toll the text gives for several places at once
    narrowed_from: str = ""        # a later sentence named the place more precisely
    continues: str = ""            # a later sentence added a place to the report at this one
    city: str = ""                 # an interception over this city, counted at the base


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str                      # "event", or "continuation": a sentence going on about one
    draft: Incident
    place: Place
    flags: _Flags
    paragraph: int
    sentence: int


# A place named again by its kind: "the field", "the base", "القاعدة".
_PLACE_AGAIN = _compile(_AR.replace("(?:ال|ل)?", "ال") + r"(?:(?P<field_ar>حقل)|(?P<base_ar>قاعدة)|(?P<airport_ar>مطار)|(?P<dam_ar>سد))" + _END,
                        r"\bthe (?:(?:gas |oil )?(?P<field>field)|(?:air ?)?(?P<base>base|garrison)|(?P<airport>airport)"
                        r"|(?P<dam>dam))\b")
_PLACE_KINDS = {"field_ar": "field", "field": "field", "base_ar": "base", "base": "base",
                "airport_ar": "airport", "airport": "airport", "dam_ar": "dam", "dam": "dam"}
_FEATURE_KINDS = {"oil_field": "field", "gas_field": "field", "military_base": "base", "airbase": "base",
                  "airport": "airport", "dam": "dam"}


def _kind_of(c: _Candidate) -> str:
    """What kind of place a draft is at, as a text would name it again ("the field")."""
    kind = _FEATURE_KINDS.get(c.place.feature, "")
    if kind:
        return kind
    folded = _fold(c.draft.location)
    for word, kind in (("حقل", "field"), ("field", "field"), ("قاعده", "base"), ("base", "base"),
                       ("مطار", "airport"), ("airport", "airport")):
        if word in folded:
            return kind
    return ""


_SINGULAR_CLAIM = _compile(_AR.replace("(?:ال|ل)?", "ال") + r"(?:هجوم|استهداف|عملية|قصف|ضربة|غارة)" + _END,
                           r"\b(?:the|this|that) (?:attack|strike|raid|bombing|shelling)\b")
_DUAL_CLAIM = _compile(_AR + r"(?:الهجومين|العمليتين|الضربتين|الاستهدافين|كلا)" + _END, r"\bboth\b|\btwo attacks\b")
_AT_THE = _compile(r"(?:\bat|\bin|\bon) the ((?:[a-z-]+ ){0,2}[a-z-]+)")


class _Filler:
    """Phase 2: walks the sentences in order; the events found so far date chained times, take
    claims and tolls told after them, and type an event told without an attack word."""

    def __init__(self, text: str, view: FoldedText, published: date, source_url: str) -> None:
        self.text = text
        self.view = view
        self.published = published
        self.source_url = source_url
        self.found: list[_Candidate] = []
        self.chained: dict[int, TimeRef] = {}
        self.pending: tuple[int, _Toll] | None = None   # a toll told before its event, in a paragraph
        self.claimant = ""
        self.paragraph_times: list[tuple[int, TimeRef]] = []
        self.event_times: list[TimeRef] = []   # times told with an attack, placed or not

    def run(self, clauses: list[_Clause]) -> list[_Candidate]:
        by_sentence: dict[int, list[_Clause]] = {}
        for c in clauses:
            by_sentence.setdefault(c.sentence, []).append(c)
        for sentence in sorted(by_sentence):
            clauses = by_sentence[sentence]
            self._sentence(clauses)
            told = [(c.paragraph, t) for c in clauses if not c.context
                    for t, said in zip(c.times, c.speech) if not said]
            self.paragraph_times += told
            if any(c.new_events for c in clauses):
                self.event_times += [self._chain(t) if t.chained else t for _, t in told]
        return self.found

    def _folded(self, start: int, end: int) -> str:
        return self.view.folded[self.view.from_text(start):self.view.from_text(end)]

    # -- one sentence --

    def _sentence(self, clauses: list[_Clause]) -> None:
        if self.pending is not None and self.pending[0] != clauses[0].paragraph:
            self.pending = None
        anchors = self._anchors(clauses)
        claim = self._claim(clauses)
        live = [c for c in clauses if not (c.closed or c.context)]
        if not any(c.places for c in live):
            if claim is not None:
                self._claim_earlier(clauses, claim[1])
            self._details(live)
            return
        told = len(self.found)
        for i, clause in enumerate(clauses):
            if clause.closed or clause.context or not clause.places:
                continue
            for mention in clause.places:
                if self._repeats(clauses, i, mention):
                    continue
                j = self._event_clause(clauses, i)
                if j is None:
                    self._continuation(clauses, i, mention)
                    continue
                self._candidate(clauses, i, j, mention, anchors, claim)
        if len(self.found) == told:   # its places were landmarks of an event told elsewhere
            self._details(live)

    def _repeats(self, clauses: list[_Clause], i: int, mention: _Mention) -> bool:
        """"… ما أدى لإصابة مدنيين اثنين في البصيرة": a place of the sentence named again to say
        where the toll fell, not a new event."""
        if clauses[i].new_events:
            return False
        return any(_same_place(m.place, mention.place) for c in clauses[:i] for m in c.targets)

    def _event_clause(self, clauses: list[_Clause], i: int) -> int | None:
        """The clause whose event happened at a place of clause `i`: its own; else the next one
        with an attack word and no place of its own ("الرميلان، والمالكية، عبر طائرات مسيّرة"),
        passing clauses that only name places; else the one before ("ضربات جوية، كان أبرزها ...
        في السيدة زينب")."""
        if clauses[i].new_events:
            return i
        for j in range(i + 1, len(clauses)):
            c = clauses[j]
            if c.closed or c.context or (c.targets and c.new_events):
                break
            if c.events and not c.targets:
                return j
        for j in range(i - 1, -1, -1):
            c = clauses[j]
            if c.closed or c.context:
                break
            if c.new_events:
                return j
        return None

    def _head(self, clauses: list[_Clause], lo: int) -> int:
        """"قُتل مدني وأصيب ثلاثة آخرون، اليوم الخميس، جراء قصف …": the clauses that open a
        sentence before its first event tell that event's toll and time."""
        if any(c.places or c.new_events for c in clauses[:lo]):
            return lo
        while lo > 0 and not (clauses[lo - 1].closed or clauses[lo - 1].context):
            lo -= 1
        return lo

    def _tail(self, clauses: list[_Clause], hi: int, typed: bool) -> int:
        """The clauses after the event that go on about it (", killing two fighters", ", the group
        said"); one with an attack word goes on about it only when the event had none."""
        while hi + 1 < len(clauses):
            c = clauses[hi + 1]
            if c.closed or c.context or (c.places and not all(self._repeats(clauses, hi + 1, m) for m in c.places)):
                break
            if c.new_events and (typed or not c.events):
                break
            hi += 1
            typed = typed or bool(c.events)
        return hi

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

    def _type(self, clauses: list[_Clause], j: int, tail: int, mention: _Mention) -> tuple[str, EventWord | None, bool]:
        """(type, its word, read from a word) of the event of clause `j`."""
        if clauses[j].events:
            word = self._event_word(clauses[j], mention)
            return word.event_type, word, True
        for c in clauses[j + 1:tail + 1]:
            if c.events:
                return c.events[0].event_type, c.events[0], True
        for c in clauses[j + 1:]:   # "استهداف قاعدتي الرميلان، والمالكية، عبر طائرات مسيّرة"
            if c.closed or c.context or (c.targets and c.new_events):
                break
            if c.events and not c.targets:
                return c.events[0].event_type, c.events[0], True
        earlier = [e for c in clauses[:j] if not c.context for e in c.events]
        if earlier:
            return earlier[-1].event_type, earlier[-1], True
        folded = self._folded(clauses[j].start, clauses[j].end)
        again = any(g.again for g in clauses[j].generic) or _ANOTHER.search(folded)
        if again and self.found:
            before = self.found[-1]
            return before.draft.event_type, None, before.flags.typed
        return "other", None, False

    def _candidate(self, clauses: list[_Clause], i: int, j: int, mention: _Mention,
                   anchors: list[TimeRef], claim: tuple[int, str] | None) -> None:
        clause = clauses[i]
        lo = self._head(clauses, min(i, j))
        tail = self._tail(clauses, max(i, j), bool(clauses[j].events))
        event_type, word, typed = self._type(clauses, j, tail, mention)
        group = clauses[lo:tail + 1]
        group_text = self.text[group[0].start:group[-1].end]
        flags = _Flags(ambiguous=mention.ambiguous, typed=typed,
                       place_role="road" if mention.road else mention.role,
                       place_words=mention.text if mention.road or mention.role == "reference" else "")
        toll, shared = self._toll(clauses, lo, tail, mention)
        if shared:
            flags = replace(flags, toll_shared=shared)
        if not toll.stated and self.pending is not None:
            toll, self.pending = self.pending[1], None
        killed, wounded = toll.values()
        actor = find_actor(group_text)
        if claim is not None and claim[0] < mention.start:
            actor, flags = claim[1], replace(flags, claimed=True)
        outcome = find_outcome(group_text)
        if outcome == "unknown":
            outcome = self._sentence_outcome(clauses)
        count = None
        if word is not None:
            count = find_count(self.text[max(clauses[j].start, word.start - THRESHOLDS.count_reach):word.end])
        place = mention.place
        start, end = clauses[0].start, clauses[-1].end
        draft = Incident(
            id="", date=self.published.isoformat(), location=mention.text, lat=place.lat, lon=place.lon,
            place_id=place.id, place_name=place.name, event_type=event_type, actor=actor,
            target=find_target(group_text, place), outcome=outcome, fatalities=killed, injuries=wounded,
            count=count, country=place.country, admin1=place.admin1, source_url=self.source_url,
            evidence_start=start, evidence_end=end)
        draft = _trim_evidence(draft, self.text)
        draft, flags = self._date(draft, flags, clauses, i, lo, tail, anchors, mention)
        self.found.append(_Candidate("event", draft, place, flags, clause.paragraph, clause.sentence))

    # -- fields --

    def _toll(self, clauses: list[_Clause], lo: int, tail: int, mention: _Mention) -> tuple[_Toll, str]:
        """The toll of the event at `mention`: what its clauses state, where it falls on it. A
        clause naming one of the places again ("… في البصيرة") gives its toll to that place only;
        one that names a feature ("at the oil facility") to the place that feature was named
        with; a toll for several places at once goes to none of them (and is noted)."""
        sharing = [m for c in clauses[lo:tail + 1] for m in c.targets if not self._repeats(clauses, clauses.index(c), m)]
        toll, shared = _Toll(), ""
        for k in range(lo, tail + 1):
            c = clauses[k]
            stated = _toll(self._folded(c.start, c.end))
            if not stated.stated:
                continue
            repeated = [m for m in c.targets if self._repeats(clauses, k, m)]
            if repeated:
                if not any(_same_place(m.place, mention.place) for m in repeated):
                    continue
            elif len({m.place.id for m in sharing}) > 1:
                owner = self._toll_owner(c, sharing)
                if owner is None:
                    shared = f"toll stated for {', '.join(m.text for m in sharing)} together"
                    continue
                if owner.place.id != mention.place.id:
                    continue
            toll = toll.over(stated)
        return toll, shared

    def _toll_owner(self, clause: _Clause, sharing: list[_Mention]) -> _Mention | None:
        m = _AT_THE.search(self._folded(clause.start, clause.end))
        if m is None:
            return None
        words = m.group(1).split()[-2:]
        owners = [p for p in sharing
                  if all(w in self._folded(max(0, p.start - THRESHOLDS.role_reach), p.start) for w in words)]
        return owners[0] if len(owners) == 1 else None

    def _sentence_outcome(self, clauses: list[_Clause]) -> str:
        """An outcome said of the whole report ("أن المسيّرات والصواريخ أصابت الأهداف")."""
        outcomes = {find_outcome(self.text[c.start:c.end]) for c in clauses if not c.places and not c.context}
        outcomes.discard("unknown")
        return outcomes.pop() if len(outcomes) == 1 else "unknown"

    def _date(self, draft: Incident, flags: _Flags, clauses: list[_Clause], i: int, lo: int, tail: int,
              anchors: list[TimeRef], mention: _Mention) -> tuple[Incident, _Flags]:
        """The event's date: a time of its clauses, else one before it in the sentence (an
        anchor included), else one after it, else the day its source spoke; else the event told
        before it (when the sentence goes on about it), the same place's earlier report, or the
        publication date."""
        when, source = self._time(clauses, i, lo, tail, anchors, mention)
        if when is not None:
            if when.chained:
                when = self._chain(when)
                source, flags = "chained", replace(flags, date_from=when.note)
            elif when.note:
                source, flags = "anchored", replace(flags, date_from=when.note)
            draft = replace(draft, date=when.date, date_precision=when.precision, time=when.time)
            return draft, replace(flags, date_source=source)
        sentence = self._folded(clauses[0].start, clauses[-1].end)
        paragraph = clauses[i].paragraph
        if _ANAPHORA.search(sentence) or _GOES_ON.search(sentence):
            same = self.found[-1] if self.found and self.found[-1].paragraph == paragraph else None
            before = same or (self.found[-1] if self.found and _GOES_ON.search(sentence) else None)
            if before is not None:
                d = before.draft
                return (replace(draft, date=d.date, date_precision=d.date_precision),
                        replace(flags, date_source="previous", date_from=d.place_name))
            told = self.paragraph_times[-1][1] if self.paragraph_times and \
                self.paragraph_times[-1][0] == paragraph else None
            if told is not None:
                t = self._chain(told) if told.chained else told
                return (replace(draft, date=t.date, date_precision=t.precision, time=t.time),
                        replace(flags, date_source="paragraph", date_from=t.text))
        same_place = next((f for f in reversed(self.found) if _same_place(f.place, mention.place)), None)
        if same_place is not None:
            d = same_place.draft
            return (replace(draft, date=d.date, date_precision=d.date_precision),
                    replace(flags, date_source="place", date_from=d.place_name))
        return draft, replace(flags, date_source="publication")

    def _time(self, clauses: list[_Clause], i: int, lo: int, tail: int, anchors: list[TimeRef],
              mention: _Mention) -> tuple[TimeRef | None, str]:
        told = [(t, said) for c in clauses[lo:tail + 1] for t, said in zip(c.times, c.speech)]
        own = [t for t, said in told if not said]
        if own:
            return min(own, key=lambda t: abs(t.start - mention.start)), "stated"
        earlier = [t for c in clauses[:lo] if not c.context for t, said in zip(c.times, c.speech) if not said]
        earlier += [a for a in anchors if a.start < clauses[lo].start]
        if earlier:
            t = max(earlier, key=lambda t: t.start)
            if clauses[i].before_main:
                t = replace(t, time=f"before {t.time}" if t.time else "", note="")
                return t, "preceded"
            return t, "stated"
        later = [t for c in clauses[tail + 1:] if not c.context for t, said in zip(c.times, c.speech) if not said]
        if later:
            return later[0], "stated"
        said = [t for c in clauses if not c.context for t, s in zip(c.times, c.speech) if s]
        return (said[0], "speech") if said else (None, "")

    def _chain(self, ref: TimeRef) -> TimeRef:
        """"Hours later", "في وقت لاحق": the day of the event told before it (a draft, or an
        attack told with its day at no place we could draft: "the Damascus-Beirut highway")."""
        if ref.start not in self.chained:
            event = next((f for f in reversed(self.found)
                          if f.kind == "event" and f.draft.evidence_start < ref.start), None)
            told = next((t for t in reversed(self.event_times) if t.start < ref.start), None)
            if told is not None and (event is None or told.start > event.draft.evidence_start):
                base, source = _when_of(told.date, told.precision), f"\"{told.text}\""
            elif event is not None:
                base, source = _when_of(event.draft.date, event.draft.date_precision), event.draft.place_name
            else:
                base, source = When(self.published), "the publication"
            self.chained[ref.start] = replace(_rebase(ref, base), note=f"{source}, \"{ref.text}\"")
        return self.chained[ref.start]

    # -- claims --

    def _anchors(self, clauses: list[_Clause]) -> list[TimeRef]:
        """"قُبيل استهداف قاعدة حقل العمر": the date of the attack on that base, told earlier."""
        anchors = []
        for c in clauses:
            if not c.closed:
                continue
            for m in c.named:
                # The lead event at that place: the one the story tells the others against.
                earlier = next((f for f in self.found if _same_place(f.place, m.place)), None)
                if earlier is not None:
                    d = earlier.draft
                    anchors.append(TimeRef(c.start, c.end, self.text[c.start:c.end].strip(), d.date,
                                           d.date_precision, "", note=d.place_name))
                    break
        return anchors

    def _claim(self, clauses: list[_Clause]) -> tuple[int, str] | None:
        """(offset, actor) of "أعلنت المقاومة ... عن استهداف" / "X claimed": claims what follows."""
        for i, c in enumerate(clauses):
            folded = self._folded(c.start, c.end)
            if not _CLAIM.search(folded):
                continue
            actor = find_actor(self.text[c.start:clauses[min(i + 1, len(clauses) - 1)].end])
            if not actor and self.claimant and _CLAIMANT_AGAIN.search(folded):
                actor = self.claimant
            if actor:
                self.claimant = actor
                return c.start, actor
        return None

    def _claim_earlier(self, clauses: list[_Clause], actor: str) -> None:
        """"The Islamic Resistance in Iraq claimed the attack": a claim with no place of its own
        names the actor of the event before it ("both": the two before; "the attacks": those of
        its paragraph, else of the paragraph before)."""
        folded = self._folded(clauses[0].start, clauses[-1].end)
        events = [k for k, f in enumerate(self.found) if f.kind == "event"]
        if not events or not _ANAPHORA.search(folded):
            return
        if _DUAL_CLAIM.search(folded):
            chosen = events[-2:]
        elif _SINGULAR_CLAIM.search(folded):
            chosen = events[-1:]
        else:
            paragraph = clauses[0].paragraph
            chosen = [k for k in events if self.found[k].paragraph == paragraph] or \
                     [k for k in events if self.found[k].paragraph == self.found[events[-1]].paragraph]
        for k in chosen:
            f = self.found[k]
            if not f.draft.actor or not f.flags.claimed:
                self.found[k] = replace(f, draft=replace(f.draft, actor=actor), flags=replace(f.flags, claimed=True))

    # -- sentences without a place --

    def _details(self, live: list[_Clause]) -> None:
        """A sentence that names no place but a toll ("There were no casualties.") or an attack
        word ("وأضاف أن اشتباكات اندلعت …") tells more of the event before it, or, when none was
        told yet in its paragraph, of the next one."""
        if not live:
            return
        paragraph = live[0].paragraph
        folded = self._folded(live[0].start, live[-1].end)
        toll = _toll(folded)
        recent = self._recent(paragraph)
        # "القصف على قنديل لم يسفر عن إصابات": the event whose place it names again, in short
        said = set(_TOKEN.findall(folded))
        named = [k for k in recent if any(w in said for w in _TOKEN.findall(_fold(self.found[k].draft.location))
                                          if len(w) > 3 and generic_of(w) is None)]
        if toll.stated:
            if recent:
                k = (named or recent)[-1]
                f = self.found[k]
                if f.draft.fatalities is None and f.draft.injuries is None:
                    killed, wounded = toll.values()
                    self.found[k] = replace(f, draft=replace(f.draft, fatalities=killed, injuries=wounded))
            else:
                self.pending = (paragraph, toll)
        words = [e for c in live for e in c.events]
        if words and self._at_named_place(live, recent):
            return
        if words and recent:
            f = self.found[recent[-1]]
            if not f.flags.typed:
                self.found[recent[-1]] = replace(f, draft=replace(f.draft, event_type=words[0].event_type),
                                                 flags=replace(f.flags, typed=True))

    def _recent(self, paragraph: int) -> list[int]:
        """Indices of the events told at most THRESHOLDS.merge_paragraphs paragraphs before."""
        k = len(self.found)
        while k and paragraph - self.found[k - 1].paragraph <= THRESHOLDS.merge_paragraphs:
            k -= 1
        return [j for j in range(k, len(self.found)) if self.found[j].kind == "event"]

    def _at_named_place(self, live: list[_Clause], recent: list[int]) -> bool:
        """"The field was also targeted by a drone last week": another attack at the place of
        a recent draft, named by its kind ("the field", "القاعدة"). True when one was drafted."""
        for i, c in enumerate(live):
            m = _PLACE_AGAIN.search(self._folded(c.start, c.end))
            if m is None:
                continue
            kind = _PLACE_KINDS[next(k for k, v in m.groupdict().items() if v)]
            same = [k for k in recent if _kind_of(self.found[k]) == kind]
            j = self._event_clause(live, i)
            if not same or j is None or not live[j].events:
                return False
            f = self.found[same[-1]]
            a, b = self.view.span(self.view.from_text(c.start) + m.start(), self.view.from_text(c.start) + m.end())
            mention = _Mention(a, b, f.draft.location, f.place, f.flags.ambiguous)
            self._candidate(live, i, j, mention, [], None)
            new = self.found[-1]
            self.found[-1] = replace(new, flags=replace(new.flags, place_role="again", place_words=self.text[a:b]))
            return True
        return False

    def _continuation(self, clauses: list[_Clause], i: int, mention: _Mention) -> None:
        """A sentence with no attack word of its own that goes on about the strike before it
        ("فقد طاول القصف مواقع ... بمنطقة كناكر"): merged later into that strike (phase 3)."""
        sentence = self._folded(clauses[0].start, clauses[-1].end)
        if not _ANAPHORA.search(sentence) or not any(f.kind == "event" for f in self.found):
            return
        clause = clauses[i]
        tail = self._tail(clauses, i, False)
        group_text = self.text[clause.start:clauses[tail].end]
        toll, _ = self._toll(clauses, i, tail, mention)
        killed, wounded = toll.values()
        place = mention.place
        start, end = clauses[0].start, clauses[-1].end
        draft = Incident(id="", date=self.published.isoformat(), location=mention.text, lat=place.lat,
                         lon=place.lon, place_id=place.id, place_name=place.name,
                         target=find_target(self.text[clause.start:clause.end], place),
                         outcome=find_outcome(group_text), fatalities=killed, injuries=wounded,
                         country=place.country, admin1=place.admin1, source_url=self.source_url,
                         evidence_start=start, evidence_end=end)
        self.found.append(_Candidate("continuation", _trim_evidence(draft, self.text), place,
                                     _Flags(ambiguous=mention.ambiguous), clause.paragraph, clause.sentence))


# --- phase 3: merge the candidates about one event ------------------------------------------------

def _merge(text: str, candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """Phase 3: one draft per event. A later sentence about the same strike ("سقوط أربعة صواريخ
    ضمن أراضي الحقل") adds its details to the draft already made; an interception over the city
    of a base attacked in the sentence next to it is that attack; a continuation narrows the
    place of the draft before it, or adds a place to its report."""
    out: list[_Candidate] = []
    for c in candidates:
        if c.kind == "continuation":
            _continue(text, out, c)
            continue
        k = _same_event(out, c)
        if k is None:
            out.append(c)
        else:
            out[k] = _absorb(text, out[k], c)
    return out


def _same_event(found: list[_Candidate], c: _Candidate) -> int | None:
    for k in range(len(found) - 1, -1, -1):
        f = found[k]
        if c.paragraph - f.paragraph > THRESHOLDS.merge_paragraphs:
            break
        if f.draft.event_type != c.draft.event_type:
            continue
        dated = c.flags.date_source not in ("stated", "chained", "anchored", "preceded")
        if not dated and c.draft.date != f.draft.date:
            continue
        if f.sentence != c.sentence and _same_place(f.place, c.place):
            return k
        if abs(f.sentence - c.sentence) <= 1 and _base_and_city(f, c):
            return k
    return None


def _base_and_city(a: _Candidate, b: _Candidate) -> bool:
    """An interception told at a base and at the city it lies by: one incident."""
    site, town = (a, b) if a.place.kind == "site" else (b, a)
    if site.place.kind != "site" or town.place.kind not in ("settlement", "admin2"):
        return False
    if "intercepted" not in (a.draft.outcome, b.draft.outcome):
        return False
    return (site.place.admin1 == town.place.admin1 and distance_km(
        site.place.lat, site.place.lon, town.place.lat, town.place.lon) <= THRESHOLDS.base_city_km)


def _absorb(text: str, old: _Candidate, new: _Candidate) -> _Candidate:
    """`old` with what `new` says of the same event and `old` left unsaid; at the base when
    `new` is there and `old` over its city."""
    a, b = old.draft, new.draft
    merged = replace(
        a, count=a.count if a.count is not None else b.count,
        outcome=a.outcome if a.outcome != "unknown" else b.outcome,
        actor=a.actor or b.actor, target=a.target or b.target,
        fatalities=a.fatalities if a.fatalities is not None else b.fatalities,
        injuries=a.injuries if a.injuries is not None else b.injuries,
        time=a.time or b.time,
        evidence_start=min(a.evidence_start, b.evidence_start),
        evidence_end=max(a.evidence_end, b.evidence_end))
    flags = replace(old.flags, claimed=old.flags.claimed or new.flags.claimed)
    place = old.place
    if old.place.kind != "site" and new.place.kind == "site":
        merged = _at(merged, new.draft)
        flags, place = replace(flags, city=a.place_name), new.place
    elif new.place.kind != "site" and old.place.kind == "site" and not _same_place(old.place, new.place):
        flags = replace(flags, city=b.place_name)
    merged = replace(merged, evidence=text[merged.evidence_start:merged.evidence_end])
    # the story of this event goes on where it was last told
    return replace(old, draft=merged, flags=flags, place=place, paragraph=max(old.paragraph, new.paragraph),
                   sentence=max(old.sentence, new.sentence))


def _at(draft: Incident, where: Incident) -> Incident:
    """`draft` at the place of `where`."""
    return replace(draft, location=where.location, lat=where.lat, lon=where.lon, place_id=where.place_id,
                   place_name=where.place_name, country=where.country, admin1=where.admin1)


def _continue(text: str, found: list[_Candidate], c: _Candidate) -> None:
    """A sentence going on about the strike before it: it narrows that strike's place ("ريف دمشق
    الغربي" -> "كناكر"), adds what it says of that place, or adds a place to the report."""
    first = len(found)
    while first and c.paragraph - found[first - 1].paragraph <= THRESHOLDS.merge_paragraphs:
        first -= 1
    recent = [k for k in range(first, len(found)) if found[k].sentence < c.sentence]
    for k in reversed(recent):
        f = found[k]
        if _same_place(f.place, c.place):
            found[k] = _absorb(text, f, c)
            return
        if _contains(f.place, c.place):
            old = f.draft
            refined = replace(_at(old, c.draft), target=c.draft.target or old.target,
                              evidence_end=max(old.evidence_end, c.draft.evidence_end))
            refined = replace(refined, evidence=text[refined.evidence_start:refined.evidence_end])
            found[k] = replace(f, draft=refined, place=c.place,
                               flags=replace(f.flags, narrowed_from=old.location))
            return
    same_paragraph = [k for k in recent if found[k].paragraph == c.paragraph]
    if not same_paragraph:
        return
    last = found[same_paragraph[-1]]
    d = _at(last.draft, c.draft)
    d = replace(d, target=c.draft.target, count=None, fatalities=c.draft.fatalities, injuries=c.draft.injuries,
                outcome=c.draft.outcome if c.draft.outcome != "unknown" else d.outcome,
                evidence=c.draft.evidence, evidence_start=c.draft.evidence_start, evidence_end=c.draft.evidence_end)
    found.append(_Candidate("event", d, c.place, replace(last.flags, continues=last.draft.place_name,
                                                         ambiguous=c.flags.ambiguous),
                            c.paragraph, c.sentence))


# --- output: flags become notes ----------------------------------------------------------------

_AREA_WORDS = {"admin1": "governorate", "admin2": "district", "region": "region"}
_DATE_NOTES: dict[str, Callable[[_Flags], str]] = {
    "stated": lambda f: "",
    "speech": lambda f: "date the source spoke (the event's own day not stated)",
    "chained": lambda f: f"date of the event told before it ({f.date_from})",
    "anchored": lambda f: f"date of the attack at {f.date_from} the text times it by",
    "preceded": lambda f: "date of the event it preceded",
    "previous": lambda f: "date of the report before it",
    "paragraph": lambda f: f"date from the sentence before it ({f.date_from})",
    "place": lambda f: f"date not stated; taken from the earlier report at {f.date_from}",
    "publication": lambda f: "date assumed (publication date)",
}


def _notes(flags: _Flags, place: Place) -> str:
    """The notes column: what the draft's fields rest on, for the person who checks it."""
    notes = []
    if flags.claimed:
        notes.append("claimed")
    if flags.ambiguous:
        notes.append("place ambiguous")
    if flags.place_role == "road":
        notes.append(f"location is the {place.name} (its midpoint)")
    elif flags.place_role == "again":
        notes.append(f"location named again as \"{flags.place_words}\"")
    elif flags.place_role == "reference":
        notes.append(f"location given only as a landmark ({flags.place_words})")
    elif place.kind in _AREAS:
        notes.append(f"location is a {_AREA_WORDS[place.kind]}, not a point")
    if flags.narrowed_from:
        notes.append(f"location narrowed from {flags.narrowed_from} by the next sentence")
    if flags.city:
        notes.append(f"an interception over {flags.city}, counted at the base")
    if flags.continues:
        notes.append(f"continues the report at {flags.continues}")
    notes.append(_DATE_NOTES[flags.date_source](flags))
    if not flags.typed:
        notes.append("type not stated")
    if flags.toll_shared:
        notes.append(flags.toll_shared)
    return "; ".join(n for n in notes if n)


def _describe(d: Incident, flags: _Flags) -> str:
    """One English line for popups and tables: what, where, how many, by whom, with what result."""
    parts = [f"{event_phrase(d.event_type)} at {d.place_name}"]
    if d.count:
        parts[0] += f" ({d.count})"
    if d.actor:
        parts.append(("claimed by " if flags.claimed else "by ") + d.actor)
    if d.target and d.target != d.place_name:
        parts.append(f"target: {d.target}")
    if d.outcome != "unknown":
        parts.append(d.outcome)
    if d.fatalities:
        parts.append(f"{d.fatalities} killed")
    if d.injuries:
        parts.append(f"{d.injuries} wounded")
    return "; ".join(parts)


def _trim_evidence(draft: Incident, text: str) -> Incident:
    start, end = draft.evidence_start, draft.evidence_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return replace(draft, evidence=text[start:end], evidence_start=start, evidence_end=end)


# --- the extractor ------------------------------------------------------------------------------

def extract(text: str, published: date, *, gazetteer: Gazetteer | None = None, source_url: str = "",
            country: str | None = None) -> list[Incident]:
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
    clauses = _attach(text, view, published, mentions, allowed)
    candidates = _Filler(text, view, published, source_url).run(clauses)
    found = _merge(text, candidates)
    return [replace(f.draft, id=f"draft-{i:03d}", description=_describe(f.draft, f.flags),
                    notes=_notes(f.flags, f.place))
            for i, f in enumerate(found, 1)]


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


def drafts_csv(drafts: Iterable[Incident], *, raw_cells: bool = False) -> str:
    """The drafts as CSV text with the incident columns (see COLUMNS); cells made safe to
    open in a spreadsheet unless `raw_cells` (see `mapper.output.csv_cell`)."""
    out = io.StringIO()
    rows = [[_cell(getattr(d, c)) for c in COLUMNS] for d in drafts]
    write_csv(out, [COLUMNS, *rows], raw=raw_cells, lineterminator="\n")
    return out.getvalue()


def _cell(value: object) -> object:
    """A draft's value as a CSV cell: None as an empty cell, coordinates to 6 decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return value


def write_drafts(drafts: Iterable[Incident], path: str | Path, *, raw_cells: bool = False) -> None:
    """Write drafts as a UTF-8 CSV that `read_incidents` and `incident-map render` read,
    whole or not at all; raises WriteError naming the file when it cannot be written."""
    write_text(path, drafts_csv(drafts, raw_cells=raw_cells), newline="")
