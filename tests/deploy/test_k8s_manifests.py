"""deploy/k8s: the kustomize overlays render, and every resource is valid against the
Kubernetes JSON schemas and the Strimzi / CloudNativePG CRD schemas (offline, vendored), the
topics match the topic table, and each service's Deployment is what a cluster needs to run it.
"""

import copy
import importlib.util
import os
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sauda_cli.services import SERVICES
from sauda_contracts.topics import TOPICS

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
PRODUCTION = K8S / "overlays" / "production"
DEV = K8S / "overlays" / "dev"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"k8s_{name}", K8S / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


validate = _load("validate")
topics = _load("topics")


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    resources, found = validate.validate(PRODUCTION)
    assert found == []
    return resources


def _of(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


@pytest.mark.parametrize("overlay", [PRODUCTION, DEV], ids=["production", "dev"])
def test_every_resource_of_the_overlay_is_valid(overlay: Path) -> None:
    resources, found = validate.validate(overlay)
    assert found == []
    kinds = {r["kind"] for r in resources}
    assert {"Kafka", "KafkaNodePool", "KafkaTopic", "Cluster", "Deployment"} <= kinds
    assert {"HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"} <= kinds


def test_the_committed_topics_file_is_what_the_topic_table_makes() -> None:
    committed = (K8S / "base" / "kafka" / "topics.yaml").read_text()
    assert committed == topics.render(), "run `uv run python deploy/k8s/topics.py`"


def test_a_kafka_topic_per_topic_with_its_partitions_and_retention(
    production: list[dict[str, Any]],
) -> None:
    made = {t["spec"]["topicName"]: t["spec"] for t in _of(production, "KafkaTopic").values()}
    assert set(made) == {t.name for t in TOPICS}
    for table in TOPICS:
        assert made[table.name]["partitions"] == table.partitions
        assert made[table.name]["replicas"] == 3
        for key, value in table.config.items():
            assert made[table.name]["config"][key] == value
    labels = {
        t["metadata"]["labels"]["strimzi.io/cluster"]
        for t in _of(production, "KafkaTopic").values()
    }
    assert labels == set(_of(production, "Kafka"))


def test_kafka_is_kraft_with_three_brokers_and_controllers(
    production: list[dict[str, Any]],
) -> None:
    (kafka,) = _of(production, "Kafka").values()
    assert kafka["metadata"]["annotations"]["strimzi.io/kraft"] == "enabled"
    (pool,) = _of(production, "KafkaNodePool").values()
    assert pool["spec"]["replicas"] == 3
    assert set(pool["spec"]["roles"]) == {"broker", "controller"}
    (cluster,) = _of(production, "Cluster").values()
    assert cluster["spec"]["instances"] == 3
    assert cluster["spec"]["bootstrap"]["initdb"] == {
        **cluster["spec"]["bootstrap"]["initdb"],
        "database": "sauda",
        "owner": "sauda",
    }


def test_each_service_runs_with_probes_on_its_health_port_and_secrets(
    production: list[dict[str, Any]],
) -> None:
    deployments = _of(production, "Deployment")
    expected = {s.name for s in SERVICES} - {"whatsapp-sandbox"}
    assert set(deployments) == expected  # the sandbox is never deployed in production
    for service in SERVICES:
        if service.name not in expected:
            continue
        container = _container(deployments[service.name])
        assert container["command"] == ["python", "-m", service.module]
        assert container["image"].startswith("ghcr.io/")  # the overlay's images: entry
        port = service.port[1]
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            spec = container[probe]
            assert spec["httpGet"]["path"] == path  # the kubelet asks, no exec in the pod
            named = {p["name"]: p["containerPort"] for p in container["ports"]}
            assert named[spec["httpGet"]["port"]] == port
        if service.name != "ingest-gateway":  # a consumer's health port opened to the kubelet
            (source,) = container["envFrom"]
            config = _of(production, "ConfigMap")[source["configMapRef"]["name"]]
            assert config["data"]["HEALTH_HOST"] == "0.0.0.0"
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        env = {e["name"]: e for e in container["env"]}
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": "sauda-pg-app",
            "key": "uri",
        }
        assert env["SAUDA_SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "sauda-secrets"
    gateway_env = {e["name"] for e in _container(deployments["ingest-gateway"])["env"]}
    assert {"WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"} <= gateway_env


def test_no_consumer_group_has_more_members_than_partitions(
    production: list[dict[str, Any]],
) -> None:
    fewest = min(t.partitions for t in TOPICS if t.name.startswith(("orders.", "whatsapp.")))
    (hpa,) = _of(production, "HorizontalPodAutoscaler").values()
    assert hpa["spec"]["scaleTargetRef"]["name"] == "ingest-gateway"
    assert hpa["spec"]["maxReplicas"] <= fewest
    webhooks = min(t.partitions for t in TOPICS if t.name.startswith("webhooks."))
    deployments = _of(production, "Deployment")
    for name in ("order-ledger", "conversation", "notifier"):
        assert 2 <= deployments[name]["spec"]["replicas"] <= fewest
    assert 2 <= deployments["webhook-dispatcher"]["spec"]["replicas"] <= webhooks
    assert set(_of(production, "PodDisruptionBudget")) == set(deployments)


def test_network_policies_deny_by_default_and_open_only_what_is_needed(
    production: list[dict[str, Any]],
) -> None:
    policies = _of(production, "NetworkPolicy")
    deny = policies["sauda-default-deny"]["spec"]
    assert deny["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in deny
    assert "egress" not in deny
    internet = policies["sauda-egress-internet"]["spec"]
    (names,) = internet["podSelector"]["matchExpressions"]
    assert {"notifier", "webhook-dispatcher"} <= set(names["values"])
    assert internet["egress"][0]["ports"] == [{"protocol": "TCP", "port": 443}]
    assert "10.0.0.0/8" in internet["egress"][0]["to"][0]["ipBlock"]["except"]
    gateway = policies["ingest-gateway-ingress"]["spec"]
    assert gateway["ingress"] == [{"ports": [{"protocol": "TCP", "port": 8000}]}]


def _broken_overlay(tmp_path: Path, patch: str, target: str) -> Path:
    overlay = tmp_path / "broken"
    overlay.mkdir()
    production = os.path.relpath(PRODUCTION, overlay)  # kustomize takes no absolute base
    (overlay / "kustomization.yaml").write_text(
        textwrap.dedent(
            f"""\
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - {production}
            patches:
              - target: {target}
                patch: |-
            """
        )
        + textwrap.indent(textwrap.dedent(patch), "      ")
    )
    return overlay


@pytest.mark.parametrize(
    ("target", "patch", "complaint"),
    [
        (
            "{kind: Deployment, name: notifier}",
            """\
            - op: move
              from: /spec/template/spec/containers/0/readinessProbe
              path: /spec/template/spec/containers/0/readinessProbes
            """,
            "Deployment/notifier: spec.template.spec.containers.0: Additional properties",
        ),
        (
            "{kind: HorizontalPodAutoscaler}",
            """\
            - op: replace
              path: /spec/maxReplicas
              value: twelve
            """,
            "HorizontalPodAutoscaler/ingest-gateway: spec.maxReplicas",
        ),
        (
            "{kind: KafkaTopic, name: orders-events-v1}",
            """\
            - op: replace
              path: /spec/partitions
              value: twelve
            """,
            "KafkaTopic/orders-events-v1: spec.partitions",
        ),
        (
            "{kind: Cluster}",
            """\
            - op: add
              path: /spec/instancess
              value: 3
            """,
            "Cluster/sauda-pg: spec: Additional properties",
        ),
        (
            "{kind: Kafka}",
            """\
            - op: replace
              path: /spec/kafka/listeners/0/type
              value: public
            """,
            "Kafka/sauda-kafka: spec.kafka.listeners.0.type",
        ),
    ],
    ids=[
        "deployment-unknown-field",
        "hpa-wrong-type",
        "topic-wrong-type",
        "cnpg-unknown-field",
        "strimzi-bad-enum",
    ],
)
def test_a_broken_manifest_is_rejected(
    tmp_path: Path, target: str, patch: str, complaint: str
) -> None:
    resources, found = validate.validate(_broken_overlay(tmp_path, patch, target))
    assert len(resources) > 30  # the whole overlay rendered, with the one fault in it
    assert len(found) == 1
    assert found[0].startswith(complaint)


def test_a_kind_without_a_schema_is_rejected(production: list[dict[str, Any]]) -> None:
    policy = copy.deepcopy(_of(production, "NetworkPolicy")["sauda-default-deny"])
    policy["kind"] = "NetworkPolicyy"
    assert validate.problems(policy) == [
        "NetworkPolicyy/sauda-default-deny: no Kubernetes 1.30.0 schema for "
        "networking.k8s.io/v1 NetworkPolicyy"
    ]
    topic = copy.deepcopy(next(iter(_of(production, "KafkaTopic").values())))
    topic["apiVersion"] = "kafka.strimzi.io/v1"
    assert "no schema for KafkaTopic" in validate.problems(topic)[0]
