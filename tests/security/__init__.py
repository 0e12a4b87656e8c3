"""Security tests: object access, CSRF, fuzzed forms and imports, uploads, errors.

``COUNTS`` collects how much they checked; tests/security/conftest.py prints it.
"""

from collections import Counter

COUNTS = Counter()
