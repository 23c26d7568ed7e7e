"""``casebook``: the one command line. Each subcommand is one stage of the line, runnable on its own."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from casebook.errors import CasebookError, environment_error
from casebook.models import Document, RawPage
from casebook.settings import Settings, load_settings
from casebook.store import StoreError, damaged, disk_full, gone

if TYPE_CHECKING:
    from crawler.run import CrawlReport


def _friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Errors a user can meet become one line on stderr, never a traceback; Ctrl-C says how to resume."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CasebookError as exc:
            click.echo(f"casebook: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(
                "casebook: interrupted; what was done is kept, run the same command to finish", err=True
            )
            sys.exit(130)
        except (OSError, *StoreError) as exc:  # a full disk, a damaged store: one line; anything else shows
            if (line := environment_error(exc) or _store_error(exc)) is None:
                raise
            click.echo(f"casebook: {line}", err=True)
            sys.exit(1)

    return run


def _store_error(exc: BaseException) -> str | None:
    """The one line for a store that cannot be read or could not grow; None for any other error."""
    if disk_full(exc):
        return "the disk is full (the store could not grow): free some space and run the same command again"
    if damaged(exc):
        return (
            f"the store (casebook.db) cannot be read ({exc}): restore it from a backup, or move it aside and"
            " run casebook ingest to rebuild the documents from the WARC files"
        )
    if gone(exc):
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        return (
            f"the store's database server cannot be reached ({reason}): check that it is running and run"
            " the same command again"
        )
    return None


def _repairs_index(command: Callable[..., Any]) -> Callable[..., Any]:
    """The search index is derived data: when it is found damaged (or built by another version), say so,
    rebuild it from the store, and run the command again (every command here is idempotent)."""

    @wraps(command)
    def run(settings: Settings, *args: Any, **kwargs: Any) -> Any:
        from indexer.search import IndexCorrupt

        try:
            return command(settings, *args, **kwargs)
        except IndexCorrupt as exc:
            click.echo(f"casebook: {exc}", err=True)
            click.echo("casebook: rebuilding the search index from the store ...", err=True)
            count = _rebuild_index(settings, progress=False)
            click.echo(f"casebook: search index rebuilt ({count} documents); carrying on", err=True)
            return command(settings, *args, **kwargs)

    return run


def _rebuild_index(settings: Settings, progress: bool) -> int:
    from indexer.pipeline.ingest import Ingester

    ingester = Ingester(settings)
    try:
        return ingester.reindex(progress=progress)
    finally:
        ingester.close()


@click.group()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where WARC files, the store and the index live (default: $CASEBOOK_DATA_DIR or ./casebook-data).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
@click.pass_context
@_friendly
def cli(ctx: click.Context, data_dir: Path | None, verbose: bool) -> None:
    """Casebook: an investigative archive and search engine for UK welfare and disability coverage."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = load_settings(data_dir=data_dir)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-progress", is_flag=True, help="No progress bar (for logs and scripts).")
@click.option(
    "--queue",
    "to_queue",
    is_flag=True,
    help="Put one job per WARC file (and per 100 HTML files) in the queue for casebook worker instead.",
)
@click.pass_obj
@_friendly
@_repairs_index
def ingest(settings: Settings, paths: tuple[Path, ...], no_progress: bool, to_queue: bool) -> None:
    """Archive, extract, store, enrich and index HTML files, folders of them, and WARC files; with none,
    finish what is left (records pending, failed for a reason worth another try, or refused by an older
    extractor)."""
    from indexer.pipeline.ingest import ingest as run_ingest

    if to_queue:
        from workers.enqueue import queue_ingest

        click.echo(queue_ingest(settings, list(paths)).summary())
        return

    report = run_ingest(settings, paths, progress=not no_progress)
    for reason in report.skipped:
        click.echo(f"skipped {reason}", err=True)
    click.echo(report.summary())
    for line in report.alerts:
        click.echo(line, err=True)
    _note_stale_extractions(settings)
    _note_stale_enrichments(settings)


def _note_stale_extractions(settings: Settings) -> None:
    """Ingest reads new pages with this extractor; documents an older one read wait for `casebook
    reextract`, which reads every original again: say so rather than start it."""
    from casebook.store import open_store
    from indexer.extract.version import extractor_stamp

    with open_store(settings) as store:
        stale = len(store.stale_extractions(extractor_stamp()))
    if stale:
        click.echo(
            f"note: {stale} documents were read by an older extractor; run casebook reextract to read them"
            " again from their originals",
            err=True,
        )


def _note_stale_enrichments(settings: Settings) -> None:
    """Ingest enriches new and changed text only; annotations made by an older pipeline (an edited
    gazetteer, a new model) wait for `casebook enrich`, which may take long: say so rather than start it."""
    from casebook.store import open_store
    from indexer.enrich.version import pipeline_version

    version = pipeline_version(settings.model, settings.gazetteer_paths)
    if version is None:
        return
    with open_store(settings) as store:
        stale = len(store.stale_enrichments(version))
    if stale:
        click.echo(
            f"note: {stale} documents have entities and quotes from an older enrichment pipeline;"
            " run casebook enrich to bring them up to date",
            err=True,
        )


@cli.command()
@click.option("--force", is_flag=True, help="Re-enrich every document, stale or not.")
@click.option("--no-progress", is_flag=True)
@click.option(
    "--queue", "to_queue", is_flag=True, help="Put batches of documents in the queue for casebook worker."
)
@click.pass_obj
@_friendly
@_repairs_index
def enrich(settings: Settings, force: bool, no_progress: bool, to_queue: bool) -> None:
    """Re-enrich documents whose entities and quotes predate the current pipeline or their text."""
    from indexer.pipeline.reenrich import reenrich

    if to_queue:
        from workers.enqueue import queue_enrich

        click.echo(queue_enrich(settings, force=force).summary())
        return

    report = reenrich(settings, progress=not no_progress, force=force)
    click.echo(report.summary())
    for line in report.alerts:
        click.echo(line, err=True)


@cli.command()
@click.option("--force", is_flag=True, help="Read every document again, whichever extractor read it.")
@click.option("--no-progress", is_flag=True)
@click.option(
    "--queue", "to_queue", is_flag=True, help="Put batches of documents in the queue for casebook worker."
)
@click.pass_obj
@_friendly
@_repairs_index
def reextract(settings: Settings, force: bool, no_progress: bool, to_queue: bool) -> None:
    """Read documents an older extractor read again from their archived originals."""
    from indexer.pipeline.reextract import reextract as run_reextract

    if to_queue:
        from workers.enqueue import queue_reextract

        click.echo(queue_reextract(settings, force=force).summary())
        return

    report = run_reextract(settings, progress=not no_progress, force=force)
    for line in report.kept:
        click.echo(f"kept as stored {line}", err=True)
    for line in report.texts_kept:
        click.echo(f"texts kept as stored {line}", err=True)
    for line in report.addresses:
        click.echo(f"address kept {line}", err=True)
    click.echo(report.summary())
    for line in report.alerts:
        click.echo(line, err=True)
    _note_stale_enrichments(settings)


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--url", help="The page's original URL (default: the file's own URI).")
@click.option("--no-enrich", is_flag=True, help="Extraction only: skip entities and quotes.")
@click.pass_obj
@_friendly
def analyze(settings: Settings, files: tuple[Path, ...], url: str | None, no_enrich: bool) -> None:
    """Extract (and enrich) local files without touching any archive; one JSON object per file per line."""
    from casebook.sources import archive_sources, registered_source, source_for_url
    from indexer.dedup.analysis import duplicates, versions
    from indexer.dedup.canonical import canonical_identity
    from indexer.extract.stage import NotAnArticle, extract

    enricher = None
    if not no_enrich:
        from indexer.enrich.enricher import Enricher

        enricher = Enricher(settings.model, settings.gazetteer_paths)
    sources = archive_sources(settings)
    failed = False
    extracted: list[tuple[Path, Document]] = []
    errors: dict[Path, str] = {}
    for path in files:
        page = RawPage(
            url=url or path.resolve().as_uri(),
            body=path.read_bytes(),
            fetched=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        )
        try:
            doc = extract(
                page, source=source_for_url(page.url, sources), site=registered_source(page.url, sources)
            )
        except NotAnArticle as exc:
            errors[path] = str(exc)
            continue
        doc.canonical_url, _claimed = canonical_identity(page.url, doc.canonical_url, sources)
        doc.source = source_for_url(doc.canonical_url, sources)
        extracted.append((path, doc))
    history, copies = versions(extracted), duplicates(extracted)
    docs = dict(extracted)
    for path in files:
        if path in errors:
            click.echo(json.dumps({"file": str(path), "error": errors[path]}, ensure_ascii=False))
            failed = True
            continue
        doc = docs[path]
        mentions, quotes = enricher.enrich(doc) if enricher else ([], [])
        click.echo(
            json.dumps(
                {
                    "file": str(path),
                    "url": doc.canonical_url,
                    "source": doc.source,
                    "title": doc.title,
                    "author": doc.author,
                    "authors": doc.authors,
                    "published": doc.published.isoformat() if doc.published else None,
                    "published_from": doc.published_from,
                    "published_confidence": doc.published_confidence,
                    "updated": doc.updated.isoformat() if doc.updated else None,
                    "extraction": doc.extraction,
                    "language": doc.language,
                    "text": doc.text,
                    "comments": [c.to_dict() for c in doc.comments],
                    "entities": [m.to_dict() for m in mentions],
                    "quotes": [q.to_dict() for q in quotes],
                    "versions": history[path],
                    "duplicate_of": copies.get(path),
                },
                ensure_ascii=False,
            )
        )
    if failed:
        sys.exit(1)


class _QueryCommand(click.Command):
    """A command whose argument is a query: ``casebook search -sanctions`` reads the query as an option
    (``-s``...), so say in one line how to search for words that start with a minus."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes its list
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            word = next((a for a in given if a.startswith(exc.option_name)), exc.option_name)
            if word.startswith("--"):
                raise
            click.echo(
                f"casebook: {word} reads as an option; to search for a query that starts with a minus,"
                f" put -- before it: casebook {ctx.info_name} -- {word}",
                err=True,
            )
            ctx.exit(2)


@cli.command(cls=_QueryCommand)
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print {total, results, facets} as JSON.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option(
    "--since",
    help="Published (or with --date collected, collected) on or after (YYYY, YYYY-MM or YYYY-MM-DD).",
)
@click.option("--until", help="Published (or collected) on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option(
    "--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True
)
@click.option("--originals-only", is_flag=True, help="Hide near-duplicate copies of another article.")
@click.option(
    "--date",
    "dated_by",
    type=click.Choice(["published", "collected"]),
    default="published",
    show_default=True,
    help="Which date --since, --until and the date order use: the article's, or the day the archive"
    " first fetched it.",
)
@click.pass_obj
@_friendly
@_repairs_index
def search(
    settings: Settings,
    query: str,
    as_json: bool,
    limit: int,
    page: int,
    since: str | None,
    until: str | None,
    sort: str,
    originals_only: bool,
    dated_by: str,
) -> None:
    """Search the archive; `*` matches every document. Syntax: see the README or /help in the web UI."""
    from indexer.enrich.gazetteer import load_gazetteer
    from indexer.search import DateError, DateOrderError, SearchService, open_backend, plain_snippet

    service = SearchService(open_backend(settings), gazetteer=load_gazetteer(settings.gazetteer_paths))
    try:
        found = service.search(
            query,
            limit=limit,
            page=page,
            since=since,
            until=until,
            sort=sort,
            originals_only=originals_only,
            details=True,
            dated_by=dated_by,
        )
    except DateError as exc:  # the search functions name no option; here the user typed one
        hint = f"; try: --{exc.bound} {exc.suggestion}" if exc.suggestion else ""
        raise CasebookError(f"--{exc.bound} {exc.problem}{hint}") from None
    except DateOrderError:
        raise CasebookError(
            f"--since {since} is after --until {until}; try: --since {until} --until {since}"
        ) from None
    for notice in found.pop("notices"):
        click.echo(f"note: {notice}", err=True)
    pages = found.pop("pages")
    for key in ("page", "sort"):
        found.pop(key)
    for hit in found["results"]:
        for key in ("matched_in", "duplicate_of", *(("collected",) if dated_by == "published" else ())):
            hit.pop(key, None)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo(f"{found['total']} documents match {query!r}")
    if found["total"] and not found["results"]:
        plural = "page" if pages == 1 else "pages"
        click.echo(f"page {page} is past the end: {pages} {plural} of {limit}; try: --page {pages}")
    for hit in found["results"]:
        day = hit["published"] or "undated"
        if dated_by == "collected":
            day = f"collected {hit['collected'] or 'on an unknown day'} (published {day})"
        click.echo(f"\n{day}  {hit['source']}  {hit['title']}\n  {hit['url']}")
        click.echo(f"  {plain_snippet(hit['snippet'])}")


@cli.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Another sources registry (default: corpus/sources.toml).",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only articles published on or after this date.",
)
@click.option(
    "--urls",
    "urls_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of single article URLs to fetch, one per line.",
)
@click.option("--no-progress", is_flag=True)
@click.option(
    "--queue",
    "to_queue",
    is_flag=True,
    help="Put one job per source in the queue for casebook worker instead of crawling here.",
)
@click.pass_obj
@_friendly
@_repairs_index
def crawl(
    settings: Settings,
    sources: tuple[str, ...],
    sources_file: Path | None,
    since: datetime | None,
    urls_file: Path | None,
    no_progress: bool,
    to_queue: bool,
) -> None:
    """Crawl sources from the registry (all when none is named), archive every response, then ingest."""
    if to_queue:
        from workers.enqueue import queue_crawl

        if urls_file is not None:
            raise CasebookError("--urls cannot be queued: fetch a list of URLs here, without --queue")
        queued = queue_crawl(settings, list(sources), sources_file, since.date() if since else None)
        click.echo(queued.summary())
        return
    urls = None
    if urls_file is not None:
        lines = urls_file.read_text(encoding="utf-8").splitlines()
        urls = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    report = crawl_then_ingest(
        settings,
        list(sources) or None,
        sources_file=sources_file,
        since=since.date() if since else None,
        urls=urls,
        progress=not no_progress,
    )
    for error in report.errors:
        click.echo(f"error {error}", err=True)
    click.echo(report.summary())


def crawl_then_ingest(
    settings: Settings,
    source_names: list[str] | None = None,
    sources_file: Path | None = None,
    progress: bool = True,
    **crawling: Any,
) -> CrawlReport:
    """``casebook crawl``: the crawler fetches into the archive (``crawling``: the rest of
    :func:`crawler.run.crawl`'s options), then ingest makes documents of the articles fetched (and of any
    record an interrupted run left pending), reading sources from the same registry."""
    from crawler.run import crawl
    from indexer.pipeline.ingest import ingest

    report = crawl(settings, source_names, sources_file=sources_file, progress=progress, **crawling)
    if sources_file is not None:
        settings = replace(settings, sources_file=str(Path(sources_file).resolve()))
    ingested = ingest(settings, paths=report.article_files, progress=progress)
    report.add_ingest(ingested.outcomes, ingested.skipped)
    for line in ingested.alerts:
        click.echo(line, err=True)
    return report


@cli.command()
@click.option("--kind", type=click.Choice(["official", "person", "organisation", "scheme", "place"]))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="At most N entities.")
@click.pass_obj
@_friendly
def entities(settings: Settings, kind: str | None, as_json: bool, limit: int) -> None:
    """List the entities the archive mentions, most mentioned first, with mention counts."""
    from casebook.store import open_store
    from indexer.pipeline.entities_report import list_entities

    with open_store(settings) as store:
        rows = list_entities(store, kind)[:limit]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['mentions']:6d} mentions {row['documents']:5d} docs  "
            f"{row['kind']:<12} {row['name']}  ({row['id']})"
        )


@cli.command()
@click.option("--no-progress", is_flag=True)
@click.option("--queue", "to_queue", is_flag=True, help="Put the rebuild in the queue for casebook worker.")
@click.pass_obj
@_friendly
def reindex(settings: Settings, no_progress: bool, to_queue: bool) -> None:
    """Rebuild the search index from the store and swap it in atomically."""
    if to_queue:
        from workers.enqueue import queue_reindex

        click.echo(queue_reindex(settings).summary())
        return
    count = _rebuild_index(settings, progress=not no_progress)
    click.echo(f"reindex: {count} documents indexed")


@cli.command()
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs run at once (crawls wait on the network; for enrichment run one worker per core instead).",
)
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(["crawl", "ingest", "enrich", "index"]),
    help="Take jobs from this queue only (repeat for several; default: all).",
)
@click.option("--until-empty", is_flag=True, help="Leave once the queues are empty (for scripts).")
@click.pass_obj
@_friendly
def worker(settings: Settings, concurrency: int, queues: tuple[str, ...], until_empty: bool) -> None:
    """Take jobs from the queue (database_url) and run them until stopped with Ctrl-C."""
    from workers.queue import QUEUES, reachable, where
    from workers.run import run_worker

    reachable(settings)  # a queue that cannot be reached is said before anything else
    chosen = list(queues) or list(QUEUES)
    logging.getLogger("workers").setLevel(logging.INFO)  # one line per job started, done or failed
    click.echo(
        f"casebook worker: taking {', '.join(chosen)} jobs from the queue at {where(settings)}"
        f" for {settings.data_dir} ({'until the queue is empty' if until_empty else 'Ctrl-C to stop'})",
        err=True,
    )
    run_worker(settings, chosen, concurrency=concurrency, until_empty=until_empty)
    click.echo("casebook worker: stopped", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print {queue, kinds, running, failures} as JSON.")
@click.option(
    "--failures", default=5, show_default=True, type=click.IntRange(0), help="Latest failures shown."
)
@click.pass_obj
@_friendly
def jobs(settings: Settings, as_json: bool, failures: int) -> None:
    """Show the queue: jobs waiting, running, done and failed per kind, and the latest failures."""
    from workers.status import jobs_report

    report = jobs_report(settings, failures=failures)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        click.echo(line)


@cli.command()
@click.option("--host", default=None, help="Interface to listen on (default from settings: 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default from settings: 5000).")
@click.option("--public", is_flag=True, help="Read-only, for publishing an archive: no timeline editing.")
@click.pass_obj
@_friendly
@_repairs_index
def serve(settings: Settings, host: str | None, port: int | None, public: bool) -> None:
    """Serve the web UI and JSON API (checking the search index first, and rebuilding it if damaged)."""
    from casebook.store import open_store
    from indexer.search import IndexCorrupt, open_backend

    open_store(settings).close()  # a damaged store is one line here, not a 503 on every page
    problems = open_backend(settings).check()
    if problems:
        raise IndexCorrupt(settings.index_dir, "; ".join(problems), problems[0])
    app = _app(settings, public)
    server = _listen(app, host or settings.host, port or settings.port, "casebook serve")
    _warm_up(app)
    _run(server, settings, public)


@cli.command()
@click.option("--user", "owner", help="Only this user's saved searches (default: everyone's).")
@click.option(
    "--seen", is_flag=True, help="Then mark the new matches as seen (as opening them in the UI does)."
)
@click.option("--json", "as_json", is_flag=True, help="Print [{search, new: [documents]}] as JSON.")
@click.pass_obj
@_friendly
def alerts(settings: Settings, owner: str | None, seen: bool, as_json: bool) -> None:
    """Saved searches with their matches new since their owner last looked, and those new documents."""
    from casebook.store import open_store

    with open_store(settings) as store:
        searches = store.saved_searches(owner)
        listed = [
            (s, store.saved_matches(s.id, new_only=True, limit=1000) if s.new else []) for s in searches
        ]
        if seen:
            now = datetime.now(UTC).isoformat(timespec="microseconds")
            with store.write_transaction():
                for saved, _ in listed:
                    store.mark_looked(saved.id, now)
    if as_json:
        out = [saved.to_dict() | {"new_matches": [m.__dict__ for m in matches]} for saved, matches in listed]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not searches:
        click.echo("alerts: no saved searches yet (save one from the search page of the web UI)")
        return
    for saved, matches in listed:
        who = f" ({saved.owner})" if saved.owner else ""
        click.echo(f"{saved.name}{who}: {saved.new} new since last looked, {saved.matches} matches in all")
        for match in matches:
            click.echo(f"  {match.published or 'undated'}  {match.source}  {match.title}\n    {match.url}")
    if seen:
        click.echo("alerts: marked as seen")


@cli.command("add-user")
@click.argument("name")
@click.password_option(help="The password (asked for twice when not given).")
@click.pass_obj
@_friendly
def add_user(settings: Settings, name: str, password: str) -> None:
    """Add a login for write actions (or change its password) in the users file."""
    from webui.auth import add_user as write_user

    write_user(settings.users_path, name, password)
    click.echo(f"add-user: {name} saved in {settings.users_path}; writing now needs a login")


@cli.command()
@click.option("--no-serve", is_flag=True, help="Build the demo archive and stop.")
@click.option("--port", default=None, type=int, help="Port to serve on (default from settings: 5000).")
@click.pass_obj
@_friendly
def demo(settings: Settings, no_serve: bool, port: int | None) -> None:
    """Build the demo archive from corpus/demo/ (real pages, and invented sample data) and serve it."""
    from indexer.pipeline.demo import build_demo

    # The port is taken before the build, so a busy port is said at once, not after the build.
    server = (
        None
        if no_serve
        else _listen(_app(settings, False), settings.host, port or settings.port, "casebook demo")
    )
    click.echo(build_demo(settings).summary())
    if server is not None:
        _run(server, settings, False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print {ok, counts, problems} as JSON.")
@click.pass_obj
@_friendly
def check(settings: Settings, as_json: bool) -> None:
    """Verify that WARC files, store and search index agree; one line per problem, exit 1 if any."""
    from indexer.pipeline.check import check as run_check

    report = run_check(settings)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        for item in report.review:
            click.echo(f"to review: {item}")
        click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


def _app(settings: Settings, public: bool) -> Any:
    """The web UI and JSON API for ``settings`` (``public``: read-only)."""
    from webui.app import create_app

    return create_app(settings, public=public)


def _listen(app: Any, host: str, port: int, command: str) -> Any:
    """The web server of ``app``, bound to its port (nothing served yet); a port that cannot be had is
    one line. ``command`` is the command that serves, to say how to choose another port in its own words."""
    import errno
    import socket

    from waitress import create_server

    try:
        return create_server(app, host=host, port=port, threads=8)
    except OSError as exc:
        other = f"{command} --port {port + 1}"
        if command == "casebook demo":
            other = f"make demo PORT={port + 1} (or {other})"
        if exc.errno == errno.EADDRINUSE:
            problem = f"port {port} on {host} is already in use (another Casebook, or another program)"
        elif exc.errno == errno.EACCES:
            problem = f"port {port} needs administrator rights on this system"
        elif isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
            raise CasebookError(f"cannot listen on host {host!r}: not an address of this computer") from None
        else:
            problem = f"cannot listen on {host}:{port} ({exc.strerror or exc})"
        raise CasebookError(f"{problem}; choose another port: {other}") from None


def _warm_up(app: Any) -> None:
    """The first searches run before serving (``webui.search.warm_up``), said with the time they took."""
    import time

    from indexer.search import QueryError
    from webui.search import warm_up

    started = time.monotonic()
    click.echo("casebook serve: reading the search index before serving ...", nl=False)
    try:
        with app.app_context():
            warm_up()
    except QueryError as exc:  # stopped by a search's time bound: serving matters more
        click.echo(f" not all of it ({exc.problem}); the first searches will read the rest")
        return
    click.echo(f" ready ({time.monotonic() - started:.1f} s)")


def _run(server: Any, settings: Settings, public: bool) -> None:
    mode = " read-only" if public else ""
    url = f"http://{server.effective_host}:{server.effective_port}/"
    click.echo(f"Casebook is serving {settings.data_dir}{mode} at {url} (Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("casebook: stopped serving", err=True)
    finally:
        server.close()


def main() -> None:
    cli(prog_name="casebook")
