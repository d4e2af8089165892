"""Numbers and templates kept in a JSON file, so a restarted sandbox keeps its demo number."""

import json
import os
from pathlib import Path
from typing import Any

from sauda_runtime.logging import get_logger

log = get_logger(__name__)


class StateFile:
    """Whole-file JSON snapshots, replaced atomically; no file configured means memory only."""

    def __init__(self, path: Path | None) -> None:
        self._path = path

    def load(self) -> dict[str, Any]:
        if self._path is None or not self._path.exists():
            return {}
        try:
            data = json.loads(self._path.read_text())
        except (OSError, ValueError) as exc:
            log.error("state_file_unreadable", path=str(self._path), error=repr(exc))
            raise
        return data if isinstance(data, dict) else {}

    def save(self, data: dict[str, Any]) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_name(self._path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
        os.replace(tmp, self._path)
