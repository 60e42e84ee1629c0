"""barnekoordinator: a legally traceable core for coordinating help to children and families."""

from barnekoordinator.legal_basis import LegalReference, ref

__all__ = ["LegalReference", "__version__", "ref"]

__version__ = "0.1.0"
