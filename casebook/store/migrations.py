"""The store's schema, as numbered migrations applied in order (``PRAGMA user_version`` says which have
run). Append a new one at the end; never edit one that has shipped: stores made with it exist."""

from __future__ import annotations

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
    # 7 (issue 17): saved searches and batches. saved_searches: a user's named search (its query string as
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
]
