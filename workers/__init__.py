"""Workers on a job queue: ``casebook worker`` on any number of machines runs the stages as jobs that
``casebook crawl|ingest|enrich --queue`` put in a queue, and ``casebook jobs`` shows how they are getting on.

The queue is Procrastinate's, on the PostgreSQL server named by ``database_url`` (:mod:`.queue`). Each job
calls the same pipeline functions as the command run inline (:mod:`.jobs`), so a job run twice stores
nothing twice. A worker killed mid-job leaves its job ``doing``; the other workers notice it has stopped
sending heartbeats and put the job back in the queue (:mod:`.run`). Above the stages, below the command
line: it imports the crawler and the indexer, and only ``casebook.cli`` imports it.
"""
