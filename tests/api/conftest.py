from tests.assemblies.conftest import assembly

__all__ = ["assembly"]
