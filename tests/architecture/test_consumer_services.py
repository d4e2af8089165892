"""The consumer services start through the runtime's ConsumerService, which finds a service's
schema and health port in its settings by name: each settings class must have both, typed."""

import pytest

from sauda_conversation.settings import ConversationSettings
from sauda_notifier.settings import NotifierSettings
from sauda_runtime.settings import CommonSettings
from sauda_webhooks.settings import WebhooksSettings


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("notifier", NotifierSettings),
        ("webhooks", WebhooksSettings),
        ("conversation", ConversationSettings),
    ],
)
def test_each_consumer_service_names_its_schema_and_health_port(
    name: str, settings: type[CommonSettings]
) -> None:
    fields = settings.model_fields
    assert fields[f"{name}_db_schema"].annotation is str
    assert fields[f"{name}_health_port"].annotation is int
    made = settings()
    assert getattr(made, f"{name}_db_schema") == name
    assert 1024 < getattr(made, f"{name}_health_port") < 65536
