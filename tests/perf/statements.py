"""What a request sent to the database, read from Django's query log as production would send it."""

from django.test.utils import CaptureQueriesContext

BEGIN = {"BEGIN", "BEGIN IMMEDIATE"}


def statements_in_one_transaction(captured: CaptureQueriesContext) -> list[str]:
    """The SQL sent between one BEGIN and its COMMIT, which must be all the request sent.

    Django logs the transaction's BEGIN and COMMIT alongside the queries (the token endpoint runs in one
    transaction: provider.views.token); the numbers docs/benchmarks.md and the issue compare are the queries
    between them. DOT's own savepoints around its token and ID token saves are left out of the count:
    they read and write no row, and re-stating DOT's saves to skip them was not worth the copied code
    (tests/provider/test_library_copies.py lists what is still copied, and why).
    """
    sql = [query["sql"] for query in captured.captured_queries]
    # SQLite's is BEGIN IMMEDIATE: every SQLite database takes the write lock at BEGIN (config.settings.base).
    assert sql[0] in BEGIN, sql
    assert sql[-1] == "COMMIT", sql
    inner = sql[1:-1]
    assert not [s for s in inner if s in BEGIN], sql
    assert "COMMIT" not in inner, sql
    return [statement for statement in inner if "SAVEPOINT" not in statement]


def table_writes(statements: list[str]) -> list[str]:
    """Each statement as its verb and table, e.g. ``INSERT oauth2_provider_accesstoken``."""
    shapes = []
    for statement in statements:
        words = statement.split()
        verb = words[0]
        table = words[2] if verb in ("INSERT", "DELETE") else words[1] if verb == "UPDATE" else _from_table(words)
        shapes.append(f"{verb} {table.strip(chr(34))}")
    return shapes


def _from_table(words: list[str]) -> str:
    # The outer query's FROM: one at parenthesis depth 0, not a subquery's among the selected columns.
    depth = 0
    for index, word in enumerate(words):
        if word == "FROM" and depth == 0:
            return words[index + 1]
        depth += word.count("(") - word.count(")")
    return "?"
