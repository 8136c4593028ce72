"""The map script in parts (mapper/js): short functions, each name declared once, all shipped."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

from mapper import pages

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "mapper" / "js"
TEMPLATES = ROOT / "mapper" / "templates"
MAX_LINES = 80          # no function of the map script may be this long (issue 9)
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
# After these a `/` starts a regular expression; after anything else it divides.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"", "return", "typeof", "case", "in", "of"}


def functions(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, last line) of every function in `source`, nested ones included.

    A brace-matching scan that skips comments, strings, template literals and regular
    expression literals; the first `{` after `function` (or `=>`) opens its body. Anonymous
    functions are named "(anonymous)".
    """
    found: list[tuple[str, int, int]] = []
    stack: list[tuple[str, int] | None] = []    # per open brace: the function it opens
    pending: tuple[str, int] | None = None
    line, i, last = 1, 0, ""                      # `last`: the previous significant token
    while i < len(source):
        ch = source[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            i = end if end >= 0 else len(source)
        elif source.startswith("/*", i):
            end = source.index("*/", i + 2) + 2
            line += source.count("\n", i, end)
            i = end
        elif ch in "'\"`" or (ch == "/" and last in _REGEX_AFTER):
            end = _literal_end(source, i)
            line += source.count("\n", i, end)
            i, last = end, "literal"
        elif _WORD.match(source, i):
            word = _WORD.match(source, i).group()
            if word == "function":
                name = _WORD.match(source, _skip_space(source, i + len(word)))
                pending = (name.group() if name else "(anonymous)", line)
            i += len(word)
            last = word
        elif source.startswith("=>", i):
            pending = ("(arrow)", line)
            i, last = i + 2, "=>"
        else:
            if ch == "{":
                stack.append(pending)
                pending = None
            elif ch == "}":
                opened = stack.pop()
                if opened is not None:
                    found.append((opened[0], opened[1], line))
            i, last = i + 1, ch
    if stack:
        raise ValueError(f"{len(stack)} brace(s) never closed")
    return found


def _skip_space(source: str, i: int) -> int:
    while i < len(source) and source[i].isspace():
        i += 1
    return i


def _literal_end(source: str, i: int) -> int:
    """The index just past the string, template or regex literal that starts at i."""
    quote, k, in_class = source[i], i + 1, False
    while k < len(source):
        c = source[k]
        if c == "\\":
            k += 2
            continue
        if quote == "/" and c == "[":
            in_class = True
        elif quote == "/" and c == "]":
            in_class = False
        elif c == quote and not in_class:
            return k + 1
        elif c == "\n" and quote != "`":
            raise ValueError(f"unterminated literal at {source[i:i + 30]!r}")
        k += 1
    raise ValueError(f"unterminated literal at {source[i:i + 30]!r}")


def parts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(JS.glob("*.js"))}


def test_the_scan_measures_functions_past_braces_in_strings_regexes_and_comments():
    body = "\n".join(f"  x += {k};" for k in range(100))
    source = (
        "var HEX = /^#[0-9a-f]{6}$/;  // a { in a comment\n"
        "function short(a) {\n"
        "  var s = '}' + \"{\" + `}`; /* } */\n"
        "  return a / 2 / {b: 1}.b;\n"
        "}\n"
        f"function long() {{\n  var x = 0;\n{body}\n  [1].forEach(function (v) {{ x += v; }});\n}}\n"
        "var f = function () { return /[/}]/.test('x'); };\n"
    )
    found = functions(source)
    assert [(name, last - first + 1) for name, first, last in found] == [
        ("short", 4), ("(anonymous)", 1), ("long", 104), ("(anonymous)", 1)]


@pytest.mark.parametrize("name", sorted(parts()))
def test_every_function_of_the_map_script_is_under_80_lines(name):
    found = functions(parts()[name])
    assert found, f"{name} declares no function"
    long = [(f, last - first + 1) for f, first, last in found if last - first + 1 >= MAX_LINES]
    assert long == [], f"{name}: functions of {MAX_LINES} lines or more: {long}"


def test_build_is_short_and_every_name_is_declared_once():
    names: dict[str, str] = {}
    for file, source in parts().items():
        for declared in re.findall(r"^function ([\w$]+)", source, re.MULTILINE):
            assert declared not in names, f"{declared} in {names.get(declared)} and {file}"
            names[declared] = file
    assert {"start", "build", "render", "popupNode", "applyFilter", "gridCells"} <= set(names)
    build = next((last - first + 1) for f, first, last in functions(parts()["build.js"])
                 if f == "build")
    assert build <= 20


def test_every_part_is_inlined_in_its_order_and_nothing_else_is_in_the_folder():
    assert sorted(pages.SCRIPT_PARTS) == sorted(parts())
    script = pages.map_script()
    offsets = [script.index(parts()[name]) for name in pages.SCRIPT_PARTS]
    assert offsets == sorted(offsets)
    assert script.startswith("(function (") and script.endswith("})")
    for code in (script, pages.map_css()):
        assert "</script" not in code.lower() and "</style" not in code.lower()


def test_the_wheel_ships_every_part_and_template():
    tomllib = pytest.importorskip("tomllib")   # Python 3.11 on
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setup = config["tool"]["setuptools"]
    # A subpackage's patterns ("mapper.js": ["*.js"]) are paths under its folder.
    patterns = [f"{package.removeprefix('mapper').lstrip('.').replace('.', '/')}/{p}".lstrip("/")
                for package, ps in setup["package-data"].items()
                if package == "mapper" or (package.startswith("mapper.") and package in setup["packages"])
                for p in ps]
    shipped = [*JS.glob("*.js"), *TEMPLATES.glob("*.html"), ROOT / "mapper" / "map.css"]
    assert len(shipped) >= len(pages.SCRIPT_PARTS) + 4
    for path in shipped:
        relative = path.relative_to(ROOT / "mapper").as_posix()
        assert any(fnmatch.fnmatch(relative, p) and ("/" in p) == ("/" in relative)
                   for p in patterns), f"{relative} is not in the wheel's package-data"
