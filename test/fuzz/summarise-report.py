"""Summarises a Schemathesis NDJSON event report as one JSON line: requests, statuses and failed checks.

Usage: python summarise-report.py REPORT.ndjson
Prints `FUZZ-SUMMARY {...}`; test/integration/fuzz-openapi.test.ts reads that line.
"""

import json
import sys
from collections import Counter

# Scenario labels are "METHOD /path" for one operation; the stateful phase's chains are labelled otherwise.
HTTP_METHODS = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"}


def summarise(path: str) -> dict:
    statuses: Counter = Counter()
    failed_checks: Counter = Counter()
    checks_run = 0
    requests = 0
    no_response = 0
    server_errors = []
    operations = set()
    with open(path, encoding="utf-8") as report:
        for line in report:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished["recorder"]
            for interaction in recorder.get("interactions", {}).values():
                requests += 1
                if recorder["label"].split(" ")[0] in HTTP_METHODS:
                    operations.add(recorder["label"])
                response = interaction.get("response")
                if response is None:
                    no_response += 1
                    continue
                status = response["status_code"]
                statuses[status] += 1
                if status >= 500 and len(server_errors) < 20:
                    request = interaction["request"]
                    server_errors.append(f'{request["method"]} {request["uri"]} -> {status}')
            for checks in recorder.get("checks", {}).values():
                for check in checks:
                    checks_run += 1
                    if check["status"] == "failure":
                        failed_checks[check["name"]] += 1
    return {
        "operations": sorted(operations),
        "requests": requests,
        "no_response": no_response,
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "server_errors": sum(count for code, count in statuses.items() if code >= 500),
        "server_error_requests": server_errors,
        "checks_run": checks_run,
        "failed_checks": dict(failed_checks),
        "schema_violations": failed_checks.get("response_schema_conformance", 0),
        "accepted_negative_data": failed_checks.get("negative_data_rejection", 0),
    }


if __name__ == "__main__":
    print("FUZZ-SUMMARY " + json.dumps(summarise(sys.argv[1]), sort_keys=True))
