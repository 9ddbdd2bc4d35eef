"""Moved to the import engine (wangge.imports.excel); this path stays importable."""

from wangge.imports.excel import (  # noqa: F401
    FORMULA_PREFIXES,
    FormulaWithoutValue,
    SheetReader,
    UploadRejected,
    XlsxWriter,
    check_upload_size,
    check_xlsx_container,
    checked_upload,
    escape_cell,
)
