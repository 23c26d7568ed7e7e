"""The store's schema, as numbered migrations applied in order (SQLite: ``PRAGMA user_version`` says which
have run; PostgreSQL: the table ``casebook_schema``). Append a new one at the end of both lists, under the
same number; never edit one that has shipped: stores made with it exist.

The PostgreSQL list says the same in its own DDL: the tables, columns and indexes are the same (a test
compares them), so one SQL text serves both in the table-group modules. What differs: 64-bit integers
where SQLite's INTEGER holds them (offsets, band hashes), identity columns for SQLite's row ids,
``DOUBLE PRECISION`` for ``REAL``, quoted names for the words PostgreSQL reserves (``end``, ``user``), no
``WITHOUT ROWID``, and text compared byte by byte (``COLLATE "C"``), as SQLite compares it, so that ids,
dates and addresses sort the same on both and on any server's locale.
"""

from __future__ import annotations

# A record refused as not an article before refusals were stamped with the extractor's (schema 9): known by
# the reasons every earlier version gave, never a crawl's own outcomes. Migration 9 marks them; a store not
# yet migrated (read-only: `casebook check`) is read with the same test.
PRE_STAMP_REFUSAL = """doc_id IS NULL AND outcome NOT LIKE 'crawl%' AND (
        outcome LIKE '%, not one article: %' OR outcome LIKE '%, not an article: %'
        OR outcome LIKE 'empty page, no text: %' OR outcome LIKE 'no article text on the page: %'
        OR outcome LIKE 'not an HTML page (%'
    )"""

MIGRATIONS: list[str] = [
    # 1: documents, their versions, the WARC record catalogue, and enrichment output.
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        canonical_url TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        authors TEXT NOT NULL,
        published TEXT,
        published_from TEXT,
        updated TEXT,
        fetched TEXT NOT NULL,
        first_fetched TEXT NOT NULL,
        language TEXT,
        categories TEXT NOT NULL,
        tags TEXT NOT NULL,
        text TEXT NOT NULL,
        comments TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        version INTEGER NOT NULL,
        warc_file TEXT,
        warc_offset INTEGER
    );
    CREATE INDEX documents_source ON documents(source);
    CREATE INDEX documents_published ON documents(published);
    CREATE TABLE versions (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        fetched TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        warc_file TEXT,
        warc_offset INTEGER,
        PRIMARY KEY (doc_id, version)
    );
    CREATE TABLE records (
        record_id TEXT PRIMARY KEY,
        warc_file TEXT NOT NULL,
        warc_offset INTEGER NOT NULL,
        url TEXT NOT NULL,
        payload_digest TEXT,
        fetched TEXT NOT NULL,
        doc_id TEXT,
        outcome TEXT NOT NULL
    );
    CREATE INDEX records_digest ON records(payload_digest);
    CREATE TABLE mentions (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        entity_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL
    );
    CREATE INDEX mentions_doc ON mentions(doc_id);
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE TABLE quotes (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        text TEXT NOT NULL,
        speaker TEXT,
        speaker_id TEXT,
        cue TEXT,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL
    );
    CREATE INDEX quotes_doc ON quotes(doc_id);
    """,
    # 2: what the crawler last saw at each URL: validators for conditional requests, fetch times for
    # sitemap lastmod and for resuming, and the removed flag (a held article answering 404/410).
    """
    CREATE TABLE fetches (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        status INTEGER NOT NULL,
        etag TEXT,
        last_modified TEXT,
        fetched TEXT,
        confirmed TEXT,
        checked TEXT NOT NULL,
        record_id TEXT,
        removed INTEGER NOT NULL DEFAULT 0,
        removed_since TEXT
    );
    CREATE INDEX fetches_source ON fetches(source);
    """,
    # 3: near-duplicate clusters (indexer/duplicates.py). near_dup_bands: each document's MinHash LSH band
    # hashes, looked up by (band, hash) to find candidate copies without comparing all pairs. clusters: one
    # row per document in a cluster of two or more; cluster_id is the original's id, duplicate_of is NULL
    # for the original and the original's id for every copy, similarity the copy's containment in it.
    """
    CREATE TABLE near_dup_bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        doc_id TEXT NOT NULL,
        PRIMARY KEY (band, hash, doc_id)
    ) WITHOUT ROWID;
    CREATE INDEX near_dup_bands_doc ON near_dup_bands(doc_id);
    CREATE TABLE clusters (
        doc_id TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        duplicate_of TEXT,
        similarity REAL
    );
    CREATE INDEX clusters_cluster ON clusters(cluster_id);
    """,
    # 4: named timelines (webui/timelines.py): a user's pinned articles in their order, each with a note;
    # and the enrichment stamp: which pipeline version annotated which text, so that a document is
    # re-enriched when its text or the pipeline changes and skipped otherwise.
    """
    CREATE TABLE timelines (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE timeline_items (
        timeline_id INTEGER NOT NULL REFERENCES timelines(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        added TEXT NOT NULL,
        PRIMARY KEY (timeline_id, doc_id)
    );
    CREATE INDEX timeline_items_order ON timeline_items(timeline_id, position);
    CREATE TABLE enrichments (
        doc_id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    """,
    # 5 (reliability): canonical_claims: a page whose rel=canonical names a page on another site keeps its
    # own id; the address it named is kept here (shown, and used to elect the original of a cluster).
    # index_journal: every document whose index entry was written, in order, so that a rebuild of the
    # index can add what was written while it ran. login_sessions: web logins, so logout and a changed
    # password end them (webui/auth.py).
    """
    CREATE TABLE canonical_claims (
        doc_id TEXT PRIMARY KEY,
        claimed_url TEXT NOT NULL
    );
    CREATE TABLE index_journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL
    );
    CREATE TABLE login_sessions (
        token TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        started TEXT NOT NULL
    );
    """,
    # 6: how sure extraction was (Document.extraction: full, fallback, uncertain) and how far the page's
    # dates agree (Document.published_confidence), so that the pages worth a second look can be found.
    # Documents stored before read as full (they passed the stricter old rules), with no date confidence.
    """
    ALTER TABLE documents ADD COLUMN extraction TEXT NOT NULL DEFAULT 'full';
    ALTER TABLE documents ADD COLUMN published_confidence TEXT;
    CREATE INDEX documents_extraction ON documents(extraction);
    """,
    # 7 (workers, issue 16): why a job of the queue failed, one row per failed attempt, written by the
    # worker that ran it (the queue, Procrastinate, keeps statuses but not errors): `casebook jobs` shows
    # the latest. job_id is the queue's job id.
    """
    CREATE TABLE job_failures (
        job_id INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        task TEXT NOT NULL,
        failed TEXT NOT NULL,
        worker TEXT NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (job_id, attempt)
    );
    """,
    # 8 (issue 17): saved searches and batches. saved_searches: a user's named search (its query string as
    # /search takes it), and when its owner last looked at its new matches; saved_matches: every document
    # each has matched since it was saved (found: when it was first seen to match; those matching when it
    # was saved are found then, so they are not new). saved_batches: a named list of queries with the
    # figures of its last run (JSON), to show what changed when it is run again.
    """
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        query TEXT NOT NULL,
        created TEXT NOT NULL,
        looked TEXT NOT NULL,
        UNIQUE (owner, name)
    );
    CREATE TABLE saved_matches (
        search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL,
        found TEXT NOT NULL,
        PRIMARY KEY (search_id, doc_id)
    );
    CREATE INDEX saved_matches_found ON saved_matches(search_id, found);
    CREATE TABLE saved_batches (
        id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        lines TEXT NOT NULL,
        created TEXT NOT NULL,
        ran TEXT NOT NULL,
        results TEXT NOT NULL,
        UNIQUE (owner, name)
    );
    """,
    # 9: the extractor that refused a page (records.refused_by: indexer.extract.version's stamp; NULL for a
    # record that made a document or was never read by the extractor), and the one that read each document
    # (documents.extractor; NULL: before stamps). Ingest reads a page refused by another extractor again, so
    # an article an older Casebook refused becomes a document after an upgrade; `casebook reextract` reads
    # the documents of another extractor again (the index: ingest counts them after every run). Refusals
    # catalogued before stamps are found by the reasons every earlier version gave for them.
    """
    ALTER TABLE records ADD COLUMN refused_by TEXT;
    ALTER TABLE documents ADD COLUMN extractor TEXT;
    CREATE INDEX documents_extractor ON documents(extractor, id);
    UPDATE records SET refused_by = 'unstamped' WHERE """
    + PRE_STAMP_REFUSAL
    + """;
    """,
]


T = 'TEXT COLLATE "C"'

POSTGRES_MIGRATIONS: list[str] = [
    # 1: documents, their versions, the WARC record catalogue, and enrichment output.
    f"""
    CREATE TABLE documents (
        id {T} PRIMARY KEY,
        url {T} NOT NULL,
        canonical_url {T} NOT NULL,
        source {T} NOT NULL,
        title {T} NOT NULL,
        authors {T} NOT NULL,
        published {T},
        published_from {T},
        updated {T},
        fetched {T} NOT NULL,
        first_fetched {T} NOT NULL,
        language {T},
        categories {T} NOT NULL,
        tags {T} NOT NULL,
        text {T} NOT NULL,
        comments {T} NOT NULL,
        content_hash {T} NOT NULL,
        version INTEGER NOT NULL,
        warc_file {T},
        warc_offset BIGINT
    );
    CREATE INDEX documents_source ON documents(source);
    CREATE INDEX documents_published ON documents(published);
    CREATE TABLE versions (
        doc_id {T} NOT NULL REFERENCES documents(id),
        version INTEGER NOT NULL,
        content_hash {T} NOT NULL,
        fetched {T} NOT NULL,
        title {T} NOT NULL,
        text {T} NOT NULL,
        warc_file {T},
        warc_offset BIGINT,
        PRIMARY KEY (doc_id, version)
    );
    CREATE TABLE records (
        record_id {T} PRIMARY KEY,
        warc_file {T} NOT NULL,
        warc_offset BIGINT NOT NULL,
        url {T} NOT NULL,
        payload_digest {T},
        fetched {T} NOT NULL,
        doc_id {T},
        outcome {T} NOT NULL
    );
    CREATE INDEX records_digest ON records(payload_digest);
    CREATE TABLE mentions (
        doc_id {T} NOT NULL REFERENCES documents(id),
        entity_id {T} NOT NULL,
        kind {T} NOT NULL,
        name {T} NOT NULL,
        text {T} NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL
    );
    CREATE INDEX mentions_doc ON mentions(doc_id);
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE TABLE quotes (
        doc_id {T} NOT NULL REFERENCES documents(id),
        text {T} NOT NULL,
        speaker {T},
        speaker_id {T},
        cue {T},
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL
    );
    CREATE INDEX quotes_doc ON quotes(doc_id);
    """,
    # 2: what the crawler last saw at each URL.
    f"""
    CREATE TABLE fetches (
        url {T} PRIMARY KEY,
        source {T} NOT NULL,
        status INTEGER NOT NULL,
        etag {T},
        last_modified {T},
        fetched {T},
        confirmed {T},
        checked {T} NOT NULL,
        record_id {T},
        removed INTEGER NOT NULL DEFAULT 0,
        removed_since {T}
    );
    CREATE INDEX fetches_source ON fetches(source);
    """,
    # 3: near-duplicate clusters: LSH band hashes (64-bit) and clusters.
    f"""
    CREATE TABLE near_dup_bands (
        band INTEGER NOT NULL,
        hash BIGINT NOT NULL,
        doc_id {T} NOT NULL,
        PRIMARY KEY (band, hash, doc_id)
    );
    CREATE INDEX near_dup_bands_doc ON near_dup_bands(doc_id);
    CREATE TABLE clusters (
        doc_id {T} PRIMARY KEY,
        cluster_id {T} NOT NULL,
        duplicate_of {T},
        similarity DOUBLE PRECISION
    );
    CREATE INDEX clusters_cluster ON clusters(cluster_id);
    """,
    # 4: named timelines and the enrichment stamp.
    f"""
    CREATE TABLE timelines (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name {T} NOT NULL UNIQUE,
        description {T} NOT NULL DEFAULT '',
        created {T} NOT NULL,
        updated {T} NOT NULL
    );
    CREATE TABLE timeline_items (
        timeline_id BIGINT NOT NULL REFERENCES timelines(id) ON DELETE CASCADE,
        doc_id {T} NOT NULL,
        position INTEGER NOT NULL,
        note {T} NOT NULL DEFAULT '',
        added {T} NOT NULL,
        PRIMARY KEY (timeline_id, doc_id)
    );
    CREATE INDEX timeline_items_order ON timeline_items(timeline_id, position);
    CREATE TABLE enrichments (
        doc_id {T} PRIMARY KEY,
        version {T} NOT NULL,
        content_hash {T} NOT NULL
    );
    """,
    # 5: canonical claims, the index journal, web logins.
    f"""
    CREATE TABLE canonical_claims (
        doc_id {T} PRIMARY KEY,
        claimed_url {T} NOT NULL
    );
    CREATE TABLE index_journal (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        doc_id {T} NOT NULL
    );
    CREATE TABLE login_sessions (
        token {T} PRIMARY KEY,
        "user" {T} NOT NULL,
        started {T} NOT NULL
    );
    """,
    # 6: how sure extraction was, and how far the page's dates agree.
    f"""
    ALTER TABLE documents ADD COLUMN extraction {T} NOT NULL DEFAULT 'full';
    ALTER TABLE documents ADD COLUMN published_confidence {T};
    CREATE INDEX documents_extraction ON documents(extraction);
    """,
    # 7: why a job of the queue failed (job ids are the queue's bigint ids).
    f"""
    CREATE TABLE job_failures (
        job_id BIGINT NOT NULL,
        attempt INTEGER NOT NULL,
        task {T} NOT NULL,
        failed {T} NOT NULL,
        worker {T} NOT NULL,
        error {T} NOT NULL,
        PRIMARY KEY (job_id, attempt)
    );
    """,
    # 8: saved searches and batches.
    f"""
    CREATE TABLE saved_searches (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        owner {T} NOT NULL,
        name {T} NOT NULL,
        query {T} NOT NULL,
        created {T} NOT NULL,
        looked {T} NOT NULL,
        UNIQUE (owner, name)
    );
    CREATE TABLE saved_matches (
        search_id BIGINT NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
        doc_id {T} NOT NULL,
        found {T} NOT NULL,
        PRIMARY KEY (search_id, doc_id)
    );
    CREATE INDEX saved_matches_found ON saved_matches(search_id, found);
    CREATE TABLE saved_batches (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        owner {T} NOT NULL,
        name {T} NOT NULL,
        lines {T} NOT NULL,
        created {T} NOT NULL,
        ran {T} NOT NULL,
        results {T} NOT NULL,
        UNIQUE (owner, name)
    );
    """,
    # 9: the extractor that refused a page, and the one that read each document.
    f"""
    ALTER TABLE records ADD COLUMN refused_by {T};
    ALTER TABLE documents ADD COLUMN extractor {T};
    CREATE INDEX documents_extractor ON documents(extractor, id);
    UPDATE records SET refused_by = 'unstamped' WHERE """
    + PRE_STAMP_REFUSAL
    + """;
    """,
]
