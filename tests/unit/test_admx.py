"""The Group Policy template in packaging/windows/policy: current, well-formed, and mapping
onto the registry layout the policy reader reads. (Group Policy itself is not run here.)"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from desktop.config import admx
from desktop.config.options import Boolean, Choice, Integer, TextList
from desktop.config.policy import WINDOWS_KEY, WINDOWS_SECTIONS
from desktop.config.settings import option

FOLDER = Path(__file__).resolve().parents[2] / "packaging" / "windows" / "policy"
N = {"p": admx.NS}


def test_the_committed_template_is_current() -> None:
    """After changing a declaration: python -m desktop.config.admx --write packaging/windows/policy/"""
    admx_text, adml_text = admx.documents()
    assert (FOLDER / "tidings.admx").read_text(encoding="utf-8") == admx_text
    assert (FOLDER / "en-US" / "tidings.adml").read_text(encoding="utf-8") == adml_text


def test_every_reference_resolves_and_every_policy_maps_onto_an_option() -> None:
    root = ET.parse(FOLDER / "tidings.admx").getroot()
    resources = ET.parse(FOLDER / "en-US" / "tidings.adml").getroot()
    strings = {s.get("id") for s in resources.iterfind(".//p:stringTable/p:string", N)}
    presentations = {p.get("id") for p in resources.iterfind(".//p:presentationTable/p:presentation", N)}
    categories = {c.get("name") for c in root.iterfind(".//p:categories/p:category", N)}
    text = (FOLDER / "tidings.admx").read_text(encoding="utf-8")
    assert set(re.findall(r"\$\(string\.([^)]+)\)", text)) <= strings
    assert set(re.findall(r"\$\(presentation\.([^)]+)\)", text)) <= presentations
    seen: set[tuple[str, str]] = set()
    for policy in root.iterfind(".//p:policy", N):
        assert policy.get("class") == "Machine"
        assert policy.find("p:parentCategory", N).get("ref") in categories  # type: ignore[union-attr]
        base, layer, section = policy.get("key", "").rsplit("\\", 2)
        assert base == WINDOWS_KEY and layer in WINDOWS_SECTIONS.values()
        elements = list(policy.find("p:elements", N) or [])
        value_name = policy.get("valueName") or elements[0].get("valueName")
        opt = option(f"{section}.{value_name}")  # KeyError: a policy Tidings would refuse
        seen.add((layer, opt.path))
        if isinstance(opt.kind, Boolean):
            assert policy.find("p:enabledValue/p:decimal", N).get("value") == "1"  # type: ignore[union-attr]
        elif isinstance(opt.kind, Choice):
            assert [v.text for v in elements[0].iterfind(".//p:string", N)] == list(opt.kind.choices)
        elif isinstance(opt.kind, Integer):
            assert elements[0].tag == f"{{{admx.NS}}}decimal"
        elif isinstance(opt.kind, TextList):
            assert elements[0].tag == f"{{{admx.NS}}}multiText"  # REG_MULTI_SZ: read as a list
        else:
            assert elements[0].tag == f"{{{admx.NS}}}text"
    expected = {(layer, o.path) for layer in WINDOWS_SECTIONS.values() for o in admx.POLICY_OPTIONS}
    assert seen == expected
    assert not any(path == "mail.name" for _, path in seen)  # accounts are templates, not policies
