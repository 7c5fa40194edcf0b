"""The companion's voice: providers, prompt assembly, the offline voice and safety.

Never imports streamlit.
"""

from companion.config import ProviderConfig, make_provider, resolve
from companion.conversation import Reply, Upload, send
from companion.provider import Image, Provider, ProviderError, Turn

__all__ = [
    "Image",
    "Provider",
    "ProviderConfig",
    "ProviderError",
    "Reply",
    "Turn",
    "Upload",
    "make_provider",
    "resolve",
    "send",
]
