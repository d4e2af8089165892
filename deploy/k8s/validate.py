"""Render a kustomize overlay and check every resource against its schema, offline.

Kubernetes' own kinds are checked against the JSON schemas the `kubernetes-validate` package
ships (strict: an unknown field is an error), Strimzi's and CloudNativePG's against the CRD
schemas vendored in schemas/ (crd_schemas.py). A kind with no schema is an error too.

  uv run python deploy/k8s/validate.py deploy/k8s/overlays/production
"""

import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

KUBERNETES_VERSION = "1.30.0"
SCHEMAS = Path(__file__).parent / "schemas"
SCRIPTS = Path(__file__).parents[1] / "scripts"
CRD_GROUPS = ("kafka.strimzi.io", "postgresql.cnpg.io")


def kustomize() -> list[str]:
    """The command that renders an overlay: kubectl's built-in kustomize, else a kustomize
    binary (deploy/scripts/kustomize.sh builds one from its Go module when neither is there)."""
    kubectl = shutil.which("kubectl")
    if kubectl is not None:
        return [kubectl, "kustomize"]
    out = subprocess.run(
        ["bash", str(SCRIPTS / "kustomize.sh")], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"no kustomize: {out.stderr.strip()}")
    return [out.stdout.strip().splitlines()[-1], "build"]


def render(overlay: Path) -> list[dict[str, Any]]:
    """The rendered overlay (`kubectl kustomize OVERLAY`) as a list of resources."""
    command = [*kustomize(), str(overlay)]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {out.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@cache
def _crd_validator(kind: str, group: str, version: str) -> jsonschema.protocols.Validator:
    path = SCHEMAS / f"{kind.lower()}-{group.split('.')[0]}-{version}.json"
    if not path.exists():
        raise LookupError(f"no schema for {kind} {group}/{version} in {SCHEMAS}")
    schema = json.loads(path.read_text())
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def problems(resource: dict[str, Any]) -> list[str]:
    """What is wrong with `resource`: empty when it is valid."""
    kind = resource.get("kind", "?")
    name = (resource.get("metadata") or {}).get("name", "?")
    where = f"{kind}/{name}"
    api_version = str(resource.get("apiVersion", ""))
    group, _, version = api_version.rpartition("/")
    if group in CRD_GROUPS:
        try:
            validator = _crd_validator(kind, group, version)
        except LookupError as e:
            return [f"{where}: {e}"]
        return [
            f"{where}: {'.'.join(map(str, err.absolute_path)) or '(root)'}: {err.message}"
            for err in validator.iter_errors(resource)
        ]
    try:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{where}: no Kubernetes {KUBERNETES_VERSION} schema for {api_version} {kind}"]
    except kubernetes_validate.ValidationError as e:
        path = ".".join(map(str, e.path)) or "(root)"
        return [f"{where}: {path}: {e.message}"]
    return []


def validate(overlay: Path) -> tuple[list[dict[str, Any]], list[str]]:
    resources = render(overlay)
    return resources, [p for r in resources for p in problems(r)]


if __name__ == "__main__":
    failed = False
    for arg in sys.argv[1:] or [str(Path(__file__).parent / "overlays" / "production")]:
        resources, found = validate(Path(arg))
        for problem in found:
            print(problem)
        failed |= bool(found)
        print(f"{arg}: {len(resources)} resources, {len(found)} problems")
    sys.exit(1 if failed else 0)
