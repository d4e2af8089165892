"""HEALTH_HOST: a consumer's health port stays on loopback unless a deployment opens it."""

import pytest

from sauda_runtime.service import consumer_health
from sauda_runtime.settings import CommonSettings


def test_the_health_port_listens_on_loopback_by_default() -> None:
    settings = CommonSettings()
    server = consumer_health("notifier", None, None, 8103, settings.health_host)
    assert (server.config.host, server.config.port) == ("127.0.0.1", 8103)


def test_health_host_from_the_environment_opens_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTH_HOST", "0.0.0.0")
    server = consumer_health("notifier", None, None, 8103, CommonSettings().health_host)
    assert server.config.host == "0.0.0.0"
