"""Search: the query language, the index (Whoosh), matching, ranking, facets and highlighting."""
