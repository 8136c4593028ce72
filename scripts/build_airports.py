"""Build data/airports.csv: airports and airbases of Syria, Iraq and their neighbours.

Why: strike reports name airports and airbases ("Mezzeh airport", "Ain al-Asad",
"BIAP", "ORBI") far more often than anything else with a fixed point, so the resolver
needs them as curated sites with their codes and usual spellings as aliases.

What: reads the `airportsdata` package (OurAirports data, public domain) and writes every
airport and airstrip in Syria (SY) and Iraq (IQ), plus the main ones of Jordan (JO),
Lebanon (LB) and Kuwait (KW): those with an IATA code or a military role. Names come as
given by OurAirports; Arabic names and extra aliases come from the small tables below.
admin1 is left empty: the loader infers it from the point.

Run: /work/venv/bin/python scripts/build_airports.py
"""

# Data: OurAirports (https://ourairports.com, public domain), read through the
# airportsdata package (https://pypi.org/project/airportsdata/). Every row's source
# column names the OurAirports record it came from (OurAirports:<ICAO>).

from __future__ import annotations

import csv
import re
from pathlib import Path

import airportsdata

OUT = Path(__file__).resolve().parent.parent / "data" / "airports.csv"
HEADER = ["id", "name", "name_ar", "aliases", "kind", "feature", "country",
          "admin1", "lat", "lon", "radius_km", "source"]

ALL_OF = {"SY", "IQ"}
MAIN_OF = {"JO", "LB", "KW"}

MILITARY_NAME = re.compile(r"\b(air ?base|AB|army air ?field|air college|highway strip)\b", re.I)
# Military airfields whose OurAirports name does not say so.
MILITARY_ICAO = {
    "OJ38",  # Zarqa: King Abdullah II Air Base
    "ORQW",  # Qayyarah West: Iraqi Air Force base (Q-West)
    "ORUB",  # Ubaydah bin al-Jarrah: Al-Kut air base
    "OS59",  # Tabqa air base
    "OS66",  # Rasin el-Aboud: Kuweires military airbase
    "OS67",  # Mezzeh military airbase
}

NAME_AR: dict[str, str] = {
    "OSDI": "مطار دمشق الدولي",
    "OSAP": "مطار حلب الدولي",
    "OSLK": "مطار باسل الأسد الدولي",
    "OSKL": "مطار القامشلي",
    "OSDZ": "مطار دير الزور العسكري",
    "OSPR": "مطار تدمر العسكري",
    "OS67": "مطار المزة العسكري",
    "OS65": "مطار الشعيرات العسكري",
    "OS61": "مطار الضمير العسكري",
    "OS68": "مطار السيقل العسكري",
    "OS58": "مطار حماة العسكري",
    "OS59": "مطار الطبقة العسكري",
    "OS62": "مطار الجراح العسكري",
    "OS66": "مطار كويرس العسكري",
    "ORBI": "مطار بغداد الدولي",
    "ORER": "مطار أربيل الدولي",
    "ORMM": "مطار البصرة الدولي",
    "ORNI": "مطار النجف الدولي",
    "ORSU": "مطار السليمانية الدولي",
    "ORBM": "مطار الموصل الدولي",
    "ORKK": "مطار كركوك",
    "ORAA": "قاعدة عين الأسد الجوية",
    "ORAT": "قاعدة التقدم الجوية",
    "ORBD": "قاعدة بلد الجوية",
    "ORQW": "قاعدة القيارة الجوية",
    "ORSH": "قاعدة سبايكر الجوية",
    "ORTI": "معسكر التاجي",
    "ORTL": "قاعدة الإمام علي الجوية",
    "ORUB": "قاعدة الكوت الجوية",
    "ORBR": "مطار باشور",
    "ORTF": "مطار تلعفر",
    "ORUQ": "مطار أم قصر",
    "OJAI": "مطار الملكة علياء الدولي",
    "OJAM": "مطار ماركا",
    "OJAQ": "مطار الملك حسين الدولي",
    "OJ40": "قاعدة موفق السلطي الجوية",
    "OJHF": "قاعدة الأمير حسن الجوية",
    "OJMF": "كلية الملك حسين الجوية",
    "OLBA": "مطار رفيق الحريري الدولي",
    "OLKA": "مطار القليعات",
    "OLRA": "مطار رياق العسكري",
    "OKKK": "مطار الكويت الدولي",
    "OKAJ": "قاعدة أحمد الجابر الجوية",
    "OKAS": "قاعدة علي السالم الجوية",
}

EXTRA_ALIASES: dict[str, list[str]] = {
    "OSDI": ["Damascus airport", "Damascus International"],
    "OSAP": ["Aleppo airport", "Nayrab airport", "Nairab"],
    "OSLK": ["Latakia airport", "Hmeimim", "Khmeimim", "Hmeimim air base", "مطار حميميم"],
    "OSKL": ["Qamishli airport", "مطار القامشلي الدولي"],
    "OSDZ": ["Deir ez-Zor airport", "Deir al-Zour military airport", "Deir Ezzor airport"],
    "OSPR": ["Palmyra airport", "Tadmur airport", "Tadmor airport"],
    "OS67": ["Mezzeh airport", "Mezze military airport", "Mazzeh air base", "مطار المزة"],
    "OS65": ["Shayrat airbase", "Al Shayrat", "Shairat airfield", "مطار الشعيرات"],
    "OS61": ["Dumayr airbase", "Dmeir airport", "Al-Dumayr military airport", "مطار الضمير"],
    "OS68": ["Sayqal airbase", "Seikal", "مطار السيقل"],
    "OS63": ["Marj Ruhayyil airbase", "Marj al-Ruhayyil", "Marj Rhayel"],
    "OS58": ["Hama airbase", "Hama military airport", "مطار حماة"],
    "OS59": ["Tabqa airbase", "Tabqa military airport", "Taqba airfield", "مطار الطبقة"],
    "OS62": ["Jirah airbase", "Al-Jarrah airbase", "Jarrah military airport", "مطار الجراح"],
    "OS66": ["Kuweires airbase", "Kweires", "Kuwayris", "Rasm al-Abboud", "مطار كويرس"],
    "ORBI": ["Baghdad airport", "BIAP", "Baghdad International", "مطار بغداد"],
    "ORER": ["Erbil airport", "Arbil airport", "Hawler airport", "Erbil air base", "مطار أربيل"],
    "ORMM": ["Basra airport", "Basrah airport", "مطار البصرة"],
    "ORNI": ["Najaf airport", "مطار النجف"],
    "ORSU": ["Sulaymaniyah airport", "Sulaimaniya airport", "Slemani airport", "مطار السليمانية"],
    "ORBM": ["Mosul airport", "مطار الموصل"],
    "ORKK": ["K-1 air base", "K1", "Kirkuk airport", "Kirkuk air base", "قاعدة كي وان"],
    "ORAA": ["Ain al-Asad", "Ain al-Assad", "Ayn al-Asad", "Al Asad Airbase", "قاعدة عين الأسد"],
    "ORAT": ["Al-Taqaddum", "Taqaddum air base", "Habbaniyah air base", "قاعدة الحبانية"],
    "ORBD": ["Balad air base", "al-Bakr air base", "Joint Base Balad", "LSA Anaconda", "قاعدة البكر"],
    "ORQW": ["Q-West", "Qayyarah West", "Qayyarah airfield", "قاعدة القيارة"],
    "ORSH": ["Camp Speicher", "Speicher", "Al Sahra airfield", "قاعدة سبايكر"],
    "ORTI": ["Camp Taji", "Taji air base", "Taji airfield", "قاعدة التاجي"],
    "ORTL": ["Tallil air base", "Imam Ali air base", "Ali Base", "قاعدة الإمام علي"],
    "ORUB": ["Kut air base", "Al-Kut air base"],
    "ORBR": ["Bashur airfield", "Bashur air base"],
    "ORTF": ["Tal Afar airport", "Tal Afar airfield", "مطار تلعفر العسكري"],
    "KQMG": ["Mudaysis airbase", "Mudaisis", "قاعدة المضيسيس"],
    "OJAI": ["Queen Alia airport", "Amman airport", "مطار الملكة علياء"],
    "OJAM": ["Marka airport", "Amman Civil Airport", "مطار عمان المدني"],
    "OJAQ": ["Aqaba airport", "King Hussein International Airport", "مطار العقبة"],
    "OJ38": ["King Abdullah II Air Base", "Zarqa air base", "قاعدة الملك عبد الله الثاني الجوية"],
    "OJ40": ["Muwaffaq Salti air base", "Azraq air base", "Muwaffaq al-Salti", "قاعدة الأزرق"],
    "OJHF": ["Prince Hassan air base", "H-5", "H5 air base", "قاعدة الأمير حسن"],
    "OJMF": ["King Hussein air base", "Mafraq air base", "مطار المفرق"],
    "OLBA": ["Beirut airport", "Rafic Hariri airport", "مطار بيروت"],
    "OLKA": ["Qlayaat airport", "Kleiat airport", "René Mouawad airport"],
    "OLRA": ["Rayak airbase", "Riyaq air base", "مطار رياق"],
    "OKKK": ["Kuwait airport", "مطار الكويت"],
    "OKAJ": ["Ahmad al-Jaber air base", "Al Jaber air base"],
    "OKAS": ["Ali al-Salem air base", "Ali Al Salem", "قاعدة علي السالم"],
    "OKDI": ["Camp Buehring", "Udairi airfield"],
}


def keep(a: dict) -> bool:
    """Every airport of SY and IQ; in JO, LB and KW only IATA-coded or military ones."""
    if a["country"] in ALL_OF:
        return True
    return a["country"] in MAIN_OF and (bool(a["iata"]) or is_military(a))


def is_military(a: dict) -> bool:
    return bool(MILITARY_NAME.search(a["name"])) or a["icao"] in MILITARY_ICAO


def aliases(a: dict) -> str:
    """ICAO and IATA codes first, then curated variants; no duplicates, no empties."""
    out: list[str] = []
    for name in [a["icao"], a["iata"], *EXTRA_ALIASES.get(a["icao"], [])]:
        if name and name != a["name"] and name not in out:
            out.append(name)
    return "|".join(out)


def row(a: dict) -> list[str]:
    icao = a["icao"]
    return [
        f"site:airport-{icao.lower()}",
        a["name"],
        NAME_AR.get(icao, ""),
        aliases(a),
        "site",
        "airbase" if is_military(a) else "airport",
        a["country"],
        "",
        f"{a['lat']:.5f}",
        f"{a['lon']:.5f}",
        "3",
        f"OurAirports:{icao}",
    ]


def main() -> None:
    airports = airportsdata.load("ICAO")
    rows = sorted((row(a) for a in airports.values() if keep(a)), key=lambda r: (r[6], r[0]))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
