"""Bugs the fuzz tests (test_fuzz.py) found, each pinned by a direct test."""

import numpy as np
import pytest

import fastla


def test_set_isa_none_is_a_type_error():
    with pytest.raises(TypeError, match="str"):
        fastla.set_isa(None)
