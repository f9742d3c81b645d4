"""scikit-learn estimators on fastla's kernels (the optional extra: pip install "fastla[sklearn]").

    from fastla.sklearn import PCA
    Z = PCA(n_components=10).fit_transform(X)     # a drop-in for sklearn.decomposition.PCA

`PCA` is a real scikit-learn transformer: it clones, pipelines, grid-searches, keeps
float32 as float32 and passes `sklearn.utils.estimator_checks.check_estimator`. The
arithmetic is fastla's: the fit is `fastla.pca` (the covariance matrix by fastla's GEMM,
its eigenpairs by fastla's Jacobi `eigh`, the approach scikit-learn calls
"covariance_eigh"), and transform / inverse_transform are `fastla.matmul`. scikit-learn
only validates the input and supplies the estimator protocol.

Importing `fastla` never imports scikit-learn; only this module does.
"""

import numbers

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
    from sklearn.utils.validation import check_array, check_is_fitted, validate_data
except ImportError as exc:  # validate_data is new in scikit-learn 1.6
    raise ImportError(
        'fastla.sklearn needs scikit-learn >= 1.6; install it with: pip install "fastla[sklearn]"'
    ) from exc

import fastla

__all__ = ["PCA"]


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis on fastla's kernels, like
    `sklearn.decomposition.PCA(svd_solver="full")` with the same fitted attributes,
    sign convention (the largest |entry| of each component is positive) and results.

    Parameters
    ----------
    n_components : int, float in (0, 1) or None
        int: how many components to keep (0 to min(n_samples, n_features)).
        float: keep the fewest components whose explained variance ratios add up to
        more than this fraction. None: keep min(n_samples, n_features).
    whiten : bool
        If True, transform scales each component to unit variance.
    copy : bool
        Accepted for compatibility with scikit-learn's PCA. fastla never overwrites
        the input, so it has no effect.

    Attributes
    ----------
    components_ : (n_components_, n_features) principal axes, as rows, by decreasing variance
    explained_variance_ : (n_components_,) variance along each (denominator n_samples - 1)
    explained_variance_ratio_ : (n_components_,) each as a fraction of the total variance
    singular_values_ : (n_components_,) the singular values of the centred X
    mean_ : (n_features,) the column means of the training data
    n_components_, n_samples_, n_features_in_, feature_names_in_ (for named columns)
    noise_variance_ : mean variance of the discarded directions (probabilistic PCA), else 0

    The fit forms the n_features x n_features covariance matrix and diagonalises it
    in full: cost O(n_samples n_features^2 + n_features^3), so it suits data with
    up to a few thousand features. Sparse input is not supported.
    """

    def __init__(self, n_components=None, *, whiten=False, copy=True):
        self.n_components = n_components
        self.whiten = whiten
        self.copy = copy

    def fit(self, X, y=None):
        """Fit the model to X (n_samples, n_features); y is ignored. Returns self."""
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit the model to X and return X projected on the components."""
        return self._transform(self._fit(X))

    def transform(self, X):
        """Project X (n_samples, n_features) on the components: (n_samples, n_components_)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._transform(X)

    def inverse_transform(self, X):
        """Map X (n_samples, n_components_) back to the original space: X components_ + mean_
        (undoing the whitening first when whiten=True)."""
        check_is_fitted(self)
        X = check_array(X, input_name="X", dtype=[np.float64, np.float32])
        if X.shape[1] != self.n_components_:
            raise ValueError(f"X has {X.shape[1]} columns; expected n_components_ = "
                             f"{self.n_components_}")
        components = self.components_
        if self.whiten:
            components = np.sqrt(self.explained_variance_)[:, np.newaxis] * components
        return fastla.matmul(X, components) + self.mean_

    @property
    def _n_features_out(self):
        """How many columns transform returns (read by get_feature_names_out)."""
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _fit(self, X):
        """Set the fitted attributes; return the validated X."""
        self._check_params()
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        n_samples, n_features = X.shape
        n_max = min(n_samples, n_features)

        # All eigenpairs, by decreasing variance: the discarded ones give the total
        # variance and noise_variance_. Negative rounding noise is already clipped to 0.
        components, variance, mean = fastla.pca(X, n_max)
        ratio = variance / variance.sum()

        n_components = self.n_components
        if n_components is None:
            n_components = n_max
        elif isinstance(n_components, numbers.Integral):
            if n_components > n_max:
                raise ValueError(f"n_components={n_components} must be between 0 and "
                                 f"min(n_samples, n_features)={n_max}")
        else:
            # The fewest components whose ratios add up to more than the fraction,
            # as scikit-learn counts them (side="right"); rounding can leave the
            # last partial sum just below 1, hence the cap.
            cumulative = np.cumsum(ratio)
            n_components = min(int(np.searchsorted(cumulative, n_components, side="right")) + 1,
                               n_max)

        self.n_samples_ = n_samples
        self.n_components_ = n_components
        self.mean_ = mean
        self.components_ = components[:n_components].copy()
        self.explained_variance_ = variance[:n_components].copy()
        self.explained_variance_ratio_ = ratio[:n_components].copy()
        self.singular_values_ = np.sqrt(self.explained_variance_ * (n_samples - 1))
        # Probabilistic PCA's maximum-likelihood noise (Bishop, eq. 12.46).
        self.noise_variance_ = variance[n_components:].mean() if n_components < n_max else 0.0
        return X

    def _check_params(self):
        n = self.n_components
        is_int = isinstance(n, numbers.Integral) and not isinstance(n, bool)
        is_fraction = (isinstance(n, numbers.Real) and not isinstance(n, numbers.Integral)
                       and 0 < n < 1)
        if not (n is None or (is_int and n >= 0) or is_fraction):
            raise ValueError(f"n_components={n!r}: expected None, an int >= 0 or a float "
                             "in (0, 1)")
        for name in ("whiten", "copy"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name}={getattr(self, name)!r}: expected True or False")

    def _transform(self, X):
        # (X - mean_) components_.T, without a centred copy of X.
        projected = fastla.matmul(X, self.components_.T)
        projected -= fastla.matmul(self.mean_, self.components_.T)
        if self.whiten:
            # A component of (near) zero variance would blow up: clip its scale, as
            # scikit-learn does.
            scale = np.sqrt(self.explained_variance_)
            np.maximum(scale, np.finfo(scale.dtype).eps, out=scale)
            projected /= scale
        return projected
