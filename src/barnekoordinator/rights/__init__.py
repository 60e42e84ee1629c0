"""rights"""

__all__: list[str] = []
