"""Safe extraction of zip archives (Shapefile packages, PRG downloads)."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from core.errors import InvalidInput
from layers.library_reasons import library_detail, library_reason

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for entries larger than a few MB


def _check_member(info: zipfile.ZipInfo, archive: str) -> None:
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise InvalidInput(
            "entry %(filename)r would be written outside the extraction folder; "
            "the archive is refused",
            where=archive, filename=info.filename,
        )
    if info.external_attr >> 16 & 0o170000 == 0o120000:
        raise InvalidInput("entry %(filename)r is a symbolic link; refused", where=archive,
                           filename=info.filename)


def safe_extract(archive: Path, destination: Path, *, max_total_bytes: int = MAX_TOTAL_BYTES
                 ) -> list[Path]:
    """Extract ``archive`` into ``destination`` after checking every entry.

    Refuses entries leaving the folder (zip slip), links, too many entries and archives that
    would expand past ``max_total_bytes`` or with implausible compression ratios (zip bombs).
    Nothing is written unless every entry passes.
    """
    where = str(archive)
    if not zipfile.is_zipfile(archive):
        raise InvalidInput("not a readable zip archive (corrupt or another format)", where=where)
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if not infos:
                raise InvalidInput("the zip archive is empty", where=where)
            if len(infos) > MAX_ENTRIES:
                raise InvalidInput(
                    "the zip archive has %(count)s entries (at most %(max_entries)s)", where=where,
                                   count=len(infos), max_entries=MAX_ENTRIES)
            total = 0
            for info in infos:
                _check_member(info, where)
                total += info.file_size
                big = info.file_size > 8 * 1024**2
                if big and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise InvalidInput(
                        "entry %(filename)r expands %(value)s"
                        " times; refused as a possible zip bomb", where=where,
                                       filename=info.filename,
                                       value=info.file_size // max(info.compress_size, 1))
            if total > max_total_bytes:
                raise InvalidInput(
                    "the archive would expand to %(value).0f MiB "
                    "(at most %(value2).0f MiB); refused",
                    where=where, value=total / 1024 ** 2, value2=max_total_bytes / 1024 ** 2,
                )
            bad = zf.testzip()
            if bad is not None:
                raise InvalidInput("entry %(bad)r is corrupt (CRC mismatch)", where=where, bad=bad)
            destination.mkdir(parents=True, exist_ok=True)
            written = []
            for info in infos:
                if info.is_dir():
                    continue
                target = destination.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                # Stream with a hard cap: declared sizes in the directory can lie.
                with zf.open(info) as src, open(target, "wb") as dst:
                    remaining = info.file_size
                    while chunk := src.read(1024 * 1024):
                        remaining -= len(chunk)
                        if remaining < 0:
                            raise InvalidInput(
                                "entry %(filename)r is larger than its header says; refused",
                                where=where, filename=info.filename,
                            )
                        dst.write(chunk)
                written.append(target)
            return written
    except zipfile.BadZipFile as exc:
        raise InvalidInput("corrupt zip archive (%(exc)s)", where=where,
                           exc=library_reason(exc), details=library_detail(exc)) from exc
