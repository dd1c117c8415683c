"""Generating a diagnosis document and keeping a record of it (parameters, data, hash)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from core.errors import BadRequest
from services.access.rules import SYSTEM, Principal, require_read
from services.db import database_errors
from services.diagnosis.compute import data_versions, diagnose
from services.diagnosis.formats import FORMATS, Format
from services.diagnosis.render import body_html, pictures, stylesheet, write
from services.diagnosis.texts import LANGS


@dataclass
class Generated:
    content: bytes
    format: Format
    filename: str
    record_id: int
    model: dict

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def check_parameters(fmt: str | None, lang: str) -> Format | None:
    if fmt is not None and fmt not in FORMATS:
        raise BadRequest("format must be one of %(formats)s, not %(fmt)r",
                         formats=', '.join(FORMATS), fmt=fmt)
    if lang not in LANGS:
        raise BadRequest("lang must be one of %(langs)s, not %(lang)r", langs=', '.join(LANGS),
                         lang=lang)
    return FORMATS[fmt] if fmt else None


def generate(engine: sa.Engine, pid: str, fmt: str, *, lang: str = "pl",
             year: int | None = None, actor: Principal = SYSTEM) -> Generated:
    """Compute the diagnosis, write it in ``fmt`` and record what was handed over."""
    chosen = check_parameters(fmt, lang)
    model = diagnose(engine, pid, year=year, actor=actor)
    images = pictures(engine, model, lang)
    content = write(chosen, model, lang, images)
    with database_errors(), engine.begin() as conn:
        record_id = conn.execute(sa.text(
            "INSERT INTO diagnosis (partnership_id, format, lang, parameters, data_versions,"
            " numbers_hash, file_hash, bytes, product_version, created_by) VALUES (:pid, :fmt,"
            " :lang, CAST(:params AS jsonb), CAST(:versions AS jsonb), :numbers, :file,"
            " :bytes, :version, :by) RETURNING id"),
            {"pid": pid, "fmt": chosen.name, "lang": lang,
             "params": json.dumps({"year": year, "lang": lang, "format": chosen.name}),
             "versions": json.dumps(model["data_versions"]), "numbers": model["numbers_hash"],
             "file": hashlib.sha256(content).hexdigest(), "bytes": len(content),
             "version": model["product_version"], "by": actor.label}).scalar_one()
    stamp = model["generated_at"][:10]
    return Generated(content, chosen, f"diagnoza_{pid}_{stamp}.{chosen.extension}", record_id,
                     model)


def history(engine: sa.Engine, pid: str, *, actor: Principal = SYSTEM,
            limit: int = 10) -> list[dict]:
    """The latest generated documents, each saying whether newer data have arrived since."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        current = data_versions(conn, pid)
        rows = conn.execute(sa.text(
            "SELECT id, format, lang, parameters, data_versions, numbers_hash, file_hash, bytes,"
            " product_version, created_by, created_at FROM diagnosis"
            " WHERE partnership_id = :pid ORDER BY id DESC LIMIT :limit"),
            {"pid": pid, "limit": limit}).mappings().all()
    return [{**dict(r), "created_at": r["created_at"].isoformat(),
             "newer_data": r["data_versions"] != current} for r in rows]


def page(engine: sa.Engine, pid: str, *, lang: str = "pl", year: int | None = None,
         actor: Principal = SYSTEM) -> dict:
    """What the workspace page shows: the document's body, its style and the history."""
    check_parameters(None, lang)
    model = diagnose(engine, pid, year=year, actor=actor)
    images = pictures(engine, model, lang)
    return {"model": model, "body": body_html(model, lang, images), "stylesheet": stylesheet(),
            "history": history(engine, pid, actor=actor), "formats": list(FORMATS)}
