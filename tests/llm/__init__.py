"""Tests of esc_cli.llm: backends, cache, retries and concurrency, through the real SDKs."""
