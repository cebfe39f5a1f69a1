"""The Simplified Chinese catalogue is complete, compiled and in use.

The code and templates use English msgids; every user sees Chinese through locale/zh_Hans. These tests fail
when a msgid has no translation (or a fuzzy one), when django.mo was not rebuilt after django.po changed,
when a translation drops or invents a placeholder, when a string in the code or the templates is missing
from the catalogue (run ``make messages`` and translate the new entries), and when the pages do not speak
Chinese.
"""

import ast
import gettext as gettext_module
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.translation.template import templatize

from core.scoping import Role

ROOT = Path(__file__).resolve().parents[2]
LC_MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# What ``make messages`` leaves out (besides hidden directories).
IGNORED_DIRS = {".venv", "static", "var", "test-artifacts", "node_modules", "__pycache__"}


# --- a small .po reader (standard library only) ---------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    assert len(token) >= 2 and token[0] == token[-1] == '"', f"{where}: not a quoted string: {token!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), token[1:-1])


def parse_po(path: Path) -> list[dict]:
    """Entries as dicts: msgid, msgid_plural (optional), msgstr or msgstr_n {n: text}, flags, line."""
    entries: list[dict] = []
    entry: dict | None = None
    key = None

    def finish():
        nonlocal entry, key
        if entry is not None and "msgid" in entry:
            entries.append(entry)
        entry, key = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete entry: not part of the catalogue
            continue
        if entry is None or (line.startswith(("#", "msgctxt", "msgid ")) and key in ("msgstr", "msgstr_n")):
            finish()
            entry = {"flags": set(), "msgstr_n": {}, "line": number}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            key, entry["msgctxt"] = "msgctxt", _unquote(line[8:], where)
        elif line.startswith("msgid_plural "):
            key, entry["msgid_plural"] = "msgid_plural", _unquote(line[13:], where)
        elif line.startswith("msgid "):
            key, entry["msgid"] = "msgid", _unquote(line[6:], where)
        elif line.startswith("msgstr["):
            index = int(line[7:line.index("]")])
            key = ("msgstr_n", index)
            entry["msgstr_n"][index] = _unquote(line[line.index("]") + 1:], where)
        elif line.startswith("msgstr "):
            key, entry["msgstr"] = "msgstr", _unquote(line[7:], where)
        elif line.startswith('"'):
            assert key is not None, f"{where}: continuation line outside an entry"
            if isinstance(key, tuple):
                entry["msgstr_n"][key[1]] += _unquote(line, where)
            else:
                entry[key] += _unquote(line, where)
        else:
            raise AssertionError(f"{where}: cannot read {raw!r}")
    finish()
    return entries


def translations(entry: dict) -> list[str]:
    return list(entry["msgstr_n"].values()) if "msgid_plural" in entry else [entry.get("msgstr", "")]


ENTRIES = parse_po(PO_PATH)
HEADER = next(e for e in ENTRIES if e["msgid"] == "")
MESSAGES = [e for e in ENTRIES if e["msgid"] != ""]


def label(entry: dict) -> str:
    return f"django.po:{entry['line']} {entry['msgid'][:70]!r}"


# --- (a) complete, nothing fuzzy -----------------------------------------------------------------------


def test_catalogue_header():
    assert "fuzzy" not in HEADER["flags"]
    assert "Plural-Forms: nplurals=1; plural=0;" in HEADER["msgstr"]
    assert "charset=UTF-8" in HEADER["msgstr"]
    assert len(MESSAGES) > 500


def test_every_entry_is_translated():
    empty = [label(e) for e in MESSAGES if not all(t.strip() for t in translations(e))]
    assert not empty, f"{len(empty)} untranslated entries (fill the msgstr):\n" + "\n".join(empty)


def test_no_fuzzy_entry():
    fuzzy = [label(e) for e in MESSAGES if "fuzzy" in e["flags"]]
    assert not fuzzy, "fuzzy entries (check the translation, then remove '#, fuzzy'):\n" + "\n".join(fuzzy)


def test_plural_entries_have_the_one_chinese_form():
    wrong = [label(e) for e in MESSAGES if "msgid_plural" in e and sorted(e["msgstr_n"]) != [0]]
    assert not wrong, "plural entries need exactly msgstr[0] (nplurals=1):\n" + "\n".join(wrong)


def test_no_duplicate_msgid():
    seen, duplicates = set(), []
    for e in MESSAGES:
        key = (e.get("msgctxt"), e["msgid"])
        if key in seen:
            duplicates.append(label(e))
        seen.add(key)
    assert not duplicates


def test_translations_are_chinese():
    """A msgstr left in English (copied msgid) is as bad as an empty one. Names such as API, PDF pass."""
    cjk = re.compile(r"[\u3400-\u9fff]")
    english = [label(e) for e in MESSAGES
               if any(not cjk.search(t) for t in translations(e))
               and e["msgid"] not in {"%(field)s: %(error)s", "API", "“%(text)s”: %(result)s."}]
    assert not english, "translations without any Chinese:\n" + "\n".join(english)


# --- (b) the compiled catalogue matches the source -----------------------------------------------------


def test_mo_is_in_sync_with_po():
    assert MO_PATH.exists(), "run: python manage.py compilemessages -l zh_Hans --ignore=.venv"
    with MO_PATH.open("rb") as handle:
        mo = gettext_module.GNUTranslations(handle)
    stale = []
    for e in MESSAGES:
        if "msgctxt" in e:
            got = [mo.pgettext(e["msgctxt"], e["msgid"])]
        elif "msgid_plural" in e:
            got = [mo.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
        else:
            got = [mo.gettext(e["msgid"])]
        want = translations(e)[0]
        if any(g != want for g in got):
            stale.append(label(e))
    assert not stale, ("django.mo is out of date; run: python manage.py compilemessages -l zh_Hans "
                       "--ignore=.venv\n" + "\n".join(stale[:20]))


# --- (c) placeholders and markup survive translation ---------------------------------------------------

PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %(name)s, %(size).1f
                         r"|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"                  # %s, %d
                         r"|\{[A-Za-z_]\w*\}|\{\d*\}")                                # {n}, {0}, {}
TAG = re.compile(r"</?[A-Za-z][^>]*>")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def test_placeholders_are_kept():
    wrong = []
    for e in MESSAGES:
        source = placeholders(e["msgid"]) | placeholders(e.get("msgid_plural", ""))
        for text in translations(e):
            if placeholders(text) != source:
                wrong.append(f"{label(e)}: {sorted(source)} -> {sorted(placeholders(text))}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_html_markup_is_kept():
    wrong = [label(e) for e in MESSAGES
             if any(sorted(TAG.findall(t)) != sorted(TAG.findall(e["msgid"])) for t in translations(e))]
    assert not wrong


def test_placeholder_check_catches_mistakes():
    assert placeholders("Row %(row)d, column %(column)s: %(message)s") == {"%(row)d", "%(column)s", "%(message)s"}
    assert placeholders("%(size).1f MB, 100%% sure, Selected: {n}") == {"%(size).1f", "{n}"}
    assert placeholders("第 %(row)s 行") != placeholders("Row %(row)d")


# --- (d) every string in the code and the templates is in the catalogue -------------------------------

# The keywords makemessages passes to xgettext: name -> index of the msgid, the plural (or None), the context.
PY_KEYWORDS = {
    "_": (0, None, None), "gettext": (0, None, None), "gettext_lazy": (0, None, None),
    "gettext_noop": (0, None, None), "ngettext": (0, 1, None), "ngettext_lazy": (0, 1, None),
    "pgettext": (1, None, 0), "pgettext_lazy": (1, None, 0), "npgettext": (1, 2, 0), "npgettext_lazy": (1, 2, 0),
}
STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(gettext|ngettext|pgettext|npgettext)\(\s*({STRING}(?:\s*,\s*{STRING})*)")


def source_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in IGNORED_DIRS)
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt")) and not name.startswith("."):
                yield Path(folder) / name


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def python_msgids(path: Path) -> set[tuple]:
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # xgettext does not look inside f-strings, so neither does this (a gettext call there is never extracted:
    # move it out of the f-string).
    in_fstrings = {id(sub) for joined in ast.walk(tree) if isinstance(joined, ast.JoinedStr)
                   for sub in ast.walk(joined)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in in_fstrings or _call_name(node) not in PY_KEYWORDS:
            continue
        singular, plural, context = PY_KEYWORDS[_call_name(node)]
        wanted = [i for i in (singular, plural, context) if i is not None]
        if len(node.args) <= max(wanted) or not all(
                isinstance(node.args[i], ast.Constant) and isinstance(node.args[i].value, str) for i in wanted):
            continue
        args = [node.args[i].value if i is not None else None for i in (context, singular, plural)]
        found.add(tuple(args))
    return found


def template_msgids(path: Path) -> set[tuple]:
    found = set()
    for match in TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        strings = [ast.literal_eval(s) for s in re.findall(STRING, match.group(2))]
        name = match.group(1)
        if name == "gettext":
            found.add((None, strings[0], None))
        elif name == "ngettext":
            found.add((None, strings[0], strings[1]))
        elif name == "pgettext":
            found.add((strings[0], strings[1], None))
        else:
            found.add((strings[0], strings[1], strings[2]))
    return found


def test_every_string_in_the_code_is_in_the_catalogue():
    """Fails when someone added a string and did not refresh the catalogue: run `make messages`, translate."""
    in_source: dict[tuple, str] = {}
    for path in source_files():
        extract = python_msgids if path.suffix == ".py" else template_msgids
        for key in extract(path):
            if key[1]:
                in_source.setdefault(key, str(path.relative_to(ROOT)))
    catalogue = {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in MESSAGES}
    assert len(in_source) > 500
    missing = sorted(f"{where}: {key[1]!r}" for key, where in in_source.items() if key not in catalogue)
    assert not missing, ("strings missing from locale/zh_Hans/LC_MESSAGES/django.po; run `make messages` "
                         "and translate them:\n" + "\n".join(missing))


# --- (e) the running application speaks Chinese --------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert "党建组织生活管理平台" in page
    assert "登录" in page
    assert "Party Organizational Life Platform" not in page
    assert "Log in" not in page


@pytest.mark.django_db
def test_member_list_is_in_chinese(client, world_a):
    client.force_login(world_a.user(Role.SECRETARY))
    response = client.get(reverse("members:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "党员名册" in page
    assert "Member roster" not in page
    for chinese in ("组织架构", "组织生活", "退出登录", "入党日期", "党员状态"):
        assert chinese in page, chinese
    assert world_a.members[0].name in page
