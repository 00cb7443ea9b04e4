"""``python -m roster_recon.demo reset|summary …``: the demo driver (``driver.py``) that ``make demo`` calls."""

from roster_recon.demo.driver import main

main()
