"""schemathesis against /api/v1/openapi.json on a live server: no 5xx, no response that
breaks the document (status codes, content types, bodies)."""

import shutil
import subprocess
import sys
from pathlib import Path


def test_the_api_keeps_its_contract(live_url, accounts, reference_engine, indicator_reports,
                                    tmp_path):
    from services.access.accounts import create_token

    token = create_token(reference_engine, "expert@test.pl", "schemathesis")
    cli = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    result = subprocess.run(
        [cli, "run", f"{live_url}/api/v1/openapi.json",
         "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,"
                     "content_type_conformance",
         "--header", f"Authorization: Bearer {token}", "--max-examples", "10", "--seed", "7",
         "--request-timeout", "30", "--no-color"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its cache stays there
    failures = result.stdout.split("FAILURES")[-1][:4000] if "FAILURES" in result.stdout else ""
    summary = failures + result.stdout[-1500:]
    assert result.returncode == 0, summary
    tail = result.stdout.split("SUMMARY")[-1]
    assert "❌" not in tail and " passed" in tail.splitlines()[-1] + tail, summary
