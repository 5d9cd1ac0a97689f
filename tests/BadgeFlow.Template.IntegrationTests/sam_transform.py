"""Transforms a SAM template into CloudFormation with aws-sam-translator, as `sam deploy` has CloudFormation do.

Usage: python3 sam_transform.py template.yaml > transformed.json
Exit 0 and the CloudFormation JSON on stdout, or exit 1 with SAM's validation errors on stderr; exit 3 when
aws-sam-translator is not installed.
"""
import json
import logging
import sys

try:
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError as error:  # pragma: no cover - reported to the test as a missing peer
    print(f"aws-sam-translator is not installed for {sys.executable}: {error}", file=sys.stderr)
    sys.exit(3)


class NoManagedPolicies:
    """The translator asks IAM for AWS managed policy ARNs only when a function lists managed policy names under
    Policies; BadgeFlow's functions use their own roles, so there is nothing to resolve."""

    def load(self):
        return {}


def as_packaged(template):
    """`sam build` + `sam package` replace each function's local CodeUri with the S3 location of its uploaded zip
    before CloudFormation runs the transform; do the same with a placeholder location."""
    globals_function = template.get("Globals", {}).get("Function", {})
    if isinstance(globals_function.get("CodeUri"), str):
        del globals_function["CodeUri"]
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") == "AWS::Serverless::Function":
            properties = resource.setdefault("Properties", {})
            code_uri = properties.get("CodeUri")
            if not (isinstance(code_uri, str) and code_uri.startswith("s3://")):
                properties["CodeUri"] = f"s3://sam-package-placeholder/{logical_id}.zip"
    return template


def main(path):
    logging.disable(logging.WARNING)  # the translator logs feature-toggle notices that are not findings
    with open(path, encoding="utf-8") as stream:
        template = as_packaged(yaml_parse(stream.read()))
    try:
        transformed = transform(template, {}, NoManagedPolicies())
    except InvalidDocumentException as error:
        for cause in error.causes:
            print(cause.message, file=sys.stderr)
        return 1
    json.dump(transformed, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml"))
