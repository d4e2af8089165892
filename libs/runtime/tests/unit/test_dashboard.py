"""The Grafana dashboard cannot drift from the code: every metric it queries is one a Sauda
module registers, and every metric of the runtime's list has a panel."""

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY

import sauda_notifier.handlers.common  # noqa: F401  (registers the notifier's counters)
import sauda_runtime.kit  # noqa: F401  (registers the kit's record counter)
from sauda_runtime.metrics import ALL, exported_names

DASHBOARD = Path(__file__).parents[4] / "deploy" / "grafana" / "sauda.json"
METRIC = re.compile(r"\bsauda_[a-z0-9_]+")


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dashboard["panels"] if p.get("type") != "row"]


def queried(dashboard: dict[str, Any]) -> set[str]:
    exprs = [t["expr"] for p in panels(dashboard) for t in p["targets"]]
    return {name for expr in exprs for name in METRIC.findall(expr)}


def test_every_metric_the_dashboard_queries_is_registered_by_the_code() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    registered = exported_names(REGISTRY.collect())

    unknown = queried(dashboard) - registered

    assert queried(dashboard), "the dashboard queries no Sauda metric"
    assert not unknown, f"the dashboard queries metrics no code registers: {sorted(unknown)}"


def test_every_runtime_metric_has_a_panel() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    shown = queried(dashboard)

    missing = [
        family.name for metric in ALL for family in metric.describe()
        if not exported_names([family]) & shown
    ]  # fmt: skip

    assert not missing, f"metrics without a panel: {missing}"


def test_panels_use_the_datasource_and_service_variables() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}

    assert variables["datasource"]["type"] == "datasource"
    assert variables["service"]["includeAll"] is True
    for panel in panels(dashboard):
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
    service_scoped = [t["expr"] for p in panels(dashboard) for t in p["targets"]
                      if 'service=~"$service"' in t["expr"]]  # fmt: skip
    assert len(service_scoped) >= 10
