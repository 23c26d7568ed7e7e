"""The web UI and its JSON API (Flask). ``app`` makes the application; ``context`` gives each request its
settings, store (read-only unless a form writes) and search service; ``views`` are the blueprints, thin;
the modules beside them build each page's data as plain functions (``search``, ``timeline``, ``quotes``,
``documents``, ``entities``, ``exports``, ``timelines``) from helpers for forms, links, charts, citations
and marking. It reads through the store and the search service, never the crawler or the pipeline."""
