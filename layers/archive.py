"""Safe extraction of zip archives (Shapefile packages, PRG downloads)."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from core.errors import InvalidInput

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for entries larger than a few MB


def _check_member(info: zipfile.ZipInfo, archive: str) -> None:
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise InvalidInput(
            f"entry {info.filename!r} would be written outside the extraction folder; "
            "the archive is refused",
            where=archive,
        )
    if info.external_attr >> 16 & 0o170000 == 0o120000:
        raise InvalidInput(f"entry {info.filename!r} is a symbolic link; refused", where=archive)


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
                    f"the zip archive has {len(infos)} entries (at most {MAX_ENTRIES})", where=where
                )
            total = 0
            for info in infos:
                _check_member(info, where)
                total += info.file_size
                big = info.file_size > 8 * 1024**2
                if big and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise InvalidInput(
                        f"entry {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}"
                        " times; refused as a possible zip bomb",
                        where=where,
                    )
            if total > max_total_bytes:
                raise InvalidInput(
                    f"the archive would expand to {total / 1024**2:.0f} MiB "
                    f"(at most {max_total_bytes / 1024**2:.0f} MiB); refused",
                    where=where,
                )
            bad = zf.testzip()
            if bad is not None:
                raise InvalidInput(f"entry {bad!r} is corrupt (CRC mismatch)", where=where)
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
                                f"entry {info.filename!r} is larger than its header says; refused",
                                where=where,
                            )
                        dst.write(chunk)
                written.append(target)
            return written
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"corrupt zip archive ({exc})", where=where) from exc
