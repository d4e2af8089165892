"""Write every contract's JSON Schema to a folder (`sauda schemas DIR`)."""

import json
from pathlib import Path

from pydantic import BaseModel

from sauda_contracts import api, carts, catalog, orders

MODELS: tuple[type[BaseModel], ...] = (
    orders.PlaceOrder,
    orders.ChangeOrderStatus,
    orders.OrderPlaced,
    orders.OrderConfirmed,
    orders.OrderShipped,
    orders.OrderDelivered,
    orders.OrderCancelled,
    orders.OrderReturned,
    orders.OrderCommandRejected,
    orders.UpsertOrder,
    orders.OrderPaymentChanged,
    orders.OrderFulfillmentUpdated,
    carts.CartAbandoned,
    carts.CartRecovered,
    orders.UpsertOrder,
    orders.OrderPaymentChanged,
    orders.OrderFulfillmentUpdated,
    carts.CartAbandoned,
    carts.CartRecovered,
    api.IngestRequest,
    api.IngestResponse,
    api.StatusChangeRequest,
    api.OrderOut,
    api.OrderList,
    api.ApiError,
    catalog.ProductIn,
    catalog.ProductOut,
    catalog.FaqIn,
    catalog.FaqOut,
    catalog.ImportRequest,
    catalog.ImportReport,
)


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for model in MODELS:
        path = folder / f"{model.__name__}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
