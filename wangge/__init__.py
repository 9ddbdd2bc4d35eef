import os

# python-docx (the Word briefing) brings lxml, and openpyxl switches its XML reading and
# writing to lxml whenever lxml is importable. Keep openpyxl on the standard library's
# XML (what the Excel imports and exports were built and tested on) unless the
# environment says otherwise. Must run before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")
