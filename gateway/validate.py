"""Everything the gateway takes from outside is checked here: JSON text is parsed with a bound on
nesting, strings must be valid Unicode, and frames and bodies are validated against the JSON
Schemas that document the protocol (docs/protocol/schemas, shipped as gateway.protocol_schemas),
so the documentation is the one statement of what is accepted.

Lone UTF-16 surrogates (a JSON escape such as "\\ud83d" without its partner, or bytes that are
not UTF-8) are refused, never repaired: repairing would change signed content and could merge
two distinct ids into one.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from typing import Any, Final

import jsonschema
from jsonschema import validators
from jsonschema.exceptions import ValidationError, relevance
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from gateway.protocol import now_iso
from gateway.protocol_schemas import SCHEMAS

# Frames and bodies are at most 5 levels deep; unknown extra fields get some room, and the bound
# keeps json, the validator and the store far from Python's recursion limit.
MAX_DEPTH: Final = 32

_BASE: Final = "https://tidings.invalid/protocol/schemas/"


class Invalid(ValueError):
    """Valid JSON that is not what the protocol accepts; the message names the field."""


class BadJson(ValueError):
    """Not JSON the gateway will parse."""


# ---------------------------------------------------------------- parsing

# A JSON string (skipped whole, so brackets inside it do not count) or a bracket.
_TOKENS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|([\[{])|([\]}])', re.DOTALL)


def _check_depth(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return  # the common case: too few brackets to nest that deep
    depth = 0
    for match in _TOKENS.finditer(text):
        if match.lastindex == 1:
            depth += 1
            if depth > MAX_DEPTH:
                raise BadJson(f"nested deeper than {MAX_DEPTH} levels")
        elif match.lastindex == 2:
            depth -= 1


def _no_constant(name: str) -> Any:
    raise BadJson(f"{name} is not a JSON number")


def parse_json(raw: str | bytes) -> Any:
    """Parse untrusted JSON text (bytes must be UTF-8). Strings in the result may still hold
    lone surrogates from escapes; check_action and check_ingest refuse those by field."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadJson(f"not UTF-8 (byte {exc.start})") from None
    _check_depth(raw)
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except RecursionError:  # unreachable after _check_depth; kept so it can never escape
        raise BadJson(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError, an integer of over 4300 digits, BadJson
        raise BadJson(str(exc)) from None


def is_unicode(text: str) -> bool:
    """False if text holds a lone surrogate (it cannot be encoded as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.<key>" if path else "<key>", key
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _check_unicode(value: Any) -> None:
    for path, text in _strings(value, ""):
        if not is_unicode(text):
            shown = path if len(path) <= 200 else path[:200] + "…"  # keys may be long
            raise Invalid(f"{shown or 'value'}: not valid Unicode (a lone UTF-16 surrogate)")


# ---------------------------------------------------------------- schemas

_formats = jsonschema.FormatChecker(formats=())
_RFC3339: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)


@_formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    # RFC 3339 with an offset, and a real date and time (fromisoformat checks the ranges).
    if not isinstance(value, str):
        return True
    if _RFC3339.fullmatch(value) is None:
        return False
    datetime.fromisoformat(value)
    return True


def _filling_defaults(cls: type[Validator]) -> type[Validator]:
    """The validator class that also sets each absent property's schema "default"
    (jsonschema's documented recipe), so documented defaults are applied from the docs too."""
    check_properties: Callable[..., Iterator[ValidationError]] = cls.VALIDATORS["properties"]

    def properties(
        validator: Validator, props: dict[str, Any], instance: Any, schema: dict[str, Any]
    ) -> Iterator[ValidationError]:
        if isinstance(instance, dict):
            for name, sub in props.items():
                if isinstance(sub, dict) and "default" in sub and name not in instance:
                    instance[name] = copy.deepcopy(sub["default"])
        yield from check_properties(validator, props, instance, schema)

    extended: type[Validator] = validators.extend(cls, {"properties": properties})  # type: ignore[no-untyped-call]
    return extended


_Validator: Final = _filling_defaults(jsonschema.Draft202012Validator)


@cache
def _registry() -> Registry:
    registry: Registry = Registry()
    for path, contents in SCHEMAS.items():
        # Without "$schema" (they are all 2020-12): jsonschema picks the validator class of a
        # referenced schema by its "$schema", which would drop the default-filling extension.
        bare = {k: v for k, v in contents.items() if k != "$schema"}
        resource = Resource.from_contents(bare, default_specification=DRAFT202012)
        registry = registry.with_resource(_BASE + path, resource)
    return registry


@cache
def validator(name: str) -> Validator:
    """A validator for schemas/<name> (relative $refs resolved among the shipped schemas); it
    fills documented defaults into what it validates."""
    return _Validator({"$ref": _BASE + name}, registry=_registry(), format_checker=_formats)


_TYPE_NAMES: Final = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _path(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(error: ValidationError) -> str:
    """A short message naming the field; never echoes the (possibly huge) value."""
    path = _path(error)
    kind: Any = error.validator
    expected: Any = error.validator_value
    if kind == "required" and isinstance(error.instance, dict):
        missing = next((k for k in expected if k not in error.instance), "?")
        return f"{path + '.' if path else ''}{missing}: required"
    where = path or "body"
    if kind == "type":
        names = [str(n) for n in (expected if isinstance(expected, list) else [expected])]
        return f"{where}: expected " + " or ".join(_TYPE_NAMES.get(n) or n for n in names)
    if kind == "pattern" and expected == "\\S":
        return f"{where}: must not be empty"
    messages = {
        "minLength": "must not be empty",
        "minItems": "must not be empty",
        "maxLength": f"longer than {expected} characters",
        "maxItems": f"more than {expected} items",
        "enum": "one of " + ", ".join(map(str, expected)) if isinstance(expected, list) else "",
        "const": f"must be {json.dumps(expected)}",
        "format": "expected an RFC 3339 time with an offset (e.g. 2030-01-01T08:00:00Z)",
        "pattern": f"must match {expected}",
    }
    if kind in messages:
        return f"{where}: {messages[kind]}"
    if kind in ("oneOf", "anyOf") and isinstance(error.schema, dict) and "description" in error.schema:
        return f"{where}: {error.schema['description']}"
    return f"{where}: {error.message[:200]}"


def _validate(name: str, instance: Any) -> None:
    _check_unicode(instance)
    errors = list(validator(name).iter_errors(instance))
    if errors:
        raise Invalid(_describe(max(errors, key=relevance)))


def check_action(frame: dict[str, Any]) -> None:
    """Check a client action (its "type" is one of protocol.ACTION_TYPES) against its schema,
    filling documented defaults (approval.decide's comment)."""
    _validate(f"{frame['type']}.json", frame)


def check_ingest(body: Any, integration: str) -> None:
    """Check a POST /v1/events body against ingest-request.json and fill the defaults of the
    optional data fields in place, so every recipient gets every documented field."""
    _validate("ingest-request.json", body)
    data = body["data"]
    if body["type"] == "approval.requested":
        data["approval"].setdefault("integration", integration)
    elif body["type"] == "chat.message":
        data["message"].setdefault("time", now_iso())


def check_session_request(body: Any) -> None:
    """Check a POST /v1/sessions body against session-request.json."""
    _validate("session-request.json", body)
