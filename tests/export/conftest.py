import pytest
import export_models


@pytest.fixture
def conv_sequential():
    return export_models.conv_sequential()


@pytest.fixture
def two_in_two_out():
    return export_models.two_in_two_out()


@pytest.fixture
def subclassed():
    return export_models.subclassed()
