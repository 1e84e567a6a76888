"""Rule sets and the competency list as data files: format, loading, validation (fails fast)."""

from .loader import RuleSetDataError, file_name, load_rule_book, load_rule_set

__all__ = ["RuleSetDataError", "file_name", "load_rule_book", "load_rule_set"]
