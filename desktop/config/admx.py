"""The Windows Group Policy template (ADMX, with its English ADML), written from the settings
table so it cannot drift from what Tidings reads.

    python -m desktop.config.admx                                   # print the ADMX
    python -m desktop.config.admx --write packaging/windows/policy/ # tidings.admx, en-US/tidings.adml

Each option becomes two policies, under "Tidings → Enforced" and "Tidings → Defaults",
writing ``HKLM\\Software\\Policies\\Tidings\\{Enforced,Defaults}\\<section>\\<key>``, the
layout ``desktop.config.policy.read_registry`` reads. ``[mail]`` policies apply to every
account; account templates (``MailAccounts`` subkeys) have no ADMX form and are deployed
as registry items (docs/administration.md). tests/unit/test_admx.py fails when the
committed files are out of date.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from desktop.config.options import Boolean, Choice, Integer, Option, TextList
from desktop.config.policy import WINDOWS_KEY, WINDOWS_SECTIONS
from desktop.config.settings import OPTIONS

NS = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"
PREFIX = "tidings"
NAMESPACE = "Tidings.Policies.Tidings"
ADMX = "tidings.admx"
ADML = "tidings.adml"
LANGUAGE = "en-US"
SECTION_TITLES = {
    "mail": "Mail accounts (every account)",
    "gateway": "Chat and approvals (gateway)",
    "notifications": "Notifications",
    "general": "General",
    "network": "Network (proxy)",
}
LAYER_TITLES = {
    "enforced": (
        "Enforced",
        "Values users cannot change: greyed out in Settings with “Set by your organisation”; "
        "a different value in a user's settings file is ignored with a warning.",
    ),
    "defaults": (
        "Defaults",
        "Starting values users may change in Settings or their settings file.",
    ),
}


#: Every option but an account's name: a [mail] policy applies to every account, and
#: accounts named by the organisation are templates (registry subkeys), not policies.
POLICY_OPTIONS = tuple(o for o in OPTIONS if o.path != "mail.name")


def _id(*parts: str) -> str:
    return "_".join(parts)


def _sections() -> list[str]:
    return list(dict.fromkeys(o.section for o in OPTIONS))


def documents() -> tuple[str, str]:
    """(the ADMX text, the en-US ADML text)."""
    ET.register_namespace("", NS)
    admx = ET.Element("policyDefinitions", revision="1.0", schemaVersion="1.0", xmlns=NS)
    names = ET.SubElement(admx, "policyNamespaces")
    ET.SubElement(names, "target", prefix=PREFIX, namespace=NAMESPACE)
    ET.SubElement(names, "using", prefix="windows", namespace="Microsoft.Policies.Windows")
    ET.SubElement(admx, "resources", minRequiredRevision="1.0")
    supported = ET.SubElement(ET.SubElement(admx, "supportedOn"), "definitions")
    ET.SubElement(
        supported, "definition", name="SUPPORTED_Tidings", displayName="$(string.SUPPORTED_Tidings)"
    )
    categories = ET.SubElement(admx, "categories")
    policies = ET.SubElement(admx, "policies")

    strings: dict[str, str] = {
        "Tidings": "Tidings",
        "SUPPORTED_Tidings": "Tidings 0.1 and later",
    }
    presentations: list[ET.Element] = []
    ET.SubElement(categories, "category", name="Tidings", displayName="$(string.Tidings)")
    for layer, key_name in WINDOWS_SECTIONS.items():
        title, explain = LAYER_TITLES[layer]
        layer_cat = _id("Tidings", key_name)
        strings[layer_cat] = title
        cat = ET.SubElement(categories, "category", name=layer_cat, displayName=f"$(string.{layer_cat})")
        cat.set("explainText", f"$(string.{layer_cat}_Explain)")
        strings[f"{layer_cat}_Explain"] = explain
        ET.SubElement(cat, "parentCategory", ref="Tidings")
        for section in _sections():
            section_cat = _id(layer_cat, section)
            strings[section_cat] = SECTION_TITLES.get(section, section)
            sub = ET.SubElement(
                categories, "category", name=section_cat, displayName=f"$(string.{section_cat})"
            )
            ET.SubElement(sub, "parentCategory", ref=layer_cat)
        for opt in POLICY_OPTIONS:
            presentation = _policy(policies, opt, key_name, _id(layer_cat, opt.section), strings)
            if presentation is not None:
                presentations.append(presentation)

    adml = ET.Element("policyDefinitionResources", revision="1.0", schemaVersion="1.0", xmlns=NS)
    ET.SubElement(adml, "displayName").text = "Tidings"
    ET.SubElement(adml, "description").text = "Managed settings for Tidings, the tray inbox notifier."
    resources = ET.SubElement(adml, "resources")
    table = ET.SubElement(resources, "stringTable")
    for string_id, text in strings.items():
        ET.SubElement(table, "string", id=string_id).text = text
    presentation_table = ET.SubElement(resources, "presentationTable")
    presentation_table.extend(presentations)
    return _text(admx), _text(adml)


def _policy(
    policies: ET.Element, opt: Option, key_name: str, category: str, strings: dict[str, str]
) -> ET.Element | None:
    name = _id(key_name, opt.section, opt.key)
    label = _id(opt.section, opt.key)
    strings[label] = opt.title
    strings[f"{label}_Explain"] = f"{opt.description}\n\nSettings file: [{opt.section}] {opt.key}."
    policy = ET.SubElement(
        policies,
        "policy",
        {
            "name": name,
            "class": "Machine",
            "displayName": f"$(string.{label})",
            "explainText": f"$(string.{label}_Explain)",
            "key": f"{WINDOWS_KEY}\\{key_name}\\{opt.section}",
        },
    )
    ET.SubElement(policy, "parentCategory", ref=category)
    ET.SubElement(policy, "supportedOn", ref="SUPPORTED_Tidings")
    kind = opt.kind
    if isinstance(kind, Boolean):
        # Enabled writes 1, Disabled writes 0: a switch needs no further element.
        policy.set("valueName", opt.key)
        ET.SubElement(ET.SubElement(policy, "enabledValue"), "decimal", value="1")
        ET.SubElement(ET.SubElement(policy, "disabledValue"), "decimal", value="0")
        return None
    policy.set("presentation", f"$(presentation.{name})")
    elements = ET.SubElement(policy, "elements")
    presentation = ET.Element("presentation", id=name)
    if isinstance(kind, Choice):
        enum = ET.SubElement(elements, "enum", id=opt.key, valueName=opt.key, required="true")
        for choice in kind.choices:
            choice_id = _id(label, choice)
            strings[choice_id] = choice
            item = ET.SubElement(enum, "item", displayName=f"$(string.{choice_id})")
            ET.SubElement(ET.SubElement(item, "value"), "string").text = choice
        default = kind.choices.index(opt.default) if opt.default in kind.choices else 0
        ET.SubElement(
            presentation, "dropdownList", refId=opt.key, noSort="true", defaultItem=str(default)
        ).text = opt.title
    elif isinstance(kind, Integer):
        low = 0 if kind.default_means else kind.low
        ET.SubElement(
            elements, "decimal", id=opt.key, valueName=opt.key, minValue=str(low), maxValue=str(kind.high)
        )
        box = ET.SubElement(presentation, "decimalTextBox", refId=opt.key)
        box.text = opt.title
        if isinstance(opt.default, int):
            box.set("defaultValue", str(opt.default))
    elif isinstance(kind, TextList):
        ET.SubElement(elements, "multiText", id=opt.key, valueName=opt.key)
        ET.SubElement(presentation, "multiTextBox", refId=opt.key).text = f"{opt.title} (one per line)"
    else:
        ET.SubElement(elements, "text", id=opt.key, valueName=opt.key, required="true")
        ET.SubElement(ET.SubElement(presentation, "textBox", refId=opt.key), "label").text = opt.title
    return presentation


def _text(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(folder: Path) -> list[Path]:
    admx, adml = documents()
    (folder / LANGUAGE).mkdir(parents=True, exist_ok=True)
    written = [folder / ADMX, folder / LANGUAGE / ADML]
    written[0].write_text(admx, encoding="utf-8")
    written[1].write_text(adml, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--write", type=Path, metavar="FOLDER", help="write tidings.admx and en-US/tidings.adml"
    )
    args = parser.parse_args(argv)
    if args.write:
        for path in write(args.write):
            print(path)
    else:
        sys.stdout.write(documents()[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
