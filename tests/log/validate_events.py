#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate pdguard event lines against docs/events.schema.json (Debian's python3-jsonschema).

usage: validate_events.py SCHEMA FILE...   every line of every FILE must validate
       validate_events.py --ops FILE...    print the ops seen, one a line (what a test covered)

Exit 0 when every line is valid, 1 naming each bad line (FILE:LINE: why), 2 on bad usage or
an unreadable file. Only for the test rig: the agent itself never needs Python.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (scripts/deps.sh test)", file=sys.stderr)
    sys.exit(2)


def strict_constant(name):
    raise ValueError("not JSON: %s" % name)


def load_lines(path):
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            yield n, raw


def main(argv):
    if len(argv) >= 2 and argv[0] == "--ops":
        ops = set()
        for path in argv[1:]:
            for _, raw in load_lines(path):
                try:
                    ops.add(json.loads(raw).get("op"))
                except ValueError:
                    pass
        for op in sorted(o for o in ops if isinstance(o, str)):
            print(op)
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    total = 0
    for path in argv[1:]:
        try:
            lines = list(load_lines(path))
        except OSError as e:
            print("%s: %s" % (path, e.strerror), file=sys.stderr)
            return 2
        for n, raw in lines:
            total += 1
            try:
                # strict JSON: UTF-8, no NaN/Infinity, no duplicate members
                def no_dupes(pairs):
                    keys = [k for k, _ in pairs]
                    if len(keys) != len(set(keys)):
                        raise ValueError("duplicate member")
                    return dict(pairs)
                ev = json.loads(raw.decode("utf-8"), parse_constant=strict_constant,
                                object_pairs_hook=no_dupes)
            except (ValueError, UnicodeDecodeError) as e:
                print("%s:%d: not a JSON object: %s" % (path, n, e))
                bad += 1
                continue
            errors = sorted(validator.iter_errors(ev), key=lambda e: list(e.path))
            for e in errors[:3]:
                where = "/".join(str(p) for p in e.absolute_path) or "(line)"
                print("%s:%d: op %r: %s: %s" % (path, n, ev.get("op") if isinstance(ev, dict)
                                                 else None, where, e.message))
            if errors:
                bad += 1
    print("%d line(s), %d invalid" % (total, bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
