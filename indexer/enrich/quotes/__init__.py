"""Quotes: reported speech with its cue and, where sure, its speaker, as the ``casebook_quotes`` component.

``marks`` finds quotations by their marks in the plain text; ``component`` parses only the paragraphs that
hold them and hands each run to ``attribution``, which finds the cue and the speaker with what ``speakers``
knows of the people named so far and what ``lexicon`` says the words of saying are.
"""
