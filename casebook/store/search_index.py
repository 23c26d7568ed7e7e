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

    Each kind has two tables with one row per entry, joined by ``seq``: ``documents`` (``quotes``) holds
    what a hit shows and the facet columns, ``documents_lexemes`` (``quotes_lexemes``) only what a search
    matches on (the lexemes, the dates, ``loose``). A search visits the row of every match (the GIN index
    finds them, the row says whether it is visible), so that row is kept narrow: the lexemes moved out of
    it (``toast_tuple_target`` 128), 120 rows a page (834 pages at 100,000 documents, against 4,288 with the
    stored values and facet columns beside them: finding the matches of a broad query took half as long).
    Quotes' lexemes are short and stay in the row (PostgreSQL moves nothing out of a row under 2 KB)."""
    s = sql.Identifier(schema)
    tsv = sql.SQL("tsvector COMPRESSION lz4" if lz4 else "tsvector")
    entities = sql.SQL(", ").join(sql.SQL("{} text[]").format(sql.Identifier(k)) for k in entity_kinds)
    return [
        sql.SQL("CREATE SCHEMA {}").format(s),
        sql.SQL("CREATE TABLE {}.meta (key text PRIMARY KEY, value text NOT NULL)").format(s),
        sql.SQL("CREATE SEQUENCE {}.written").format(s),
        sql.SQL(
            "CREATE TABLE {s}.documents (seq bigint NOT NULL, published date, collected date,"
            " id text PRIMARY KEY, source text, year text, month text, collected_year text,"
            " collected_month text, extraction text, duplicate_of text, author text[], {entities},"
            " url text, title text, body text, comments text, quotes text, speakers text, author_text text)"
        ).format(s=s, entities=entities),
        sql.SQL(
            "CREATE TABLE {s}.documents_lexemes (seq bigint PRIMARY KEY, published date, collected date,"
            " loose boolean NOT NULL, lexemes {tsv} NOT NULL) WITH (toast_tuple_target = 128)"
        ).format(s=s, tsv=tsv),
        sql.SQL(
            'CREATE TABLE {s}.quotes (seq bigint NOT NULL, published date, start integer, "end" integer,'
            " qid text PRIMARY KEY, doc_id text NOT NULL, source text, speaker_id text, text text,"
            " speaker text, cue text, title text, url text)"
        ).format(s=s),
        sql.SQL(
            "CREATE TABLE {s}.quotes_lexemes (seq bigint PRIMARY KEY, published date,"
            " loose boolean NOT NULL, lexemes {tsv} NOT NULL) WITH (toast_tuple_target = 128)"
        ).format(s=s, tsv=tsv),
        sql.SQL(
            'CREATE TABLE {}.vocabulary (kind text, field text, word text COLLATE "C",'
            " PRIMARY KEY (kind, field, word))"
        ).format(s),
        sql.SQL("CREATE TABLE {}.entities (id text PRIMARY KEY, kinds text[], names text[])").format(s),
    ]


# The lexemes' GIN indexes are written straight (fastupdate off), with no pending list: PostgreSQL moves a
# pending list into the index key by key (in (auto)vacuum and autoanalyze), and a search running meanwhile
# finds a row by a key already moved while its excluding key is not yet there: `a & !b` matched rows
# holding b. AND and OR of lexemes are only ever seen twice that way, NOT is seen wrong; a search here
# holds NOT (`-source:x`, `NOT published`). Writes cost more (each row's keys go into the index at once);
# builds are unchanged (the index is made after the rows are copied).
INDEXES = (
    "CREATE INDEX ON {}.documents_lexemes USING gin (lexemes) WITH (fastupdate = off)",
    "CREATE INDEX ON {}.documents_lexemes USING gin (lexemes) WITH (fastupdate = off) WHERE loose",
    "CREATE INDEX ON {}.documents_lexemes (published, seq)",
    "CREATE INDEX ON {}.documents_lexemes (collected, seq)",
    "CREATE UNIQUE INDEX ON {}.documents (seq)",
    "CREATE INDEX ON {}.documents (source)",
    "CREATE INDEX ON {}.quotes_lexemes USING gin (lexemes) WITH (fastupdate = off)",
    "CREATE INDEX ON {}.quotes_lexemes USING gin (lexemes) WITH (fastupdate = off) WHERE loose",
    "CREATE UNIQUE INDEX ON {}.quotes (seq)",
    "CREATE INDEX ON {}.quotes (doc_id)",
    "CREATE INDEX ON {}.vocabulary USING gin (word gin_trgm_ops)",
)
# After a build: the planner's statistics, and every row marked visible to all (hint bits and the
# visibility map set once, by the build, not by the first searches, each of which would otherwise write
# them into every page it reads: seconds at 100,000 documents).
ANALYZE = (
    "VACUUM (ANALYZE) {}.documents",
    "VACUUM (ANALYZE) {}.documents_lexemes",
    "VACUUM (ANALYZE) {}.quotes",
    "VACUUM (ANALYZE) {}.quotes_lexemes",
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
# A search's statements see one snapshot: the rows it matches are the rows its columns are read up to.
REPEATABLE_READ = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
BUILD_MEMORY = "SET maintenance_work_mem = '256MB'"
WRITE_LOCK = "SELECT pg_advisory_xact_lock(%s, %s)"
SESSION_LOCK = "SELECT pg_advisory_lock(%s, %s)"

# -- meta, counts, inventory ---------------------------------------------------------------------------

META = "SELECT key, value FROM {}.meta"
NEW_META = "INSERT INTO {}.meta VALUES ('schema', %s), ('stamp', %s), ('build', %s), ('removed', %s)"
NEW_STAMP = "UPDATE {}.meta SET value = %s WHERE key = 'stamp'"
# A write that replaced or removed rows says so (an index made before this key gets it at such a write)
NEW_REMOVED = (
    "INSERT INTO {}.meta VALUES ('removed', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
)
PROBE = "SELECT 1 FROM {}.{} LIMIT 1"
COUNT = "SELECT count(*) FROM {}.{}"
IDS_AND_COPIES = "SELECT id, duplicate_of FROM {}.documents"
QUOTE_COUNTS = "SELECT doc_id, count(*) FROM {}.quotes GROUP BY doc_id"
ENTITIES = "SELECT id, kinds, names FROM {}.entities"

# -- writing ------------------------------------------------------------------------------------------

# Row numbers for the rows about to be written, in the order they are written (one writer at a time).
NEW_SEQS = "SELECT nextval({seq}::regclass) FROM generate_series(1, %s)"
# A replaced entry is written anew, with a new seq: it moves to the end of the order written in.
UPSERT_DOCUMENT = "INSERT INTO {s}.documents ({cols}) VALUES ({values}) ON CONFLICT (id) DO UPDATE SET {sets}"
INSERT_ROW = "INSERT INTO {s}.{t} ({cols}) VALUES ({values})"
# The lexemes rows of the entries whose key column {k} is one of %s (a document's id, a quote's doc_id).
DELETE_LEXEMES = "DELETE FROM {s}.{m} WHERE seq IN (SELECT seq FROM {s}.{t} WHERE {k} = ANY(%s))"
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
TEXTS = (
    "SELECT v.{k}, v.{f} FROM {s}.{m} AS d JOIN {s}.{t} AS v ON v.seq = d.seq"
    " WHERE d.lexemes @@ %s::tsquery{loose}"
)

# The index state a search's snapshot holds: its build, the stamp every write changes and the stamp of the
# last write that replaced or removed rows (what the matches held in the process serve:
# indexer.search.postgres_matches).
STATE = (
    "SELECT (SELECT value FROM {s}.meta WHERE key = 'build'),"
    " (SELECT value FROM {s}.meta WHERE key = 'stamp'), (SELECT value FROM {s}.meta WHERE key = 'removed')"
)
# One search: the row numbers (seq) of its matches past a row number (0: all; a held answer's newest: the
# rows added since), of those with a ranked word in the heading field (the likeliest, ranked first) and the
# newest row the search's snapshot holds (what the columns are read up to).
# Counting facets, bounding dates and ordering are done on columns held in the process
# (indexer.search.postgres_columns). A document's lexemes are read back from TOAST: the GIN index finds the
# ones with a heading word apart; a quote's are in its row: checked in the same pass.
MATCHED = "SELECT (SELECT coalesce(max(seq), 0)::int4 FROM {s}.{m}), {matches}"
# (the heading's tsquery is NULL when nothing is ranked: no row then)
MATCHES_APART = (
    "ARRAY(SELECT d.seq::int4 FROM {s}.{m} AS d WHERE ({where}) AND d.seq > %s),"
    " ARRAY(SELECT d.seq::int4 FROM {s}.{m} AS d WHERE d.lexemes @@ %s::tsquery AND d.seq > %s)"
)
MATCHES_IN_ROW = (
    "m.matched, m.heading FROM (SELECT coalesce(array_agg(d.seq::int4), '{{}}') AS matched,"
    " coalesce(array_agg(d.seq::int4) FILTER (WHERE d.lexemes @@ %s::tsquery), '{{}}') AS heading"
    " FROM {s}.{m} AS d WHERE ({where}) AND d.seq > %s) AS m"
)
RANKS = "SELECT seq::int4, ts_rank(lexemes, %s::tsquery, 1) FROM {s}.{m} WHERE seq = ANY(%s)"
STORED = "SELECT seq::int4, {c} FROM {s}.{t} WHERE seq = ANY(%s)"
# Around reading columns: the planner's own choices and no timeout (the search's settings kept, then put
# back: see indexer.search.postgres_columns.ColumnReader).
COLUMN_READING = (
    "SELECT current_setting('statement_timeout'), set_config('enable_seqscan', 'on', true),"
    " set_config('statement_timeout', '0', true)"
)
COLUMN_READ = "SELECT set_config('enable_seqscan', 'off', true), set_config('statement_timeout', %s, true)"
# A column's rows written after those a process holds, up to the newest of the search's snapshot.
COLUMN_VALUES = (
    "SELECT {c}, array_agg(seq::int4) FROM {s}.{t} WHERE seq > %s AND seq <= %s"
    " AND {c} IS NOT NULL AND {c} <> '' GROUP BY 1"
)
COLUMN_ARRAYS = (
    "SELECT v, array_agg(d.seq::int4) FROM {s}.{t} AS d, unnest(d.{c}) AS v WHERE d.seq > %s AND d.seq <= %s"
    " AND v IS NOT NULL AND v <> '' GROUP BY v"
)
COLUMN_DAYS = (
    "SELECT array_agg(seq::int4), array_agg(({c} - DATE '1970-01-01')::int4) FROM {s}.{t}"
    " WHERE seq > %s AND seq <= %s AND {c} IS NOT NULL"
)
