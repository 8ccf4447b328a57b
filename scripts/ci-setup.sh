#!/usr/bin/env bash
# Machine-level prerequisites for the test suites (idempotent). Later suites add their needs here.
set -euo pipefail
true
