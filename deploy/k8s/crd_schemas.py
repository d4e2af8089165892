"""JSON schemas for the operator resources Sauda deploys, from their CustomResourceDefinitions.

Vendored into schemas/ (one file per kind and version, `<kind>-<group>-<version>.json`) so the
manifest test runs offline. They were made from registry packages, with:
  Strimzi 0.45.0 (Maven Central io.strimzi:api and io.strimzi:crd-generator, Strimzi's own
  generator of its CRDs):
    java -cp "lib/*" io.strimzi.crdgenerator.CrdGenerator --yaml \
      io.strimzi.api.kafka.model.kafka.Kafka=kafka.yaml \
      io.strimzi.api.kafka.model.nodepool.KafkaNodePool=nodepool.yaml \
      io.strimzi.api.kafka.model.topic.KafkaTopic=topic.yaml
  CloudNativePG 1.24.1 (Go module github.com/cloudnative-pg/cloudnative-pg@v1.24.1,
  config/crd/bases/postgresql.cnpg.io_clusters.yaml, `go mod download -json`).
then `uv run python deploy/k8s/crd_schemas.py CRD.yaml...`. Like kubeconform's strict mode,
every object that lists its properties refuses others, unless the CRD keeps unknown fields.
"""

import json
import sys
from pathlib import Path
from typing import Any

import yaml

SCHEMAS = Path(__file__).parent / "schemas"


def strict(node: Any) -> Any:
    """`node` with additionalProperties: false on every closed object."""
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def schema_file(kind: str, group: str, version: str) -> Path:
    return SCHEMAS / f"{kind.lower()}-{group.split('.')[0]}-{version}.json"


def convert(crd: dict[str, Any]) -> dict[Path, dict[str, Any]]:
    kind, group = crd["spec"]["names"]["kind"], crd["spec"]["group"]
    out = {}
    for version in crd["spec"]["versions"]:
        if not version.get("served", True):
            continue
        schema = strict(version["schema"]["openAPIV3Schema"])
        # metadata is checked by the API server itself, not by the CRD.
        schema.setdefault("properties", {})["metadata"] = {"type": "object"}
        out[schema_file(kind, group, version["name"])] = schema
    return out


if __name__ == "__main__":
    SCHEMAS.mkdir(exist_ok=True)
    for arg in sys.argv[1:]:
        for doc in yaml.safe_load_all(Path(arg).read_text()):
            for path, schema in convert(doc).items():
                path.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True) + "\n")
                print(f"wrote {path}")
