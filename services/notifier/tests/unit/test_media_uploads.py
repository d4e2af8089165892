"""A media upload's decisions, on their own: the file read must be the one the command names
(by its sha256), and the MediaUploaded says Meta's media id or its error."""

import hashlib
from datetime import UTC, datetime
from uuid import uuid4

from sauda_contracts.media import UploadStatus
from sauda_notifier.domain.media import file_problem, outcome, uploaded_event_id

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def test_the_file_must_be_the_one_the_command_names() -> None:
    digest = hashlib.sha256(b"logo").hexdigest()
    assert file_problem(digest, b"logo") is None
    assert "sha256" in (file_problem(digest, b"logo!") or "")
    assert "no longer" in (file_problem(digest, None) or "")


def test_the_outcome_is_metas_media_id_or_its_error_and_its_event_id_is_the_uploads() -> None:
    upload_id = uuid4()
    done = outcome(upload_id, media_id="1400", code=0, title="", now=NOW)
    assert (done.status, done.media_id, done.error) == (UploadStatus.UPLOADED, "1400", None)
    failed = outcome(upload_id, media_id=None, code=131053, title="Media upload error", now=NOW)
    assert failed.status is UploadStatus.FAILED and failed.media_id is None
    assert failed.error is not None and (failed.error.code, failed.error.title) == (
        131053, "Media upload error")  # fmt: skip
    assert (
        uploaded_event_id(upload_id) == uploaded_event_id(upload_id) != uploaded_event_id(uuid4())
    )
