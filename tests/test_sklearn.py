"""fastla.sklearn.PCA: scikit-learn's estimator checks, one test each; agreement with
sklearn.decomposition.PCA(svd_solver="full") on the digits data to 1e-6; fractional
n_components, whitening, float32, bad input; and the optional-import contract."""

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

sklearn = pytest.importorskip("sklearn")

from sklearn import decomposition  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from fastla.sklearn import PCA  # noqa: E402

TOL = dict(rtol=1e-6, atol=1e-6)


@pytest.fixture(scope="module")
def digits():
    """1797 x 64, pixel values 0..16; a few pixel columns are always zero."""
    return load_digits().data


def fit_both(X, **params):
    return PCA(**params).fit(X), decomposition.PCA(svd_solver="full", **params).fit(X)


def assert_same_fit(ours, theirs, X):
    """Every fitted attribute and both maps agree. Only directions of clearly positive
    variance are defined, so callers keep n_components below the zero-variance ones."""
    assert ours.n_components_ == theirs.n_components_
    assert ours.n_samples_ == theirs.n_samples_ and ours.n_features_in_ == theirs.n_features_in_
    for name in ("components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_", "mean_", "noise_variance_"):
        assert_allclose(getattr(ours, name), getattr(theirs, name), **TOL, err_msg=name)
    Z = ours.transform(X)
    assert_allclose(Z, theirs.transform(X), **TOL)
    assert_allclose(ours.fit_transform(X), Z, **TOL)
    assert_allclose(ours.inverse_transform(Z), theirs.inverse_transform(Z), **TOL)


@parametrize_with_checks([PCA(), PCA(n_components=0.9, whiten=True)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("n_components", [2, 10, 30])
def test_digits_agree_with_sklearn(digits, n_components, whiten):
    ours, theirs = fit_both(digits, n_components=n_components, whiten=whiten)
    assert_same_fit(ours, theirs, digits)


def test_digits_all_components(digits):
    """n_components=None keeps 64; the spectrum agrees in full (the trailing zero
    variances to 1e-6 absolute), the components wherever their variance is positive."""
    ours, theirs = fit_both(digits)
    assert ours.n_components_ == 64
    for name in ("explained_variance_", "explained_variance_ratio_", "singular_values_"):
        assert_allclose(getattr(ours, name), getattr(theirs, name), **TOL, err_msg=name)
    defined = theirs.explained_variance_ > 1e-6 * theirs.explained_variance_[0]
    assert defined.sum() > 50
    assert_allclose(ours.components_[defined], theirs.components_[defined], **TOL)


@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.95])
def test_fraction_of_variance(digits, fraction):
    ours, theirs = fit_both(digits, n_components=fraction)
    assert_same_fit(ours, theirs, digits)
    kept = ours.explained_variance_ratio_.sum()
    assert kept > fraction and kept - ours.explained_variance_ratio_[-1] <= fraction


def test_whiten_round_trip(rng):
    X = rng.standard_normal((200, 12)) @ rng.standard_normal((12, 12)) + 5
    pca = PCA(whiten=True).fit(X)
    Z = pca.transform(X)
    assert_allclose(Z.mean(axis=0), 0, atol=1e-10)
    assert_allclose(np.cov(Z, rowvar=False), np.eye(12), atol=1e-10)
    assert_allclose(pca.inverse_transform(Z), X, rtol=1e-10)


def test_float32_stays_float32(digits):
    X32 = digits.astype(np.float32)
    ours = PCA(n_components=10).fit(X32)
    theirs = decomposition.PCA(n_components=10, svd_solver="full").fit(digits)
    for name in ("components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_", "mean_"):
        assert getattr(ours, name).dtype == np.float32, name
        assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-4, atol=1e-4,
                        err_msg=name)
    Z = ours.transform(X32)
    assert Z.dtype == np.float32
    assert_allclose(Z, theirs.transform(digits), rtol=1e-4, atol=1e-3)
    assert ours.inverse_transform(Z).dtype == np.float32


def test_feature_names_out():
    pca = PCA(n_components=3).fit(np.arange(40.0).reshape(8, 5) ** 1.5)
    assert list(pca.get_feature_names_out()) == ["pca0", "pca1", "pca2"]


def test_bad_input(digits):
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="dense data is required"):
        PCA().fit(sparse.csr_matrix(digits))
    for n_components in (-1, 1.5, 1.0, "mle", True):
        with pytest.raises(ValueError, match="n_components"):
            PCA(n_components=n_components).fit(digits)
    with pytest.raises(ValueError, match="must be between 0 and"):
        PCA(n_components=65).fit(digits)
    pca = PCA(n_components=2).fit(digits)
    with pytest.raises(ValueError, match="expected n_components_ = 2"):
        pca.inverse_transform(np.ones((3, 4)))


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_fastla_does_not_import_sklearn():
    result = run_python("import sys, fastla; print('sklearn' in sys.modules)")
    assert result.stdout.strip() == "False", result.stderr


def test_missing_sklearn_says_how_to_install():
    result = run_python("import sys; sys.modules['sklearn'] = None; import fastla.sklearn")
    assert result.returncode != 0
    assert 'pip install "fastla[sklearn]"' in result.stderr
