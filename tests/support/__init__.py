"""Helpers for the tests (not tests themselves): API callers, web pages, pickup hallways, the pickup kiosk driver."""
