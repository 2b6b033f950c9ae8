"""YAML loading that remembers where every mapping value and list item came from.

The scenario model needs line numbers for its error messages; plain yaml.safe_load throws them away.
Mappings load as LineDict and lists as LineList, both carrying 1-based line numbers.
"""

import yaml


class LineDict(dict):
    """A mapping that knows its own line and the line of each value."""

    line = 0

    def __init__(self):
        super().__init__()
        self.value_lines = {}

    def line_of(self, key):
        return self.value_lines.get(key, self.line)


class LineList(list):
    """A list that knows its own line and the line of each item."""

    line = 0

    def __init__(self):
        super().__init__()
        self.item_lines = []

    def line_of(self, index):
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlSyntaxError(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise YamlSyntaxError(key_node.start_mark.line + 1, f"mapping key {key!r} must be a string")
        if key in data:
            raise YamlSyntaxError(key_node.start_mark.line + 1, f"duplicate key '{key}'")
        data[key] = loader.construct_object(value_node, deep=True)
        data.value_lines[key] = value_node.start_mark.line + 1


def _construct_sequence(loader, node):
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for item_node in node.value:
        data.append(loader.construct_object(item_node, deep=True))
        data.item_lines.append(item_node.start_mark.line + 1)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load_with_lines(text):
    """Parses one YAML document; raises YamlSyntaxError (with a line) on bad YAML."""
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        text = " ".join(part for part in (err.context, err.problem) if part)
        raise YamlSyntaxError(line, f"invalid YAML: {text}") from None
    except yaml.YAMLError as err:
        raise YamlSyntaxError(0, f"invalid YAML: {err}") from None
