"""Workspace documents parsed with a bound on how many values they hold.

A document's size in bytes is bounded where it is read (the request body, the file); the
number of values is bounded here, while parsing, so that neither a few lines of YAML aliases
("billion laughs") nor a few megabytes of tiny items can fill the memory.

YAML is parsed by libyaml (its events, in C) and composed here, counting every node (a
mapping, a list, a key, a value) and refusing aliases; JSON's values are counted before it is
parsed, from its commas, colons and brackets outside strings (`json_values`, by the domain's
scanner that also bounds request bodies).
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from headway.domain.json_text import json_values

try:
    from yaml._yaml import CParser as _Events
except ImportError:  # PyYAML built without libyaml: the same events, in Python
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Events(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class TooManyValues(ValueError):
    """The document holds more values than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"holds more than {limit} values (lists, mappings, keys and values)")


class TooDeep(ValueError):
    """The document nests deeper than Python can follow."""

    def __init__(self) -> None:
        super().__init__("is nested too deeply")


class _BoundedLoader(Composer, _Events, SafeConstructor, Resolver):
    """A safe YAML loader that counts nodes as it composes them and refuses aliases."""

    def __init__(self, text: str, max_values: int) -> None:
        _Events.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.max_values = max_values
        self.values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = getattr(self.peek_event(), "start_mark", None)
            raise ComposerError(None, None, "anchors and aliases (*name) are not accepted", mark)
        self.values += 1
        if self.values > self.max_values:
            raise TooManyValues(self.max_values)
        return super().compose_node(parent, index)


def load_yaml(text: str, *, max_values: int) -> object:
    """The YAML text's data; TooManyValues, TooDeep or yaml.YAMLError."""
    loader = _BoundedLoader(text, max_values)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise TooDeep from None
    finally:
        loader.dispose()


def load_json(text: str, *, max_values: int) -> object:
    """The JSON text's data; TooManyValues, TooDeep or json.JSONDecodeError."""
    if json_values(text) > max_values:
        raise TooManyValues(max_values)
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep from None
