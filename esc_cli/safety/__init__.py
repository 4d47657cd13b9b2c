"""Crisis safety (issue 15): the crisis-cue detector, the safety-response check, the locale's help
table and the runtime safety net. See `detector.py`, `response.py`, `lines.py` and `net.py`."""
