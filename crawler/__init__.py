"""The crawler: Scrapy spiders that fetch the registry's sources politely, obey robots.txt, and hand every
response to the WARC archive (``casebook.archive``) with its fetch state in the store. It fetches only:
making documents of what it fetched is ingest's work, which ``casebook crawl`` runs afterwards."""
