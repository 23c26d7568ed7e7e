"""Quotes: reported speech with its cue and, where sure, its speaker (the ``casebook_quotes`` component)."""
