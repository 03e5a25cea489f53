"""Convenants: quality terms agreed between the regio and its partners, and declarations."""
