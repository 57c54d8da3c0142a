"""Attachments, assumed minimal shape: create an upload, PUT the bytes, attach by ``upload_ids``.

Procore documents the three steps (create upload -> PUT to storage -> ``upload_ids`` on the
resource) but not the exact shapes for insurances; everything here is assumed:

* ``POST /rest/v1.0/companies/{company_id}/uploads`` with ``{"response_filename",
  "response_content_type"}`` -> 201 ``{"uuid", "url", "fields": {}, "headers": {...},
  "status": "pending"}``
* ``PUT {url}`` (``/storage/uploads/{uuid}``, no bearer token: a pre-signed URL) with the bytes
  -> 200 ``{"uuid", "size", "status": "completed"}``
* ``PATCH .../insurances/{id}`` with ``{"insurance": {"upload_ids": [uuid]}}`` adds
  ``{"id", "name", "url"}`` to the record's ``attachments``; ``GET {url}`` returns the bytes.

Bytes live in ``<state_dir>/procore-uploads/``, one file per upload, written atomically.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import HttpError, IdSequences, StateStore, json_response, read_json

STORAGE_PREFIX = "/storage/uploads"


class UploadService:
    """Upload records in the state document, bytes on disk.

    Args:
        store: The emulator's state store.
        ids: The emulator's id sequences (``attachment`` ids).
        seed: Seeds upload uuids.
    """

    def __init__(self, store: StateStore, ids: IdSequences, seed: int) -> None:
        self.store = store
        self.ids = ids
        self.seed = seed
        self.directory = store.directory / "procore-uploads"

    def _path(self, upload_id: str) -> Path:
        return self.directory / upload_id

    def create(self, request: Request, company_id: int) -> Response:
        """``POST /rest/v1.0/companies/{company_id}/uploads``."""
        body = read_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("response_filename"), str):
            raise HttpError(422, {"errors": {"response_filename": ["can't be blank"]}})
        content_type = str(body.get("response_content_type") or "application/octet-stream")
        with self.store.transaction() as state:
            meta = state.setdefault("meta", {})
            n = int(meta.get("uploads_created", 0)) + 1
            meta["uploads_created"] = n
            digest = hashlib.sha256(f"{self.seed}:upload:{n}".encode()).digest()
            upload_id = str(uuid.UUID(bytes=digest[:16], version=4))
            state.setdefault("uploads", {})[upload_id] = {
                "company_id": company_id,
                "name": body["response_filename"],
                "content_type": content_type,
                "size": None,
                "completed": False,
            }
        url = f"{request.host_url.rstrip('/')}{STORAGE_PREFIX}/{upload_id}"
        payload = {
            "uuid": upload_id,
            "url": url,
            "fields": {},
            "headers": {"Content-Type": content_type},
            "status": "pending",
        }
        return json_response(payload, 201)

    def put_bytes(self, request: Request, upload_id: str) -> Response:
        """``PUT /storage/uploads/{uuid}``: store the bytes and complete the upload."""
        data = request.get_data(cache=False)
        with self.store.transaction() as state:
            upload = state.get("uploads", {}).get(upload_id)
            if upload is None:
                raise HttpError(404, message="no such upload")
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self._path(upload_id).with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(self._path(upload_id))
            upload["size"] = len(data)
            upload["completed"] = True
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        return json_response(
            {"uuid": upload_id, "size": len(data), "status": "completed"}, 200, {"ETag": f'"{etag}"'}
        )

    def get_bytes(self, request: Request, upload_id: str) -> Response:
        """``GET /storage/uploads/{uuid}``: the stored bytes."""
        with self.store.reading() as state:
            upload = state.get("uploads", {}).get(upload_id)
        if upload is None or not upload["completed"]:
            raise HttpError(404, message="no such upload")
        return Response(self._path(upload_id).read_bytes(), 200, content_type=upload["content_type"])

    def attach(
        self, state: dict[str, Any], company_id: int, upload_ids: list[str], base_url: str
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Turn completed uploads into attachment entries (inside the caller's transaction).

        Returns:
            ``(attachments, problems)``; problems name uploads that are unknown, belong to
            another company or were never completed.
        """
        attachments: list[dict[str, Any]] = []
        problems: list[str] = []
        for upload_id in upload_ids:
            upload = state.get("uploads", {}).get(upload_id)
            if upload is None or upload["company_id"] != company_id or not upload["completed"]:
                problems.append(f"upload {upload_id} was not found or not completed")
                continue
            attachments.append(
                {
                    "id": self.ids.next(state, "attachment"),
                    "name": upload["name"],
                    "url": f"{base_url.rstrip('/')}{STORAGE_PREFIX}/{upload_id}",
                }
            )
        return attachments, problems
