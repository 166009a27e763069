"""The SOP's fast clock for the in-process stack (local/inprocess.py), shared by `make demo` (local/demo.py),
the benchmarks (bench/lifecycle.py) and the integration tests (tests/integration/conftest.py), which add
their own settings over it: 24x7, every SOP time x 0.1, a feedback window of 3 s.

Imports nothing: the demo reads it before the app and moto are imported.
"""

FAST_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "FEEDBACK_WINDOW_MINUTES": "0.05",
}
