"""Helpers shared by the CLI modules."""

from __future__ import annotations

import json
import sys
import time


def progress():
    from scripts.language import progress_line

    start = time.perf_counter()

    def say(message: str) -> None:  # a Text label is shown in the CLI's language
        print(progress_line(time.perf_counter() - start, message), file=sys.stderr, flush=True)

    return say


def settings():
    from services.config import Settings

    return Settings.from_env()


def engine(config=None):
    from services.db import get_engine

    config = config or settings()
    return get_engine(config.database_url, config.statement_timeout_ms)


def print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))
