"""The companion's voice: providers, prompt assembly, the offline voice and safety.

Every reply of his goes through `companion.pipeline` (see its docstring for how to call it).
Never imports streamlit.
"""

from companion.config import ProviderConfig, for_store, make_provider, resolve
from companion.conversation import Reply, Upload, send
from companion.pipeline import Request, check
from companion.provider import Image, PromptContext, Provider, ProviderError, Turn

__all__ = [
    "Image",
    "PromptContext",
    "Provider",
    "ProviderConfig",
    "ProviderError",
    "Reply",
    "Request",
    "Turn",
    "Upload",
    "check",
    "for_store",
    "make_provider",
    "resolve",
    "send",
]
