"""Text -> records: everything that reads Vietnamese legal text and knows nothing of graphs."""
from .document import extract_file, extract_text  # noqa: F401
