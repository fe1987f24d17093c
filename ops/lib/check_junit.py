"""Validates JUnit XML files against an XSD: check_junit.py SCHEMA FILE...

Prints "FILE: valid" or "FILE: reason" for each file; exits 0 when all are valid, 1 otherwise,
2 when the schema itself cannot be read.
"""
import sys

import xmlschema


def main(argv):
    if len(argv) < 3:
        print("usage: check_junit.py SCHEMA FILE...", file=sys.stderr)
        return 2
    try:
        schema = xmlschema.XMLSchema(argv[1])
    except Exception as error:  # the schema is ours: any problem with it is a setup error
        print(f"{argv[1]}: cannot load the schema: {error}", file=sys.stderr)
        return 2
    status = 0
    for path in argv[2:]:
        try:
            errors = list(schema.iter_errors(path))
        except Exception as error:  # not well-formed XML, unreadable file
            print(f"{path}: {error}")
            status = 1
            continue
        if errors:
            status = 1
            for error in errors:
                print(f"{path}: {error.path}: {error.reason}")
        else:
            print(f"{path}: valid")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
