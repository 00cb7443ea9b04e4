"""Intake: a source folder's files into outcomes, writing nothing to the warehouse. ``discover`` and ``settle`` find
the folders and their files, ``judge`` holds, hashes, reads, normalises and validates each file, and each kind of
input (``kinds/``) says what differs: headers, normaliser, warnings, expectation suite and how its rows are keyed.
"""
