"""Support-dialogue corpora: reading every layout into one `Dialogue` model, and fetching ESConv.

dialogue  the in-memory dialogue and utterance every reader produces
layouts   one parser per layout: esconv-json, failed-esconv, hf-jsonl, multiesc, generic
load      files: JSON list or JSON Lines, layout detection, errors with file and line
corpus    several files together: the split filter, HF and MultiESC copies folded into one
fetch     `esc data fetch esconv`: download from upstream, verify hashes
"""
