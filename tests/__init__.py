"""The tests: `python -m pytest -q` (all), `-m "not slow"` (the fast lane); see tests/README.md."""
