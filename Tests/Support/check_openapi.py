#!/usr/bin/python3
"""Checks real API exchanges against the OpenAPI 3.1 document, independently of the Swift code.

usage: check_openapi.py OPENAPI.yaml EXCHANGES.json
EXCHANGES.json is a list of {"method", "path" (the template, e.g. /subscribers/{email}), "status",
"content_type", "body" (text), "request" (JSON value or null)}. For each exchange: the status must be
documented for that operation, a JSON body must validate against the documented schema (JSON Schema 2020-12,
as OpenAPI 3.1 uses), a 204 must have no body, and a request body that got a 2xx must validate against the
documented request schema. Prints one line per problem; exit status 1 if there is any.
"""
import json
import sys

import jsonschema
import yaml


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node and len(node) == 1 and not node["$ref"].startswith("#/components/schemas"):
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def validate(document, schema, value):
    root = dict(document)
    root.pop("$ref", None)
    root.update(schema)
    validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(value)]


def main():
    document = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    assert document.get("openapi", "").startswith("3.1"), "not an OpenAPI 3.1 document"
    exchanges = json.load(open(sys.argv[2], encoding="utf-8"))
    base = document["servers"][0]["url"]
    problems = []
    for exchange in exchanges:
        name = f'{exchange["method"]} {exchange["path"]} → {exchange["status"]}'
        path = exchange["path"][len(base):] if exchange["path"].startswith(base) else exchange["path"]
        operation = document["paths"].get(path, {}).get(exchange["method"].lower())
        if operation is None:
            problems.append(f"{name}: operation not documented")
            continue
        response = operation["responses"].get(str(exchange["status"]))
        if response is None:
            problems.append(f"{name}: status not documented")
            continue
        response = resolve(document, response)
        if exchange["status"] == 204:
            if exchange["body"]:
                problems.append(f"{name}: 204 with a body")
            continue
        content = response.get("content", {})
        if "application/json" in content:
            if not exchange["content_type"].startswith("application/json"):
                problems.append(f"{name}: content type {exchange['content_type']!r}, documented application/json")
                continue
            body = json.loads(exchange["body"])
            for error in validate(document, content["application/json"]["schema"], body):
                problems.append(f"{name}: response {error}")
        request = exchange.get("request")
        if request is not None and 200 <= exchange["status"] < 300:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            for error in validate(document, schema, request):
                problems.append(f"{name}: accepted request {error}")
    for problem in problems:
        print(problem)
    print(f"{len(exchanges)} exchanges checked, {len(problems)} problems", file=sys.stderr)
    sys.exit(1 if problems else 0)


main()
