"""Write every contract's JSON Schema to a folder (`sauda schemas DIR`): each record type of
every topic, and every HTTP body."""

import json
from pathlib import Path

from pydantic import BaseModel

from sauda_contracts.registry import body_types, record_types

MODELS: tuple[type[BaseModel], ...] = (*record_types(), *body_types())


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for model in MODELS:
        path = folder / f"{model.__name__}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
