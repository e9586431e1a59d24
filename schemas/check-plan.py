#!/usr/bin/env python3
"""Validates the lambda_* resources of `terraform show -json` output against schemas/.

usage: check-plan.py SHOW.json [SCHEMAS_DIR]

SHOW.json is `terraform show -json PLANFILE` (a saved plan: each resource's
`planned_values`) or `terraform show -json` (the state: each resource's `values`).
For every managed resource with a `<type>.schema.json` in SCHEMAS_DIR (default: this
script's directory), its values, restricted to the properties the schema lists (the
configurable attributes), are validated with the `jsonschema` package.

A plan leaves out values Terraform does not know yet (an attribute set from another
resource's computed attribute, like `arn`): a required attribute missing from
`planned_values` is accepted when the plan's `after_unknown` marks it unknown.

Exit status 0 when every resource validates, 1 otherwise; one line per error.
"""

import json
import pathlib
import sys

from jsonschema import Draft202012Validator


def resources(module):
    """The resources of a module and its child modules."""
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from resources(child)


def configurable(value, schema):
    """`value` without the keys a closed object schema does not list (computed-only
    attributes), recursively through objects and arrays."""
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        return {k: configurable(v, props[k]) for k, v in value.items() if k in props}
    if isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        inner = schema["additionalProperties"]
        return {k: configurable(v, inner) for k, v in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [configurable(v, schema["items"]) for v in value]
    return value


def is_unknown(after_unknown, path):
    """Whether `after_unknown` marks the value at `path` (keys and indexes) unknown."""
    node = after_unknown
    for step in path:
        if node is True:
            return True
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return False
    return node is True


def check(show, schemas_dir):
    """(number of resources checked, error lines)."""
    if "planned_values" in show:
        root = show["planned_values"].get("root_module", {})
        unknown = {
            rc["address"]: rc.get("change", {}).get("after_unknown") or {}
            for rc in show.get("resource_changes", [])
        }
    else:
        root = show.get("values", {}).get("root_module", {})
        unknown = {}
    checked, errors = 0, []
    for resource in resources(root):
        path = schemas_dir / f"{resource['type']}.schema.json"
        if resource.get("mode") != "managed" or not path.is_file():
            continue
        schema = json.loads(path.read_text())
        values = configurable(resource.get("values") or {}, schema)
        address = resource["address"]
        checked += 1
        for error in Draft202012Validator(schema).iter_errors(values):
            where = list(error.absolute_path)
            if error.validator == "required":
                missing = [n for n in error.validator_value if n not in error.instance]
                if all(is_unknown(unknown.get(address), where + [n]) for n in missing):
                    continue
            errors.append(f"{address}: {'.'.join(map(str, where)) or '(root)'}: {error.message}")
    return checked, errors


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    schemas_dir = pathlib.Path(argv[2]) if len(argv) > 2 else pathlib.Path(__file__).parent
    with open(argv[1]) as f:
        show = json.load(f)
    checked, errors = check(show, schemas_dir)
    for line in errors:
        print(line)
    print(f"{checked} resource(s) checked, {len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
