"""YAML with source positions: mappings and lists that remember where each value was.

``load_yaml(text, path)`` returns plain Python values where every mapping is a ``YDict`` and
every list a ``YList``; both carry the ``Location`` of themselves, of each key and of each
value, so any later stage can report ``path:line:col``. A YAML syntax error or a duplicate
key becomes a ``Problem``, never a traceback.
"""

from __future__ import annotations

from typing import Any

import yaml

from grader.errors import Location, Problem


class YDict(dict):
    """A mapping that knows where it, its keys and its values are in the source."""

    loc: Location
    key_locs: dict[Any, Location]
    value_locs: dict[Any, Location]
    raw: dict[Any, str]          # the scalar text as written (e.g. "2.10" for an id)


class YList(list):
    loc: Location
    item_locs: list[Location]


def _loc(path: str, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


def load_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(path, mark) if mark else Location(path)
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        return None, [Problem(loc, f"YAML syntax error: {what}", "check the indentation and quoting near this line")]
    except yaml.YAMLError as exc:
        return None, [Problem(Location(path), f"YAML error: {exc}")]
    if root is None:
        return None, [Problem(Location(path, 1, 1), "the rubric is empty")]
    constructor = yaml.constructor.SafeConstructor()

    def convert(node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            out = YDict()
            out.loc, out.key_locs, out.value_locs, out.raw = _loc(path, node.start_mark), {}, {}, {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    problems.append(Problem(_loc(path, key_node.start_mark), "YAML merge keys (<<) are not supported"))
                    continue
                key = convert(key_node)
                if isinstance(key, (YDict, YList)):
                    problems.append(Problem(_loc(path, key_node.start_mark), "a key must be a plain value"))
                    continue
                if key in out:
                    problems.append(Problem(_loc(path, key_node.start_mark), f"duplicate key {key!r}",
                                            f"it is already set at line {out.key_locs[key].line}"))
                    continue
                out[key] = convert(value_node)
                out.key_locs[key] = _loc(path, key_node.start_mark)
                out.value_locs[key] = _loc(path, value_node.start_mark)
                if isinstance(value_node, yaml.ScalarNode):
                    out.raw[key] = value_node.value
            return out
        if isinstance(node, yaml.SequenceNode):
            items = YList(convert(n) for n in node.value)
            items.loc = _loc(path, node.start_mark)
            items.item_locs = [_loc(path, n.start_mark) for n in node.value]
            return items
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problems.append(Problem(_loc(path, node.start_mark), f"cannot read this value: {exc}"))
            return None

    return convert(root), problems


def locate(node: Any, key: Any = None) -> Location:
    """The location of ``node[key]`` (of ``node`` itself when key is None or unknown)."""
    if isinstance(node, YDict):
        if key is not None:
            return node.value_locs.get(key) or node.key_locs.get(key) or node.loc
        return node.loc
    if isinstance(node, YList):
        if isinstance(key, int) and 0 <= key < len(node.item_locs):
            return node.item_locs[key]
        return node.loc
    return Location("<rubric>")


def key_location(node: Any, key: Any) -> Location:
    if isinstance(node, YDict) and key in node.key_locs:
        return node.key_locs[key]
    return locate(node)
