"""Scrapy crawler and the WARC archive of originals."""
