"""Uploaded files kept between a preview and its confirmation.

The preview of an import saves the file here and hands the browser only a token; the
confirmation reads the same bytes back. Each user has a directory of their own under
`settings.PORTAL_UPLOAD_DIR` (never under MEDIA_ROOT: nothing here is served), each file an
unguessable token (32 random bytes), and a token only opens a file in the directory of the
user who asks, so one user can never confirm another user's upload. A file is removed when
its import is confirmed; anything older than `UPLOAD_TTL` is swept on the next save.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from import_export.tmp_storages import BaseStorage

UPLOAD_TTL = timedelta(hours=24)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


class UploadExpired(Exception):
    """The token opens no file of this user: expired, confirmed already, or not theirs."""


@dataclass(frozen=True)
class StoredUpload:
    token: str
    data: bytes
    meta: dict


def _directory(user_id: int) -> Path:
    return Path(settings.PORTAL_UPLOAD_DIR) / str(int(user_id))


def _paths(user_id: int, token: str) -> tuple[Path, Path]:
    if not TOKEN_RE.match(token or ""):
        raise UploadExpired(token)
    base = _directory(user_id)
    return base / f"{token}.bin", base / f"{token}.json"


def _sweep(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for path in directory.glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # removed by a concurrent request
            pass


def upload_save(*, user_id: int, data: bytes, meta: dict | None = None) -> str:
    """Keep `data` for `user_id`; returns the token that opens it again."""
    directory = _directory(user_id)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _sweep(directory)
    token = secrets.token_urlsafe(32)
    blob, info = _paths(user_id, token)
    blob.write_bytes(data)
    record = {**(meta or {}), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    info.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return token


def upload_read(*, user_id: int, token: str) -> StoredUpload:
    """The bytes and metadata saved under `token` by this user; UploadExpired otherwise."""
    blob, info = _paths(user_id, token)
    try:
        data = blob.read_bytes()
        meta = json.loads(info.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise UploadExpired(token) from None
    if blob.stat().st_mtime < time.time() - UPLOAD_TTL.total_seconds():
        raise UploadExpired(token)
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise UploadExpired(token)  # a torn or altered file is never imported
    return StoredUpload(token=token, data=data, meta=meta)


def upload_remove(*, user_id: int, token: str) -> None:
    try:
        paths = _paths(user_id, token)
    except UploadExpired:
        return
    for path in paths:
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- django-import-export
# The admin's import views run in one request per step; the user is known to the view, not
# to the storage django-import-export builds, so the view names it here for the duration.
upload_owner: ContextVar[int | None] = ContextVar("upload_owner", default=None)


class UserUploadStorage(BaseStorage):
    """django-import-export's temporary storage, kept in the uploading user's directory."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.owner = kwargs.get("owner") or upload_owner.get()
        if self.owner is None:
            raise RuntimeError("UserUploadStorage needs the uploading user")

    def save(self, data) -> None:
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        self.name = upload_save(user_id=self.owner, data=data)

    def read(self):
        data = upload_read(user_id=self.owner, token=self.name).data
        if self.read_mode == "rb":
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self) -> None:
        upload_remove(user_id=self.owner, token=self.name)
