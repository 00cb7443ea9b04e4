"""Delivery: what people get back. ``finish`` gives each folder its feedback and moves its files to ``_archive`` or
``_rejected``; ``feedback`` and ``both_sides`` write the follow-up workbooks; ``report`` and ``evidence`` make the run
report (``templates/``, ``pages``); ``data_docs`` renders the stored validation results. It reads the warehouse's
``reporting`` views, so what it shows is what downstream reports see.
"""
