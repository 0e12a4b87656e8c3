"""Security tests: object access, CSRF, fuzzed forms and imports, uploads, errors.

``COUNTS`` collects how much they checked; tests/conftest.py prints it at the end of a run.
"""

from collections import Counter

COUNTS = Counter()
