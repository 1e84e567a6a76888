"""Read models of the reviews service, kept by servicekit's projection runner."""

from .review_cases import CaseQuery, CaseRow, ReviewCasesProjection, find_latest_case_id, list_cases

__all__ = ["CaseQuery", "CaseRow", "ReviewCasesProjection", "find_latest_case_id", "list_cases"]
