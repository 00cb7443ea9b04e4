"""The demo: a generated city of mobile members (``people``), the files its counties, committees and the 红帆 system
send (``generate``, ``gba``, ``self_reports``), the ground truth the pipeline must reach (``truth``), and the driver
that runs ``make demo`` and compares the warehouse with it (``driver``).
"""
