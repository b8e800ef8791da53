"""Benchmarks of nestauth-peewee's hot paths (run by hand, never by the test suite).

    pip install -e '.[bench]'
    python -m benchmarks --sizes 10000                       # quick: ~10 minutes, all three dialects
    python -m benchmarks                                     # 10k and 1M users: see docs/performance.md
    python -m benchmarks --dialects postgres --output pg.json
    python -m benchmarks login-timing                        # failed-login timing, unknown vs wrong

Each hot path (refresh-token authentication, API-key verification, effective
permissions, user by email, session creation, revoke-all) runs three ways on
the same database: through the library's services, as the same SQL through the
bare driver, and through SQLAlchemy 2's ORM. See docs/performance.md.
"""
