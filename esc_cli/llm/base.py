"""The one protocol every model backend implements, and the request/completion records it speaks.

A backend has one async method, `complete(request) -> Completion`. The offline engine does not go
through this layer: each role has its own offline implementation. This layer is for real models
(anthropic, openai) and for scripted models in tests.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["user", "assistant"]
    content: str


class Request(BaseModel):
    """Everything that can change a model's answer. Its canonical JSON is the cache key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str = ""
    messages: tuple[Message, ...]
    max_tokens: int = Field(default=1024, ge=1)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int | None = None
    json_schema: dict[str, Any] | None = Field(default=None, description="Ask for JSON matching this schema.")
    cache_prefix: bool = Field(
        default=True, description="Hint: the system prompt is a stable, cacheable prefix."
    )
    role: str = Field(default="", description="Which role asks (agent, seeker, ...); for accounting only.")


class Usage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


class Completion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    data: Any = Field(default=None, description="Parsed JSON when the request had a json_schema.")
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    latency: float = 0.0
    cached: bool = False
    batch: bool = Field(default=False, description="Answered through a provider batch API, at its discount.")


@runtime_checkable
class Backend(Protocol):
    """A model backend. `name` is its engine id; `model` the model it calls."""

    name: ClassVar[str]
    model: str

    async def complete(self, request: Request) -> Completion: ...
