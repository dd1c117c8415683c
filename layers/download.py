"""Downloading official sources with a progress bar, atomically."""

from __future__ import annotations

import sys
from pathlib import Path

import requests
from tqdm import tqdm

from core.errors import PartnerstwaError


class DownloadFailed(PartnerstwaError):
    status = 502
    code = "download_failed"




def download(url: str, destination: Path, *, timeout: float = 60.0, show_progress: bool = True
             ) -> Path:
    """Fetch ``url`` into ``destination``; the file appears only when complete."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            total = int(response.headers.get("Content-Length", 0)) or None
            with open(partial, "wb") as out, tqdm(
                total=total, unit="B", unit_scale=True, unit_divisor=1024,
                desc=destination.name, disable=not show_progress, file=sys.stderr,
            ) as bar:
                for chunk in response.iter_content(chunk_size=1024 * 256):
                    out.write(chunk)
                    bar.update(len(chunk))
    except requests.RequestException as exc:
        partial.unlink(missing_ok=True)
        raise DownloadFailed(
            "cannot download %(url)s (%(kind)s); without internet, point "
            "PARTNERSTWA_DATA_DIR at a data mirror", url=url, kind=type(exc).__name__,
        ) from exc
    partial.replace(destination)
    return destination
