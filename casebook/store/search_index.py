"""The SQL of the PostgreSQL search index (``search_backend = "postgres"``), kept here with every other
statement of the project.

The index is derived data, not the store: :mod:`indexer.search.postgres_backend` owns it (its tables
live in a schema of their own, ``casebook_index``, and ``casebook reindex`` rebuilds them) and composes
these statements with :mod:`psycopg.sql`: ``{}`` and named fields are identifiers (the schema, a table, a
column) or fragments the query compiler made; ``%s`` are values.
"""

from __future__ import annotations

from collections.abc import Iterable

from psycopg import sql

# -- the tables -------------------------------------------------------------------------------------


def tables(schema: str, entity_kinds: Iterable[str], lz4: bool) -> list[sql.Composable]:
    """The index's schema and tables; ``lz4``: tsvectors compressed with LZ4 (read back about twice as
    fast as with PostgreSQL's own pglz: phrases and ranking read them), when the server has it.

    A search reads, of every match, its key, dates, facet values and title lexemes (``heading``): those
    columns come first in a row, and the stored texts (read for the page's hits only) last, so reading a
    match never walks past them (PostgreSQL finds a column by stepping over every one before it)."""
    s = sql.Identifier(schema)
    tsv = sql.SQL("tsvector COMPRESSION lz4" if lz4 else "tsvector")
    seq = sql.Literal(f"{schema}.written")
    entities = sql.SQL(", ").join(sql.SQL("{} text[]").format(sql.Identifier(k)) for k in entity_kinds)
    return [
        sql.SQL("CREATE SCHEMA {}").format(s),
        sql.SQL("CREATE TABLE {}.meta (key text PRIMARY KEY, value text NOT NULL)").format(s),
        sql.SQL("CREATE SEQUENCE {}.written").format(s),
        sql.SQL(
            "CREATE TABLE {s}.documents (seq bigint NOT NULL DEFAULT nextval({seq}::regclass),"
            " published date, collected date, loose boolean NOT NULL, id text PRIMARY KEY,"
            " source text, year text, month text, collected_year text, collected_month text,"
            " extraction text, duplicate_of text, author text[], {entities}, heading {tsv} NOT NULL,"
            " lexemes {tsv} NOT NULL, url text, title text, body text, comments text, quotes text,"
            " speakers text, author_text text)"
        ).format(s=s, seq=seq, entities=entities, tsv=tsv),
        sql.SQL(
            "CREATE TABLE {s}.quotes (seq bigint NOT NULL DEFAULT nextval({seq}::regclass),"
            ' published date, start integer, "end" integer, loose boolean NOT NULL,'
            " qid text PRIMARY KEY, doc_id text NOT NULL, source text, speaker_id text,"
            " heading {tsv} NOT NULL, lexemes {tsv} NOT NULL, text text, speaker text, cue text,"
            " title text, url text)"
        ).format(s=s, seq=seq, tsv=tsv),
        sql.SQL(
            'CREATE TABLE {}.vocabulary (kind text, field text, word text COLLATE "C",'
            " PRIMARY KEY (kind, field, word))"
        ).format(s),
        sql.SQL("CREATE TABLE {}.entities (id text PRIMARY KEY, kinds text[], names text[])").format(s),
    ]


INDEXES = (
    "CREATE INDEX ON {}.documents USING gin (lexemes)",
    "CREATE INDEX ON {}.documents USING gin (lexemes) WHERE loose",
    "CREATE INDEX ON {}.documents (published, seq)",
    "CREATE INDEX ON {}.documents (collected, seq)",
    "CREATE INDEX ON {}.documents (source)",
    "CREATE INDEX ON {}.quotes USING gin (lexemes)",
    "CREATE INDEX ON {}.quotes USING gin (lexemes) WHERE loose",
    "CREATE INDEX ON {}.quotes (doc_id)",
    "CREATE INDEX ON {}.vocabulary USING gin (word gin_trgm_ops)",
)
# After a build: the planner's statistics, and every row marked visible to all (hint bits and the
# visibility map set once, by the build, not by the first searches, each of which would otherwise write
# them into every page it reads: seconds at 100,000 documents).
ANALYZE = (
    "VACUUM (ANALYZE) {}.documents",
    "VACUUM (ANALYZE) {}.quotes",
    "VACUUM (ANALYZE) {}.vocabulary",
)
EXTENSIONS = ("CREATE EXTENSION IF NOT EXISTS pg_trgm", "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
HAS_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
SCHEMA_EXISTS = "SELECT to_regnamespace(%s) IS NOT NULL"
RENAME_SCHEMA = "ALTER SCHEMA {} RENAME TO {}"
DROP_SCHEMA = "DROP SCHEMA IF EXISTS {} CASCADE"
BUILDS = (
    "SELECT nspname, EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory'"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND l.classid = %s AND l.objsubid = 2 AND l.granted"
    " AND l.objid::text = substr(nspname, %s)) FROM pg_namespace WHERE nspname LIKE %s"
)  # every build schema, and whether a live session holds its lock
SIZE = (
    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'"
)

# -- locks and settings of a transaction ---------------------------------------------------------------

LOCK_TIMEOUT = "SET LOCAL lock_timeout = {}"
# A search's settings, for its transaction, in one round trip:
# - enable_seqscan off: the planner counts nothing for reading a row's tsvector back from TOAST, so when
#   most rows match, a sequential scan looks cheaper than the GIN index, and reads every tsvector; the
#   index answers AND, OR and NOT of lexemes without reading them (only phrases and ranking do);
# - jit off: the statement is planned and run in milliseconds; compiling it with JIT (on once the plan's
#   cost passes jit_above_cost, as it does from about 100k documents) costs tens of them;
# - work_mem: the matches (key, dates and facet values of each) are held in memory, not spilled to a
#   temporary file;
# - statement_timeout: what is left of the search's time (NULL: the server's setting).
SEARCH_SETTINGS = (
    "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true),"
    " set_config('work_mem', '64MB', true),"
    " set_config('statement_timeout', coalesce(%s, current_setting('statement_timeout')), true)"
)
BUILD_MEMORY = "SET maintenance_work_mem = '256MB'"
WRITE_LOCK = "SELECT pg_advisory_xact_lock(%s, %s)"
SESSION_LOCK = "SELECT pg_advisory_lock(%s, %s)"

# -- meta, counts, inventory ---------------------------------------------------------------------------

META = "SELECT key, value FROM {}.meta"
NEW_META = "INSERT INTO {}.meta VALUES ('schema', %s), ('stamp', %s)"
NEW_STAMP = "UPDATE {}.meta SET value = %s WHERE key = 'stamp'"
PROBE = "SELECT 1 FROM {}.{} LIMIT 1"
COUNT = "SELECT count(*) FROM {}.{}"
IDS_AND_COPIES = "SELECT id, duplicate_of FROM {}.documents"
QUOTE_COUNTS = "SELECT doc_id, count(*) FROM {}.quotes GROUP BY doc_id"
ENTITIES = "SELECT id, kinds, names FROM {}.entities"

# -- writing ------------------------------------------------------------------------------------------

UPSERT_DOCUMENT = (
    "INSERT INTO {s}.documents ({cols}) VALUES ({values}) ON CONFLICT (id) DO UPDATE SET {sets},"
    " seq = nextval({seq}::regclass)"
)  # a replaced entry is written anew: it moves to the end of the order entries were written in
INSERT_QUOTE = "INSERT INTO {s}.quotes ({cols}) VALUES ({values})"
DELETE_QUOTES = "DELETE FROM {}.quotes WHERE doc_id = ANY(%s)"
ADD_VOCABULARY = (
    "INSERT INTO {}.vocabulary SELECT * FROM unnest(%s::text[], %s::text[], %s::text[])"
    " ON CONFLICT DO NOTHING"
)
MERGE_ENTITY = (
    "INSERT INTO {}.entities AS e VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE SET"
    " kinds = ARRAY(SELECT DISTINCT unnest(e.kinds || EXCLUDED.kinds)),"
    " names = ARRAY(SELECT DISTINCT unnest(e.names || EXCLUDED.names))"
)
COPY_INTO = "COPY {}.{} ({}) FROM STDIN"
COPY_ALL_INTO = "COPY {}.{} FROM STDIN"

# -- reading ------------------------------------------------------------------------------------------

DISTINCT_VALUES = "SELECT DISTINCT {c} FROM {s}.{t} WHERE {c} IS NOT NULL"
FIELD_VOCABULARY = "SELECT word FROM {}.vocabulary WHERE kind = %s AND field = %s"
VOCABULARY_LIKE = "SELECT word FROM {}.vocabulary WHERE kind = %s AND field = %s AND word LIKE %s"
NEAR_WORDS = (
    "SELECT word FROM {}.vocabulary WHERE kind = %s AND field = %s AND word LIKE %s"
    " AND length(word) BETWEEN %s AND %s AND levenshtein_less_equal(word, %s, %s) <= %s"
)  # first letter fixed (LIKE), then Levenshtein's distance as Whoosh's automaton counts it
TEXTS = "SELECT d.{k}, d.{f} FROM {s}.{t} AS d WHERE d.lexemes @@ %s::tsquery{loose}"
STORED = "SELECT {} FROM {}.{} WHERE {} = ANY(%s)"

# One search: the matches (``m``), then their count, the page and each facet's counts in one statement.
SEARCH = "WITH {} SELECT {}"
MATCHES = "m AS MATERIALIZED (SELECT {} FROM {}.{} AS d WHERE {})"
TOTAL = "(SELECT count(*) FROM m)"
PAGE = "ARRAY(SELECT key FROM m ORDER BY {} OFFSET %s LIMIT %s)"
# The page's order when not ranked: by a date column (``published`` or ``collected``; undated last, then
# in the order written), or in the order written.
BY_DATE = {"newest": "{} DESC NULLS LAST, seq", "oldest": "{} ASC NULLS LAST, seq"}
AS_WRITTEN = "seq"
# Ranked: the pool of the likeliest matches (a query word in the title, newest first), ranked by ts_rank.
POOL = (
    "pool AS MATERIALIZED (SELECT key, seq FROM m ORDER BY t DESC, published DESC NULLS LAST, seq LIMIT {})"
)
RANKED = (
    "ranked AS (SELECT p.key, p.seq, ts_rank(d.lexemes, %s::tsquery, 1) AS r"
    " FROM pool AS p JOIN {}.{} AS d ON d.{} = p.key)"
)
RANKED_PAGE = "ARRAY(SELECT key FROM ranked ORDER BY r DESC, seq OFFSET %s LIMIT %s)"
RANKED_THEN_REST = (
    "ARRAY(SELECT key FROM (SELECT key, 0 AS tier, r, TRUE AS t, NULL::date AS published,"
    " seq FROM ranked UNION ALL SELECT m.key, 1, 0, m.t, m.published, m.seq FROM m"
    " WHERE NOT EXISTS (SELECT 1 FROM pool WHERE pool.key = m.key)) AS x"
    " ORDER BY tier, r DESC, t DESC, published DESC NULLS LAST, seq OFFSET %s LIMIT %s)"
)  # past the pool: the other matches in the order the pool was picked in
FACET_VALUES = "FROM (SELECT m.{} AS v FROM m) AS m1"
FACET_ARRAYS = "FROM (SELECT unnest(m.{}) AS v FROM m) AS m1"  # a set-returning function in the select
# list (one ProjectSet node) costs a fraction of a lateral join's function scan per match
FACET_COUNTS = (
    "(SELECT coalesce(json_agg(json_build_array(v, c)), '[]') FROM"
    " (SELECT v, count(*) AS c {} WHERE v IS NOT NULL AND v <> '' GROUP BY v"
    ' ORDER BY c DESC, v COLLATE "C" LIMIT %s) AS f)'
)  # the commonest values first, then by value as Python orders strings
